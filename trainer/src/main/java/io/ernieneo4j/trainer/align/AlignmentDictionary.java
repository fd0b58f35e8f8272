package io.ernieneo4j.trainer.align;

import io.ernieneo4j.trainer.wordnet.Morphology;

import java.util.Arrays;
import java.util.Locale;

/**
 * Every entity name as one automaton: a trie over normalised tokens ({@link TokenScanner}), whose nodes that end a
 * name list the entities of that name with their prior. Immutable once built, and shared by any number of
 * {@link Aligner}s.
 *
 * <p>The prior of an entity for a name is its share of the name's raw priors, add-one smoothed and weighted by the
 * kind of name: {@code k(e) (p(e) + 1) / Σ k(c) (p(c) + 1)} over the name's candidates {@code c} (the commonness of
 * entity-linking papers; raw priors are sense counts, degrees or PageRank scores, negatives count as 0), where
 * {@code k} is {@link Builder#primaryNameWeight} where the name is the entity's primary name and 1 where it is a
 * synonym. It lies in [0, 1], sums to 1 over a name, and is 1 for an unambiguous name.
 *
 * <p>A name with clause punctuation between two of its words ({@link TokenScanner#PHRASE_BREAKS}: "Washington, D.C.",
 * "Star Wars: A New Hope") has a {@link #BREAK} step there in the trie, which only a text with punctuation at that
 * place can take. A name that ends in a bracketed qualifier ("Mercury (planet)") is also a name without it
 * ("Mercury").
 *
 * <p>With {@link Builder#acronymCase}, a one-word name of at most {@value #ACRONYM_LENGTH} characters written in
 * capitals ("GAS", "NASA") is an acronym: its path starts with the {@link #ACRONYM} step, which only a text word
 * written in capitals takes, so that the ordinary word ("gas") does not find it.
 */
public final class AlignmentDictionary {

    static final int ROOT = 0;

    /** The pseudo-token of clause punctuation inside a name; no normalised token has a negative id. */
    static final int BREAK = -2;

    /** The pseudo-token before an acronym's one token. */
    static final int ACRONYM = -3;

    /** The longest acronym, in characters. */
    public static final int ACRONYM_LENGTH = 5;

    /** See {@link Builder#primaryNameWeight}. */
    public static final double DEFAULT_PRIMARY_NAME_WEIGHT = 10;
    public static final double MAX_PRIMARY_NAME_WEIGHT = 1_000_000;

    private final Morphology morphology;
    private final TokenTable tokens;
    private final TrieTransitions transitions;
    private final int nodeCount;
    private final boolean[] stopName;
    private final boolean[] hasChildren;
    private final int[] candidateStart;
    private final int[] candidateEntity;
    private final float[] candidatePrior;
    private final long[] entityIds;
    private final int dimensions;
    private final float[] unitEmbeddings;
    private final int embeddedEntities;
    private final int nameCount;
    private final boolean hasBreaks;
    private final int acronymRoot;

    private AlignmentDictionary(Builder b, int[] candidateStart, int[] candidateEntity, float[] candidatePrior) {
        this.morphology = b.morphology;
        this.tokens = b.tokens;
        this.transitions = b.transitions;
        this.nodeCount = b.nodeCount;
        this.hasChildren = Arrays.copyOf(b.hasChildren, nodeCount);
        this.stopName = new boolean[nodeCount];
        for (String word : StopWords.ENGLISH) {
            int token = tokens.id(word);
            int node = token < 0 ? -1 : transitions.child(ROOT, token);
            if (node >= 0) {
                stopName[node] = true;
            }
        }
        this.candidateStart = candidateStart;
        this.candidateEntity = candidateEntity;
        this.candidatePrior = candidatePrior;
        this.entityIds = Arrays.copyOf(b.entityIds, b.entityCount);
        this.dimensions = b.dimensions;
        this.unitEmbeddings = dimensions == 0 ? new float[0] : Arrays.copyOf(b.embeddings, b.entityCount * dimensions);
        this.embeddedEntities = b.embeddedEntities;
        this.nameCount = b.nameCount;
        this.hasBreaks = b.hasBreaks;
        this.acronymRoot = transitions.child(ROOT, ACRONYM);
    }

