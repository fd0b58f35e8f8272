package io.ernieneo4j.trainer.dataset;

import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEModelFiles;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trainer's files from a graph: the documents with their linked mentions, split by document; a typing example
 * per mention whose entity has types; a relation example per ordered pair of entities of a document that a
 * relationship of the chosen types connects (distant supervision; the label is the type, head to tail), plus sampled
 * {@code no_relation} pairs (not connected at all); the corpus for pretraining; and the TransE rows of the entities
 * mentioned. Predicted relationships label nothing, but their pairs are not {@code no_relation} either.
 *
 * <p>Entities are named by the TransE model's entity keys, the keys a model's entity table gives it, so a model
 * trained on these files runs on the same graph. Mentions of entities the TransE model has no vector for are left
 * out (counted), so every entity the files name has a vector.
 */
public final class DatasetBuilder {

    /** The parts of a split, in file order. */
    public static final List<String> PARTS = List.of("train", "dev", "test");

    /** The pretraining corpus's file. */
    public static final String CORPUS = "corpus/corpus.jsonl";

    /** An entity's links: the relationship type index of each neighbour its chosen types lead to, and every neighbour. */
    private record Links(Map<String, Integer> outgoing, Set<String> neighbours) {}

    /** A document with its mentions of entities the TransE model knows, and their linker scores. */
    private record Kept(DatasetGraph.Document document, List<Mention> mentions, List<Double> scores) {}

    private final DatasetGraph graph;
    private final TransEModelFiles.NamedModel transe;
    private final DatasetParameters parameters;
    private final Progress progress;
    private final Termination termination;
    private final Map<String, Integer> typeIndex = new HashMap<>();
    private final Map<String, List<String>> types = new HashMap<>();
    private final Map<String, Links> links = new HashMap<>();

    public DatasetBuilder(DatasetGraph graph, TransEModelFiles.NamedModel transe, DatasetParameters parameters,
                          Progress progress, Termination termination) {
        this.graph = graph;
        this.transe = transe;
        this.parameters = parameters;
        this.progress = progress;
        this.termination = termination;
        for (int i = 0; i < parameters.relationshipTypes().size(); i++) {
            typeIndex.putIfAbsent(parameters.relationshipTypes().get(i), i);
        }
    }

    /** The documents kept (those with a mention of an entity the TransE model knows) and the mentions left out. */
    private record Reading(List<Kept> documents, Map<String, Integer> rows, long mentions, long withoutVector) {}

    private Reading read() {
        Map<String, Integer> rows = new HashMap<>(transe.entities().size() * 2);
        for (int i = 0; i < transe.entities().size(); i++) {
            rows.put(transe.entities().get(i), i);
        }
        List<Kept> documents = new ArrayList<>();
        long withoutVector = 0;
        long mentions = 0;
        for (DatasetGraph.Document document : graph.documents()) {
            termination.assertRunning();
            List<Mention> kept = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            for (int k = 0; k < document.mentions().size(); k++) {
                Mention m = document.mentions().get(k);
                mentions++;
                if (rows.containsKey(m.entity())) {
                    kept.add(m);
                    scores.add(document.scores().get(k));
                } else {
                    withoutVector++;
                }
            }
            if (!kept.isEmpty()) {
                documents.add(new Kept(document, List.copyOf(kept), List.copyOf(scores)));
            }
        }
        if (documents.isEmpty()) {
            throw invalid("None of the %d mentions of the documents is of an entity of TransE model `%s`; train it on "
                    + "the graph the documents mention.", mentions, transe.manifest().name());
        }
        return new Reading(documents, rows, mentions, withoutVector);
    }

    /**
     * The pretraining corpus alone ({@code corpus/corpus.jsonl}): every document with its mentions of entities the
     * TransE model knows, unsplit (pretraining scores no dev set); no types or relationships are read.
     */
    public Dataset corpus() {
        Reading reading = read();
        List<CorpusDocument> corpus = new ArrayList<>();
        Set<Integer> entityRows = new TreeSet<>();
        for (Kept kept : reading.documents()) {
            corpus.add(new CorpusDocument(kept.document().id(), kept.document().text(), kept.mentions()));
            kept.mentions().forEach(m -> entityRows.add(reading.rows().get(m.entity())));
        }
        progress.info(String.format(Locale.ROOT, "%d documents, %d mentions (%d without a vector), %d entities",
                corpus.size(), reading.mentions(), reading.withoutVector(), entityRows.size()));
        return new Dataset(Map.of(CORPUS, corpus), List.copyOf(entityRows), Map.of("train", (long) corpus.size()),
                List.of(), List.of(), reading.withoutVector(), 0);
    }

