package io.ernieneo4j.trainer.align;

import io.ernieneo4j.trainer.align.LinkedMention.Candidate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Entity linking against an {@link AlignmentDictionary}: finds the names in a text ({@link MentionMatcher}) and ranks
 * each mention's candidate entities.
 *
 * <p>Score: the prior alone, or, where the dictionary has embeddings and the mention has context,
 * {@code (1 - contextWeight) * prior + contextWeight * coherence}. A mention's context is the
 * {@value #CONTEXT_WINDOW} mentions on each side of it; each contributes the prior-weighted sum of its candidates'
 * unit embeddings. Coherence is {@code (1 + cos(entity, context)) / 2}, in [0, 1]: an entity close to what the text
 * around it is about wins over a more frequent but unrelated one, and a candidate without an embedding gets the
 * neutral 0.5. Mentions without context (alone in the text, or no neighbour embedded) keep the prior.
 *
 * <p>Not thread-safe (it caches token forms); the dictionary it reads is, so use one aligner per thread.
 */
public final class Aligner {

    /** Mentions on each side of a mention that make up its context. */
    public static final int CONTEXT_WINDOW = 10;

    private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingDouble(Candidate::score).reversed();

    private final AlignmentDictionary dictionary;
    private final AlignParameters parameters;
    private final MentionMatcher matcher;

    public Aligner(AlignmentDictionary dictionary, AlignParameters parameters) {
        this.dictionary = dictionary;
        this.parameters = parameters;
        this.matcher = new MentionMatcher(dictionary, parameters);
    }

    /** The text's mentions in text order, each with its best candidates; mentions below {@code minScore} left out. */
    public List<LinkedMention> align(String text) {
        List<MentionMatcher.Match> matches = matcher.matches(text);
        boolean withContext = dictionary.dimensions() > 0 && parameters.contextWeight() > 0 && matches.size() > 1;
        ContextWindow window = withContext ? new ContextWindow(matches) : null;
        List<LinkedMention> mentions = new ArrayList<>(matches.size());
        for (int m = 0; m < matches.size(); m++) {
            MentionMatcher.Match match = matches.get(m);
            double[] context = window == null ? null : window.contextOf(m);
            List<Candidate> candidates = rank(match.node(), context);
            if (candidates.get(0).score() >= parameters.minScore()) {
                mentions.add(new LinkedMention(match.start(), match.end(), text.substring(match.start(), match.end()),
                        List.copyOf(candidates.subList(0, Math.min(parameters.maxCandidates(), candidates.size())))));
            }
        }
        return mentions;
    }

    private List<Candidate> rank(int node, double[] context) {
        int from = dictionary.candidatesFrom(node);
        int to = dictionary.candidatesTo(node);
        double contextNorm = context == null ? 0 : norm(context);
        boolean scored = contextNorm > 1e-12;
        int dim = dictionary.dimensions();
        float[] unit = dictionary.unitEmbeddings();
        double w = parameters.contextWeight();
        List<Candidate> candidates = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) {
            int entity = dictionary.candidateEntity(k);
            double prior = dictionary.candidatePrior(k);
            if (!scored) {
                candidates.add(new Candidate(dictionary.entityId(entity), prior, prior, Double.NaN));
                continue;
            }
            double dot = 0;
            for (int d = 0; d < dim; d++) {
                dot += unit[entity * dim + d] * context[d];
            }
            double coherence = Math.clamp((1 + dot / contextNorm) / 2, 0.0, 1.0);
            candidates.add(new Candidate(dictionary.entityId(entity), (1 - w) * prior + w * coherence, prior,
                    coherence));
        }
        candidates.sort(BEST_FIRST); // stable: ties keep dictionary order
        return candidates;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * Sums of mention vectors over a window sliding along the text: each mention's vector is computed once, kept in
     * a ring of {@code 2 * CONTEXT_WINDOW + 1} slots, and added to and taken from one running sum, so memory stays
     * constant however long the text.
     */
    private final class ContextWindow {
        private static final int SLOTS = 2 * CONTEXT_WINDOW + 1;

        private final List<MentionMatcher.Match> matches;
        private final int dim = dictionary.dimensions();
        private final float[] ring = new float[SLOTS * dim];
        private final double[] sum = new double[dim];
        private int added;
        private int removed;

        ContextWindow(List<MentionMatcher.Match> matches) {
            this.matches = matches;
        }

        /** The sum of the vectors of the mentions around {@code m}, without {@code m}'s own; call with m ascending. */
        double[] contextOf(int m) {
            while (removed < m - CONTEXT_WINDOW) {
                addToSum(removed++, -1);
            }
            while (added < matches.size() && added <= m + CONTEXT_WINDOW) {
                mentionVector(matches.get(added).node(), added % SLOTS);
                addToSum(added++, 1);
            }
            double[] context = sum.clone();
            int offset = (m % SLOTS) * dim;
            for (int d = 0; d < dim; d++) {
                context[d] -= ring[offset + d];
            }
            return context;
        }

        private void addToSum(int mention, int sign) {
            int offset = (mention % SLOTS) * dim;
            for (int d = 0; d < dim; d++) {
                sum[d] += sign * ring[offset + d];
            }
        }

        /** The prior-weighted sum of the unit embeddings of a name's candidates, into a ring slot. */
        private void mentionVector(int node, int slot) {
            float[] unit = dictionary.unitEmbeddings();
            int offset = slot * dim;
            java.util.Arrays.fill(ring, offset, offset + dim, 0f);
            for (int k = dictionary.candidatesFrom(node); k < dictionary.candidatesTo(node); k++) {
                int entity = dictionary.candidateEntity(k);
                float prior = dictionary.candidatePrior(k);
                for (int d = 0; d < dim; d++) {
                    ring[offset + d] += prior * unit[entity * dim + d];
                }
            }
        }
    }
}
