package io.ernieneo4j.trainer.wordnet;

import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.data.TypingExample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import static io.ernieneo4j.trainer.wordnet.WordNetRelation.*;

/**
 * The datasets ../shared/DATA.md derives from WordNet 3.0, reproducibly from a seed: link-prediction splits
 * (WN18-like, WN18RR-like), noun entity typing (26 supersenses, split by synset), relation classification from
 * definitions (class-balanced, split by head synset) and an entity-aligned pretraining corpus.
 */
public final class WordNetDatasets {

    /** Link-prediction variants: WN18's 18 relations, or WN18RR's 11 (WN18 less the 7 inverse relations). */
    public enum LinkPredictionVariant {
        WN18(EnumSet.of(HYPERNYM, HYPONYM, INSTANCE_HYPERNYM, INSTANCE_HYPONYM, MEMBER_MERONYM, MEMBER_HOLONYM,
                PART_MERONYM, PART_HOLONYM, DERIVATIONALLY_RELATED_FORM, ALSO_SEE, VERB_GROUP, SIMILAR_TO,
                TOPIC_DOMAIN, TOPIC_DOMAIN_MEMBER, REGION_DOMAIN, REGION_DOMAIN_MEMBER, USAGE_DOMAIN,
                USAGE_DOMAIN_MEMBER), 5_000, 5_000),
        WN18RR(EnumSet.of(HYPERNYM, INSTANCE_HYPERNYM, MEMBER_MERONYM, PART_MERONYM, DERIVATIONALLY_RELATED_FORM,
                ALSO_SEE, VERB_GROUP, SIMILAR_TO, TOPIC_DOMAIN, REGION_DOMAIN_MEMBER, USAGE_DOMAIN_MEMBER),
                3_034, 3_134);

        private final Set<WordNetRelation> relations;
        private final int devSize;
        private final int testSize;

        LinkPredictionVariant(Set<WordNetRelation> relations, int devSize, int testSize) {
            this.relations = relations;
            this.devSize = devSize;
            this.testSize = testSize;
        }

        public Set<WordNetRelation> relations() {
            return relations;
        }
    }

    /** Both ends of a link-prediction triple need at least this many triples (WN18's filter). */
    static final int MIN_ENTITY_DEGREE = 5;

    private final WordNet wordNet;
    private final MentionFinder finder;

    public WordNetDatasets(WordNet wordNet, Morphology morphology) {
        this.wordNet = wordNet;
        this.finder = new MentionFinder(morphology);
    }

    // ----------------------------------------------------------------------------------------- link prediction

    /**
     * The variant's triples whose two ends both have degree ≥ 5 among WN18's triples, shuffled with {@code seed}
     * into train / dev / test of WN18's (or WN18RR's) sizes. Every dev and test entity and relation also occurs in
     * train: a triple that would break this moves to train.
     */
    public Split<Triple> linkPrediction(LinkPredictionVariant variant, long seed) {
        List<Pointer> wn18 = wordNet.pointers().stream()
                .filter(p -> LinkPredictionVariant.WN18.relations.contains(p.relation()))
                .toList();
        Map<String, Integer> degree = new HashMap<>();
        for (Pointer p : wn18) {
            degree.merge(p.source(), 1, Integer::sum);
            degree.merge(p.target(), 1, Integer::sum);
        }
        List<Triple> triples = new ArrayList<>();
        for (Pointer p : wn18) {
            if (variant.relations.contains(p.relation())
                    && degree.get(p.source()) >= MIN_ENTITY_DEGREE && degree.get(p.target()) >= MIN_ENTITY_DEGREE) {
                triples.add(new Triple(p.source(), p.relation().relationshipType(), p.target()));
            }
        }
        Collections.shuffle(triples, new Random(seed));
        int held = Math.min(variant.devSize + variant.testSize, triples.size() / 5);
        int devSize = (int) ((long) held * variant.devSize / (variant.devSize + variant.testSize));
        List<Triple> train = new ArrayList<>(triples.subList(held, triples.size()));
        Set<String> trainEntities = new HashSet<>();
        Set<String> trainRelations = new HashSet<>();
        for (Triple t : train) {
            trainEntities.add(t.head());
            trainEntities.add(t.tail());
            trainRelations.add(t.relation());
        }
        List<Triple> dev = new ArrayList<>();
        List<Triple> test = new ArrayList<>();
        for (int i = 0; i < held; i++) {
            Triple t = triples.get(i);
            if (!trainEntities.contains(t.head()) || !trainEntities.contains(t.tail())
                    || !trainRelations.contains(t.relation())) {
                train.add(t);
                trainEntities.add(t.head());
                trainEntities.add(t.tail());
                trainRelations.add(t.relation());
            } else {
                (i < devSize ? dev : test).add(t);
            }
        }
        return new Split<>(train, dev, test);
    }