    /** Reads the documents, splits them and builds every file's records. */
    public Dataset build() {
        Reading reading = read();
        List<Kept> documents = reading.documents();
        Map<String, Integer> rows = reading.rows();
        long withoutVector = reading.withoutVector();
        long mentions = reading.mentions();

        int[] part = split(documents.size());
        List<List<TypingExample>> typing = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<RelationExample>> relations = new ArrayList<>();
        Set<Integer> entityRows = new TreeSet<>();
        List<CorpusDocument> corpus = new ArrayList<>();
        List<List<RelationExample>> candidates = new ArrayList<>();
        List<List<Boolean>> negative = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            candidates.add(new ArrayList<>());
            negative.add(new ArrayList<>());
        }
        Map<String, Long> documentCounts = new LinkedHashMap<>();
        PARTS.forEach(name -> documentCounts.put(name, 0L));
        for (int d = 0; d < documents.size(); d++) {
            termination.assertRunning();
            Kept kept = documents.get(d);
            DatasetGraph.Document document = kept.document();
            documentCounts.merge(PARTS.get(part[d]), 1L, Long::sum);
            corpus.add(new CorpusDocument(document.id(), document.text(), kept.mentions()));
            for (int k = 0; k < kept.mentions().size(); k++) {
                Mention mention = kept.mentions().get(k);
                entityRows.add(rows.get(mention.entity()));
                List<String> labels = types.computeIfAbsent(mention.entity(), graph::types);
                if (!labels.isEmpty() && kept.scores().get(k) >= parameters.typingMinLinkScore()) {
                    typing.get(part[d]).add(new TypingExample(document.id() + "#" + k, document.text(), mention,
                            labels, kept.mentions()));
                }
            }
            pairs(kept, candidates.get(part[d]), negative.get(part[d]));
        }
        for (int p = 0; p < 3; p++) {
            relations.add(sample(candidates.get(p), negative.get(p), p));
        }

        // the trainer refuses dev and test labels that training never saw: such examples are left out, counted
        Set<String> typeLabels = new TreeSet<>();
        typing.get(0).forEach(t -> typeLabels.addAll(t.labels()));
        Set<String> relationLabels = new TreeSet<>();
        relations.get(0).forEach(r -> relationLabels.add(r.label()));
        long unseen = 0;
        for (int p = 1; p < 3; p++) {
            int before = typing.get(p).size() + relations.get(p).size();
            typing.get(p).removeIf(t -> !typeLabels.containsAll(t.labels()));
            relations.get(p).removeIf(r -> !relationLabels.contains(r.label()));
            unseen += before - typing.get(p).size() - relations.get(p).size();
        }
        if (typing.get(0).isEmpty()) {
            throw invalid("No entity mentioned in the training documents (with a linker score of at least %s) has a "
                    + "`%s` property: there are no typing examples to write.", parameters.typingMinLinkScore(),
                    parameters.typeProperty());
        }
        if (relations.get(0).stream().noneMatch(r -> !LabelSet.NO_RELATION.equals(r.label()))) {
            throw invalid("No two entities mentioned in one training document are connected by a relationship of "
                    + "%s: there are no relation examples to write.", parameters.relationshipTypes());
        }