    public static Builder builder(Morphology morphology) {
        return new Builder(morphology);
    }

    public int entityCount() {
        return entityIds.length;
    }

    /** Names added, each (name, entity) pair once. */
    public int nameCount() {
        return nameCount;
    }

    /** Distinct normalised tokens over all names. */
    public int tokenCount() {
        return tokens.size();
    }

    public int trieNodeCount() {
        return nodeCount;
    }

    /** Length of the embeddings, 0 when the dictionary has none. */
    public int dimensions() {
        return dimensions;
    }

    public int embeddedEntityCount() {
        return embeddedEntities;
    }

    /** Bytes held by the dictionary's arrays (the shared Morphology not counted). */
    public long memoryBytes() {
        return tokens.memoryBytes() + transitions.memoryBytes() + 2L * nodeCount + 4L * candidateStart.length
                + 4L * candidateEntity.length + 4L * candidatePrior.length + 8L * entityIds.length
                + 4L * unitEmbeddings.length;
    }

    // ---------------------------------------------------------------------------------- for the matcher

    Morphology morphology() {
        return morphology;
    }

    /** The id of a normalised token, or -1 when no name contains it. */
    int token(char[] chars, int length) {
        return tokens.id(chars, length);
    }

    /** Whether the name ending at {@code node} is a single stop word. */
    boolean isStopName(int node) {
        return stopName[node];
    }

    int child(int node, int token) {
        return transitions.child(node, token);
    }

    /** The node of the acronym spelt by {@code token}, or -1. */
    int acronym(int token) {
        return acronymRoot < 0 ? -1 : transitions.child(acronymRoot, token);
    }

    /** Whether any name has a {@link #BREAK}: if none, no walk crosses punctuation. */
    boolean hasBreaks() {
        return hasBreaks;
    }

    /** Whether any name goes on past {@code node}: a walk from a leaf needs no look-up. */
    boolean hasChildren(int node) {
        return hasChildren[node];
    }

    /** Whether a name ends at {@code node}. */
    boolean endsName(int node) {
        return candidateStart[node + 1] > candidateStart[node];
    }

    /** Where the candidates of the name ending at {@code node} start: by descending prior, ties in dictionary order. */
    int candidatesFrom(int node) {
        return candidateStart[node];
    }

    int candidatesTo(int node) {
        return candidateStart[node + 1];
    }

    int candidateEntity(int index) {
        return candidateEntity[index];
    }

    float candidatePrior(int index) {
        return candidatePrior[index];
    }

    long entityId(int entity) {
        return entityIds[entity];
    }

    /** The entity's embedding scaled to length 1 (all zeros when it has none), at {@code entity * dimensions()}. */
    float[] unitEmbeddings() {
        return unitEmbeddings;
    }

    /** Collects entities and their names, then builds the automaton in one pass over the names. */
    public static final class Builder {

        private final Morphology morphology;
        private final TokenTable tokens = new TokenTable(1 << 16);
        private final TrieTransitions transitions = new TrieTransitions(1 << 16);
        private int nodeCount = 1; // the root
        private boolean[] hasChildren = new boolean[1 << 16];
        private long[] entityIds = new long[1024];
        private double[] rawPriors = new double[1024];
        private int entityCount;
        private int dimensions;
        private float[] embeddings = new float[0];
        private int embeddedEntities;
        // (trie node, 2 * entity + 1 if primary) pairs, one per name; sorted by node on build
        private int[] nameNodes = new int[1024];
        private int[] nameEntities = new int[1024];
        private int pairCount;
        private int nameCount;
        private boolean hasBreaks;
        private boolean acronymCase = true;
        private double primaryNameWeight = DEFAULT_PRIMARY_NAME_WEIGHT;

        private Builder(Morphology morphology) {
            this.morphology = morphology;
        }