    // ----------------------------------------------------------------------------------------------- typing

    /**
     * Noun example sentences that mention a lemma of their own synset: the mention, typed with the synset's
     * lexicographer file. Split 80/10/10 by synset, so no synset (and so no lemma's type) crosses splits.
     */
    public Split<TypingExample> nounTyping(long seed) {
        Map<String, List<TypingExample>> bySynset = new LinkedHashMap<>();
        for (Synset s : wordNet.synsets().values()) {
            if (!s.pos().equals("n")) {
                continue;
            }
            for (int k = 0; k < s.examples().size(); k++) {
                String text = s.examples().get(k);
                Optional<MentionFinder.Span> span = findAnyLemma(finder.words(text), s.lemmas());
                if (span.isPresent()) {
                    Mention mention = new Mention(span.get().start(), span.get().end(), s.id());
                    bySynset.computeIfAbsent(s.id(), id -> new ArrayList<>()).add(new TypingExample(
                            s.id() + "#" + k, text, mention, List.of(s.lexname()), List.of(mention)));
                }
            }
        }
        return splitByKey(bySynset, seed);
    }

    // ------------------------------------------------------------------------------------------- relations

    /**
     * Definitions written as {@code lemma : definition} in which the definition mentions a lemma of a WordNet
     * neighbour: head = the defined synset (its first lemma), tail = the neighbour, label = the relation. Classes
     * with fewer than {@code minPerClass} items are dropped and larger ones down-sampled to {@code maxPerClass}
     * (seeded); split 80/10/10 by head synset.
     */
    public Split<RelationExample> definitionRelations(long seed, int minPerClass, int maxPerClass) {
        Map<String, List<RelationExample>> byLabel = new TreeMap<>();
        for (RelationExample item : allDefinitionRelations()) {
            byLabel.computeIfAbsent(item.label(), l -> new ArrayList<>()).add(item);
        }
        Random random = new Random(seed);
        Map<String, List<RelationExample>> byHead = new LinkedHashMap<>();
        for (List<RelationExample> items : byLabel.values()) {
            if (items.size() < minPerClass) {
                continue;
            }
            List<RelationExample> kept = new ArrayList<>(items);
            Collections.shuffle(kept, random);
            for (RelationExample item : kept.subList(0, Math.min(maxPerClass, kept.size()))) {
                byHead.computeIfAbsent(item.head().entity(), h -> new ArrayList<>()).add(item);
            }
        }
        return splitByKey(byHead, seed);
    }

    /** Every (definition, neighbour mentioned in it) item, before balancing. */
    public List<RelationExample> allDefinitionRelations() {
        List<RelationExample> items = new ArrayList<>();
        Map<String, Map<String, WordNetRelation>> neighbours = neighbours();
        for (Synset a : wordNet.synsets().values()) {
            Map<String, WordNetRelation> around = neighbours.getOrDefault(a.id(), Map.of());
            if (around.isEmpty() || a.definition().isEmpty()) {
                continue;
            }
            String headName = a.lemmas().get(0).replace('_', ' ');
            String prefix = headName + " : ";
            String text = prefix + a.definition();
            Mention head = new Mention(0, headName.length(), a.id());
            MentionFinder.Words definitionWords = finder.words(a.definition());
            for (var neighbour : around.entrySet()) {
                Synset b = wordNet.synset(neighbour.getKey());
                findAnyLemma(definitionWords, b.lemmas()).ifPresent(span -> {
                    Mention tail = new Mention(prefix.length() + span.start(), prefix.length() + span.end(), b.id());
                    items.add(new RelationExample(a.id() + ">" + b.id(), text, head, tail,
                            neighbour.getValue().relationshipType(), List.of(head, tail)));
                });
            }
        }
        return items;
    }

    // -------------------------------------------------------------------------------------------- corpus