        Map<String, List<?>> files = new LinkedHashMap<>();
        for (int p = 0; p < 3; p++) {
            files.put("typing/" + PARTS.get(p) + ".jsonl", typing.get(p));
        }
        for (int p = 0; p < 3; p++) {
            files.put("relation/" + PARTS.get(p) + ".jsonl", relations.get(p));
        }
        files.put(CORPUS, corpus);
        progress.info(String.format(Locale.ROOT, "%d documents (%s), %d mentions (%d without a vector), "
                        + "%d typing and %d relation examples (%d with labels training lacks left out), %d entities",
                documents.size(), documentCounts, mentions, withoutVector,
                typing.stream().mapToInt(List::size).sum(), relations.stream().mapToInt(List::size).sum(), unseen,
                entityRows.size()));
        return new Dataset(files, List.copyOf(entityRows), documentCounts, List.copyOf(typeLabels),
                List.copyOf(relationLabels), withoutVector, unseen);
    }

    /** Each document's part (0 train, 1 dev, 2 test): the documents in a seeded order, cut by the ratios. */
    private int[] split(int count) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(parameters.seed()));
        List<Double> ratios = parameters.splitRatios();
        // dev and test get their share, at least one document each when it is above 0; train the rest
        int dev = Math.min(count - 1, share(count, ratios.get(1)));
        int test = Math.max(0, Math.min(count - dev - 1, share(count, ratios.get(2))));
        int train = count - dev - test;
        int[] part = new int[count];
        for (int i = 0; i < count; i++) {
            part[order.get(i)] = i < train ? 0 : i < train + dev ? 1 : 2;
        }
        return part;
    }

    private static int share(int count, double ratio) {
        if (ratio <= 0 || count < 3) {
            return 0;
        }
        return (int) Math.max(1, Math.round(count * ratio));
    }

    /**
     * The ordered pairs of different entities of a document (each at its first mention): labelled with the first
     * chosen type of a relationship from head to tail, candidates for {@code no_relation} when the two are not
     * connected at all; pairs connected otherwise (another type, the other direction) are not examples.
     */
    private void pairs(Kept kept, List<RelationExample> out, List<Boolean> negative) {
        Map<String, Mention> first = new LinkedHashMap<>();
        for (Mention m : kept.mentions()) {
            first.putIfAbsent(m.entity(), m);
        }
        List<Mention> entities = new ArrayList<>(first.values());
        List<Integer> positions = new ArrayList<>();
        for (Mention m : entities) {
            positions.add(kept.mentions().indexOf(m));
        }
        String documentId = kept.document().id();
        for (int h = 0; h < entities.size(); h++) {
            Mention head = entities.get(h);
            Links headLinks = links(head.entity());
            for (int t = 0; t < entities.size(); t++) {
                if (t == h) {
                    continue;
                }
                Mention tail = entities.get(t);
                Integer type = headLinks.outgoing().get(tail.entity());
                String id = documentId + "#" + positions.get(h) + "-" + positions.get(t);
                if (type != null) {
                    out.add(new RelationExample(id, kept.document().text(), head, tail,
                            parameters.relationshipTypes().get(type), kept.mentions()));
                    negative.add(false);
                } else if (!headLinks.neighbours().contains(tail.entity())) {
                    out.add(new RelationExample(id, kept.document().text(), head, tail, LabelSet.NO_RELATION,
                            kept.mentions()));
                    negative.add(true);
                }
            }
        }
    }

    /** The related pairs and a seeded sample of {@code negativeRatio} unrelated pairs per related pair, in order. */
    private List<RelationExample> sample(List<RelationExample> pairs, List<Boolean> negative, int part) {
        List<Integer> unrelated = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (negative.get(i)) {
                unrelated.add(i);
            }
        }
        long related = pairs.size() - unrelated.size();
        int take = (int) Math.min(unrelated.size(), Math.round(parameters.negativeRatio() * related));
        Random random = new Random(parameters.seed() * 31 + part + 1);
        for (int i = 0; i < take; i++) {
            int j = i + random.nextInt(unrelated.size() - i);
            Collections.swap(unrelated, i, j);
        }
        Set<Integer> chosen = new HashSet<>(unrelated.subList(0, take));
        List<RelationExample> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (!negative.get(i) || chosen.contains(i)) {
                out.add(pairs.get(i));
            }
        }
        return out;
    }

    /** The entity's relationships, read once: a predicted one is no fact to learn from, but still a neighbour. */
    private Links links(String entity) {
        return links.computeIfAbsent(entity, key -> {
            Map<String, Integer> outgoing = new HashMap<>();
            Set<String> neighbours = new HashSet<>();
            for (DatasetGraph.Relationship r : graph.relationships(key)) {
                neighbours.add(r.other());
                Integer index = typeIndex.get(r.type());
                if (index != null && r.outgoing() && !r.predicted()) {
                    outgoing.merge(r.other(), index, Math::min);
                }
            }
            return new Links(outgoing, neighbours);
        });
    }

    private static IllegalArgumentException invalid(String format, Object... args) {
        return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }
}