        /**
         * Whether names that are acronyms match only text written in capitals (the default); otherwise they match
         * any case, as every other name does. Set before adding names.
         */
        public Builder acronymCase(boolean on) {
            if (pairCount > 0) {
                throw new IllegalStateException("Set acronymCase before adding names.");
            }
            acronymCase = on;
            return this;
        }

        /**
         * How much more an entity counts for a name that is its primary name than one that is its synonym: a factor
         * on the smoothed prior, at least 1 (1: the kind of name does not count). Set before building.
         */
        public Builder primaryNameWeight(double weight) {
            if (!(weight >= 1 && weight <= MAX_PRIMARY_NAME_WEIGHT)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Value for `primaryNameWeight` was `%s`, but must be within the range [1, %s].", weight,
                        MAX_PRIMARY_NAME_WEIGHT));
            }
            primaryNameWeight = weight;
            return this;
        }

        /** Adds an entity; returns its index for {@link #name} and {@link #embedding}. */
        public int entity(long id, double prior) {
            if (entityCount == entityIds.length) {
                entityIds = Arrays.copyOf(entityIds, entityCount * 2);
                rawPriors = Arrays.copyOf(rawPriors, entityCount * 2);
            }
            entityIds[entityCount] = id;
            rawPriors[entityCount] = Double.isFinite(prior) ? Math.max(0, prior) : 0;
            return entityCount++;
        }

        /** Adds a synonym of an entity: {@link #name(int, String, boolean)}, not primary. */
        public boolean name(int entity, String name) {
            return name(entity, name, false);
        }

        /**
         * Adds a name of an entity ({@code _} counts as a space), its primary name or a synonym, and, if it ends in a
         * bracketed qualifier, the name without it as a synonym; a name without any letter or digit is ignored.
         * Returns whether a name was added.
         */
        public boolean name(int entity, String name, boolean primary) {
            boolean added = addName(entity, name, primary);
            String unqualified = withoutQualifier(name);
            if (unqualified != null) {
                added |= addName(entity, unqualified, false);
            }
            return added;
        }

        /**
         * The name before a final bracketed qualifier after a space ("Mercury" of "Mercury (planet)"), or null when
         * the name has none.
         */
        static String withoutQualifier(String name) {
            String n = name.strip();
            if (!n.endsWith(")")) {
                return null;
            }
            int depth = 0;
            for (int i = n.length() - 1; i > 0; i--) {
                char c = n.charAt(i);
                if (c == ')') {
                    depth++;
                } else if (c == '(' && --depth == 0) {
                    return Character.isWhitespace(n.charAt(i - 1)) ? n.substring(0, i).strip() : null;
                }
            }
            return null;
        }

        private boolean addName(int entity, String name, boolean primary) {
            TokenScanner scanner = new TokenScanner(name);
            int node = acronymCase && isAcronym(name) ? step(ROOT, ACRONYM) : ROOT;
            boolean any = false;
            while (scanner.next()) {
                if (any && scanner.phraseBreakBefore()) {
                    node = step(node, BREAK);
                    hasBreaks = true;
                }
                any = true;
                node = step(node, tokens.add(scanner.buffer(), scanner.length()));
            }
            if (!any) {
                return false;
            }
            if (pairCount == nameNodes.length) {
                nameNodes = Arrays.copyOf(nameNodes, pairCount * 2);
                nameEntities = Arrays.copyOf(nameEntities, pairCount * 2);
            }
            nameNodes[pairCount] = node;
            nameEntities[pairCount] = 2 * entity + (primary ? 1 : 0);
            pairCount++;
            return true;
        }

        /**
         * Whether a name is one word of at most {@value #ACRONYM_LENGTH} characters with a capital letter and no
         * small one ("GAS", "NASA", "MP3").
         */
        static boolean isAcronym(String name) {
            TokenScanner scanner = new TokenScanner(name);
            if (!scanner.next()) {
                return false;
            }
            int start = scanner.start();
            int end = scanner.end();
            return !scanner.next() && end - start <= ACRONYM_LENGTH && TokenScanner.inCapitals(name, start, end);
        }

        /** The child of {@code node} along {@code token}, made if new. */
        private int step(int node, int token) {
            int child = transitions.child(node, token);
            if (child < 0) {
                child = nodeCount++;
                transitions.put(node, token, child);
                if (node >= hasChildren.length) {
                    hasChildren = Arrays.copyOf(hasChildren, Math.max(node + 1, hasChildren.length * 2));
                }
                hasChildren[node] = true;
            }
            return child;
        }

        /** Sets an entity's embedding; every embedding of a dictionary has the same length. */
        public void embedding(int entity, float[] vector) {
            if (dimensions == 0) {
                if (vector.length == 0) {
                    throw new IllegalArgumentException("An embedding needs at least one dimension.");
                }
                dimensions = vector.length;
            } else if (vector.length != dimensions) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Entity %d has an embedding of %d dimensions where the others have %d.",
                        entityIds[entity], vector.length, dimensions));
            }
            if (embeddings.length < entityIds.length * dimensions) {
                embeddings = Arrays.copyOf(embeddings, entityIds.length * dimensions);
            }
            double norm = 0;
            for (float x : vector) {
                norm += (double) x * x;
            }
            if (norm > 0) {
                float scale = (float) (1 / Math.sqrt(norm));
                for (int k = 0; k < dimensions; k++) {
                    embeddings[entity * dimensions + k] = vector[k] * scale;
                }
                embeddedEntities++;
            }
        }

        public AlignmentDictionary build() {
            if (dimensions > 0 && embeddings.length < entityCount * dimensions) {
                embeddings = Arrays.copyOf(embeddings, entityCount * dimensions);
            }
            // counting sort of the (node, entity) pairs by node gives each node's candidates as one range
            int[] start = new int[nodeCount + 1];
            for (int p = 0; p < pairCount; p++) {
                start[nameNodes[p] + 1]++;
            }
            for (int n = 0; n < nodeCount; n++) {
                start[n + 1] += start[n];
            }
            int[] fill = Arrays.copyOf(start, nodeCount);
            int[] entities = new int[pairCount];
            for (int p = 0; p < pairCount; p++) {
                entities[fill[nameNodes[p]]++] = nameEntities[p];
            }
            // drop repeats of an entity under one name (aliases that normalise alike), keeping dictionary order and
            // the primary one: sorted, an entity's primary pair (2e + 1) is its last
            int[] compactStart = new int[nodeCount + 1];
            int kept = 0;
            for (int n = 0; n < nodeCount; n++) {
                compactStart[n] = kept;
                int[] range = Arrays.copyOfRange(entities, start[n], start[n + 1]);
                Arrays.sort(range);
                for (int k = 0; k < range.length; k++) {
                    if (k + 1 == range.length || range[k + 1] >> 1 != range[k] >> 1) {
                        entities[kept++] = range[k];
                    }
                }
            }
            compactStart[nodeCount] = kept;
            nameCount = kept;
            int[] candidateEntity = new int[kept];
            float[] candidatePrior = new float[kept];
            double[] weighted = new double[kept];
            for (int k = 0; k < kept; k++) {
                weighted[k] = ((entities[k] & 1) == 1 ? primaryNameWeight : 1) * (rawPriors[entities[k] >> 1] + 1);
            }
            for (int n = 0; n < nodeCount; n++) {
                int from = compactStart[n];
                int to = compactStart[n + 1];
                double total = 0;
                for (int k = from; k < to; k++) {
                    total += weighted[k];
                }
                // best prior first (ties in dictionary order), so that the prior alone needs no sorting later
                Integer[] order = new Integer[to - from];
                for (int k = 0; k < order.length; k++) {
                    order[k] = from + k;
                }
                Arrays.sort(order, (x, y) -> Double.compare(weighted[y], weighted[x]));
                for (int k = 0; k < order.length; k++) {
                    candidateEntity[from + k] = entities[order[k]] >> 1;
                    candidatePrior[from + k] = (float) (weighted[order[k]] / total);
                }
            }
            return new AlignmentDictionary(this, compactStart, candidateEntity, candidatePrior);
        }
    }
}