    /**
     * Texts with aligned entities for pretraining: every example sentence that mentions its own synset, and every
     * definition as {@code lemma : definition} with the head and each neighbour it mentions.
     */
    public List<CorpusDocument> corpus() {
        List<CorpusDocument> documents = exampleDocuments();
        Map<String, List<RelationExample>> byDefinition = new LinkedHashMap<>();
        for (RelationExample item : allDefinitionRelations()) {
            byDefinition.computeIfAbsent(item.head().entity(), h -> new ArrayList<>()).add(item);
        }
        for (var entry : byDefinition.entrySet()) {
            List<RelationExample> items = entry.getValue();
            Set<Mention> mentions = new LinkedHashSet<>();
            mentions.add(items.get(0).head());
            items.forEach(item -> mentions.add(item.tail()));
            documents.add(new CorpusDocument(entry.getKey() + "#def", items.get(0).text(), List.copyOf(mentions)));
        }
        return documents;
    }

    /**
     * The corpus's example sentences (each mentions its own synset, its only entity: the gold link), split by synset
     * so a sense is in one part only: the synsets sorted, shuffled with {@code seed}, dev the first tenth, test the
     * second, train the rest; each part in that synset order, a synset's sentences in WordNet's order. The held-out
     * sets of the linking benchmarks.
     */
    public Split<CorpusDocument> exampleSentences(long seed) {
        Map<String, List<CorpusDocument>> bySynset = new LinkedHashMap<>();
        for (CorpusDocument d : exampleDocuments()) {
            bySynset.computeIfAbsent(d.entities().get(0).entity(), k -> new ArrayList<>()).add(d);
        }
        List<String> keys = new ArrayList<>(bySynset.keySet());
        Collections.sort(keys);
        Collections.shuffle(keys, new Random(seed));
        int tenth = keys.size() / 10;
        return new Split<>(documentsOf(bySynset, keys.subList(2 * tenth, keys.size())),
                documentsOf(bySynset, keys.subList(0, tenth)), documentsOf(bySynset, keys.subList(tenth, 2 * tenth)));
    }

    private static List<CorpusDocument> documentsOf(Map<String, List<CorpusDocument>> bySynset, List<String> keys) {
        return keys.stream().flatMap(k -> bySynset.get(k).stream()).toList();
    }

    /** Every example sentence that contains a lemma of its own synset, with that mention. */
    private List<CorpusDocument> exampleDocuments() {
        List<CorpusDocument> documents = new ArrayList<>();
        for (Synset s : wordNet.synsets().values()) {
            for (int k = 0; k < s.examples().size(); k++) {
                String text = s.examples().get(k);
                int index = k;
                findAnyLemma(finder.words(text), s.lemmas()).ifPresent(span -> documents.add(new CorpusDocument(
                        s.id() + "#" + index, text, List.of(new Mention(span.start(), span.end(), s.id())))));
            }
        }
        return documents;
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** An exact mention of any lemma first; else an inflected one. */
    private static Optional<MentionFinder.Span> findAnyLemma(MentionFinder.Words words, List<String> lemmas) {
        for (boolean inflected : new boolean[] {false, true}) {
            for (String lemma : lemmas) {
                Optional<MentionFinder.Span> span = words.find(lemma, inflected);
                if (span.isPresent()) {
                    return span;
                }
            }
        }
        return Optional.empty();
    }

    /** For each synset, its neighbours with the first relation (in file order) that links them. */
    private Map<String, Map<String, WordNetRelation>> neighbours() {
        Map<String, Map<String, WordNetRelation>> neighbours = new HashMap<>();
        for (Pointer p : wordNet.pointers()) {
            if (!p.source().equals(p.target())) {
                neighbours.computeIfAbsent(p.source(), s -> new LinkedHashMap<>()).putIfAbsent(p.target(), p.relation());
            }
        }
        return neighbours;
    }

    /** Groups go whole to train (80%), dev (10%) or test (10%), in a seeded order of their keys. */
    private static <T> Split<T> splitByKey(Map<String, List<T>> groups, long seed) {
        List<String> keys = new ArrayList<>(groups.keySet());
        Collections.sort(keys);
        Collections.shuffle(keys, new Random(seed));
        int devEnd = keys.size() / 10;
        int testEnd = devEnd + keys.size() / 10;
        Function<List<String>, List<T>> collect = part -> part.stream().flatMap(k -> groups.get(k).stream()).toList();
        return new Split<>(
                collect.apply(keys.subList(testEnd, keys.size())),
                collect.apply(keys.subList(0, devEnd)),
                collect.apply(keys.subList(devEnd, testEnd)));
    }
}
