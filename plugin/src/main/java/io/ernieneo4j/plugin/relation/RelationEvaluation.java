package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.plugin.transe.TransEModelRegistry;
import io.ernieneo4j.trainer.completion.EvidenceFusion;
import io.ernieneo4j.trainer.completion.RankingMetrics;
import io.ernieneo4j.trainer.completion.RelationConventions;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.run.SeededShare;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The held-out evaluation of knowledge-graph completion from text (Mintz et al. 2009; Riedel et al. 2010): every fact
 * the documents suggest (a pair of co-mentioned entities and a relationship type) is a candidate; it is true when the
 * graph states it by an edge of the dev or test split, false when the graph does not state it at all, and left out
 * when a training edge states it (known facts are not completions). False candidates go to dev or test by a seeded
 * hash of the pair. Each source of evidence alone and their fusion are fitted on dev (which calibrates them) and
 * ranked on test. The type constraints learn only from training edges, and a TransE model that read dev or test edges
 * is refused.
 */
final class RelationEvaluation {

    private enum Role { KNOWN, DEV, TEST }

    private static final int TOP_FALSE = 20;

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Log log;
    private final MentionPrediction prediction;

    RelationEvaluation(GraphDatabaseService db, Transaction tx, Log log, MentionPrediction prediction) {
        this.db = db;
        this.tx = tx;
        this.log = log;
        this.prediction = prediction;
    }

    RelationProc.EvaluateResult evaluate(CompletionConfig config, Map<String, Object> configuration) {
        long start = System.nanoTime();
        ErnieManifest manifest = ErnieModelCatalog.use(db.databaseName(), config.documents().modelName(),
                loaded -> loaded.loaded().manifest());
        Set<String> relationTypes = CompletionEvidence.relationTypes(manifest.labels(), config.relationshipTypes());
        CompletionEvidence.requirePredicted("transitiveTypes", config.transitiveTypes(), manifest.labels());
        TransEModelFiles.NamedModel transe = transe(config, manifest);
        if (config.evidence().contains(EvidenceFusion.Source.TEXT)) {
            requireHeldOutLabels(config, manifest);
        }
        List<EvidenceFusion.Source> sources = config.evidence().stream()
                .filter(s -> transe != null || s != EvidenceFusion.Source.GRAPH).toList();
        RelationConventions conventions = GraphConventions.learn(tx, prediction.termination());
        TransitiveChains chains = new TransitiveChains(tx, conventions, config.transitiveTypes());
        MentionPrediction.Run<RelationEvidence.PairScores> run = prediction.run(config.documents(),
                RelationEvidence.TASK);
        String splitProperty = config.splitProperty();
        Set<String> heldOut = Set.of(config.devSplit(), config.testSplit());
        CompletionEvidence evidence = CompletionEvidence.collect(tx, prediction.termination(), run.rows(),
                manifest.labels(), relationTypes, conventions, config.typeProperty(), transe,
                config.textAggregation(), r -> !heldOutPair(r, splitProperty, heldOut));

        List<EvidenceFusion.Candidate> dev = new ArrayList<>();
        List<Boolean> devTruth = new ArrayList<>();
        List<EvidenceFusion.Candidate> test = new ArrayList<>();
        List<RelationConventions.Fact> testFacts = new ArrayList<>();
        List<Boolean> testTruth = new ArrayList<>();
        long known = 0;
        long byChain = 0;
        Set<RelationConventions.Fact> testFactsMentioned = new HashSet<>();
        for (RelationConventions.Fact fact : evidence.facts().keySet()) {
            Optional<String> split = statedSplit(fact, conventions, config);
            boolean direct = split.isPresent();
            if (!direct) {
                split = chainSplit(fact, chains, config);
                if (split.isPresent()) byChain++;
            }
            boolean stated = split.isPresent();
            Role role = !stated ? (SeededShare.contains(pairId(fact), config.seed(), config.devFraction())
                    ? Role.DEV : Role.TEST)
                    : split.get().equals(config.devSplit()) ? Role.DEV
                    : split.get().equals(config.testSplit()) ? Role.TEST : Role.KNOWN;
            switch (role) {
                case KNOWN -> known++;
                case DEV -> {
                    dev.add(evidence.candidate(fact));
                    devTruth.add(stated);
                }
                case TEST -> {
                    test.add(evidence.candidate(fact));
                    testFacts.add(fact);
                    testTruth.add(stated);
                    if (direct) testFactsMentioned.add(fact);
                }
            }
        }
        Set<String> canonicalTypes = new java.util.TreeSet<>();
        relationTypes.forEach(t -> canonicalTypes.add(conventions.canonical(0, t, 1).type()));
        long testFactCount = testFacts(canonicalTypes, conventions, splitProperty, config.testSplit());
        boolean[] devLabels = toArray(devTruth);
        boolean[] testLabels = toArray(testTruth);
        double threshold = config.documents().threshold();

        Map<String, Object> bySource = new LinkedHashMap<>();
        for (EvidenceFusion.Source source : sources) {
            EvidenceFusion alone = EvidenceFusion.fit(List.of(source), config.textAggregation(), dev, devLabels);
            bySource.put(source.key(), metrics(alone, test, testLabels, threshold, config).toMap());
        }
        EvidenceFusion fused = EvidenceFusion.fit(sources, config.textAggregation(), dev, devLabels);
        double[] fusedScores = test.stream().mapToDouble(fused::probability).toArray();
        bySource.put("fused", RankingMetrics.of(fusedScores, testLabels, threshold, config.precisionAtK()).toMap());

        List<Map<String, Object>> byType = new ArrayList<>();
        for (String type : canonicalTypes) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < test.size(); i++) {
                if (test.get(i).relation().equals(type)) rows.add(i);
            }
            if (rows.isEmpty()) continue;
            double[] scores = rows.stream().mapToDouble(i -> fusedScores[i]).toArray();
            boolean[] truth = new boolean[rows.size()];
            for (int k = 0; k < truth.length; k++) truth[k] = testLabels[rows.get(k)];
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("relationshipType", type);
            row.putAll(RankingMetrics.of(scores, truth, threshold, config.precisionAtK()).toMap());
            byType.add(row);
        }
        Map<String, Object> fusion = new FittedFusion(fused, config.typeProperty(), transe,
                config.transitiveTypes()).toMap();
        log.info("ernie.relation.evaluate: %d candidates (%d dev, %d test), %d known facts left out, %d facts "
                + "stated by a chain of a transitive type, %s", evidence.facts().size(), dev.size(), test.size(), known,
                byChain, conventions.describe());
        return new RelationProc.EvaluateResult(evidence.facts().size(), dev.size(), count(devLabels), test.size(),
                count(testLabels), known, testFactCount, testFactsMentioned.size(), bySource, byType, fusion,
                topFalse(fusedScores, testLabels, testFacts, evidence), run.documents(), run.examples(),
                run.tooLong(), (System.nanoTime() - start) / 1_000_000, configuration);
    }

    private static RankingMetrics metrics(EvidenceFusion fusion, List<EvidenceFusion.Candidate> test, boolean[] truth,
                                          double threshold, CompletionConfig config) {
        return RankingMetrics.of(test.stream().mapToDouble(fusion::probability).toArray(), truth, threshold,
                config.precisionAtK());
    }

    /**
     * The TransE model of the graph evidence, refused when it may have read held-out edges: it must have been
     * trained on `splitProperty` = `trainSplit` only. None when graph evidence was not asked for and the relation
     * model names none.
     */
    private TransEModelFiles.NamedModel transe(CompletionConfig config, ErnieManifest manifest) {
        boolean graphAsked = config.evidence().contains(EvidenceFusion.Source.GRAPH);
        Optional<String> name = config.transeModel()
                .or(() -> manifest.entities().used() ? Optional.of(manifest.entities().transeModel()) : Optional.empty());
        if (name.isEmpty() || !graphAsked) {
            if (config.evidenceGiven() && graphAsked) {
                throw new IllegalArgumentException("`evidence` asks for `graph`, but the relation model reads no "
                        + "TransE model (--no-entities); name one with `transeModel`.");
            }
            return null;
        }
        TransEModelFiles.NamedModel model = TransEModelRegistry.load(db, name.get());
        Map<String, Object> metadata = model.manifest().metadata() == null ? Map.of() : model.manifest().metadata();
        Object split = metadata.get("splitProperty");
        Object trainedOn = metadata.get("trainSplit");
        if (!config.splitProperty().equals(split) || !config.trainSplit().equals(trainedOn)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "TransE model `%s` was trained %s, so it may "
                            + "have read the held-out edges; train one on the training split only, e.g. "
                            + "ernie.transe.train({modelName: '%s-train', splitProperty: '%s', trainSplit: '%s', ...}), "
                            + "and pass it as `transeModel`.", name.get(),
                    split == null ? "on every relationship (no `splitProperty`)"
                            : String.format(Locale.ROOT, "on `%s` = '%s'", split, trainedOn),
                    name.get(), config.splitProperty(), config.trainSplit()));
        }
        return model;
    }

    /**
     * Refuses a relation model whose training labels may include held-out edges: its manifest must record a dataset
     * exported with this `splitProperty` and `trainSplit` (ernie.dataset.export), whose dev and test edges label
     * nothing.
     */
    private static void requireHeldOutLabels(CompletionConfig config, ErnieManifest manifest) {
        Map<String, Object> training = manifest.training() == null ? Map.of() : manifest.training();
        if (config.splitProperty().equals(training.get("splitProperty"))
                && config.trainSplit().equals(training.get("trainSplit"))) {
            return;
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "Relation model `%s` was fine-tuned on %s, so "
                        + "its text evidence may have read the held-out edges. Export its dataset with "
                        + "ernie.dataset.export({..., splitProperty: '%s', trainSplit: '%s'}) and fine-tune again, or "
                        + "evaluate without it: `evidence: ['graph', 'types']`.", config.documents().modelName(),
                training.get("splitProperty") == null ? "relation labels from every edge (its ernie.json records no "
                        + "`training.splitProperty`)"
                        : String.format(Locale.ROOT, "`%s` = '%s' edges", training.get("splitProperty"),
                        training.get("trainSplit")),
                config.splitProperty(), config.trainSplit()));
    }

    /**
     * The split of the fact when the graph states it: dev or test when an edge of that split states it in any of its
     * forms (an inverse edge states the same fact), else the split of the edge that does (a predicted edge states
     * nothing).
     */
    @SuppressWarnings("deprecation")
    private Optional<String> statedSplit(RelationConventions.Fact fact, RelationConventions conventions,
                                         CompletionConfig config) {
        Optional<String> stated = Optional.empty();
        for (RelationConventions.Fact form : conventions.statements(fact)) {
            Node head = tx.getNodeById(form.head());
            for (Relationship r : head.getRelationships(Direction.OUTGOING, RelationshipType.withName(form.type()))) {
                if (r.getEndNodeId() == form.tail() && !Boolean.TRUE.equals(r.getProperty("predicted", false))) {
                    String split = String.valueOf(r.getProperty(config.splitProperty(), ""));
                    if (split.equals(config.testSplit()) || split.equals(config.devSplit())) {
                        return Optional.of(split);
                    }
                    stated = Optional.of(split);
                }
            }
        }
        return stated;
    }

    /**
     * The split of a fact of a transitive type that a chain of edges states (none when none does): the training split
     * when training edges alone do, else dev when dev and training edges do, else test.
     */
    private static Optional<String> chainSplit(RelationConventions.Fact fact, TransitiveChains chains,
                                               CompletionConfig config) {
        if (chains.isEmpty()) {
            return Optional.empty();
        }
        String property = config.splitProperty();
        for (String upTo : List.of(config.trainSplit(), config.devSplit(), config.testSplit())) {
            Set<String> excluded = upTo.equals(config.trainSplit()) ? Set.of(config.devSplit(), config.testSplit())
                    : upTo.equals(config.devSplit()) ? Set.of(config.testSplit()) : Set.of();
            if (chains.implied(fact, r -> !GraphConventions.isPredicted(r)
                    && !excluded.contains(String.valueOf(r.getProperty(property, ""))))) {
                return Optional.of(upTo);
            }
        }
        return Optional.empty();
    }

    /** Whether an edge joins a pair that a held-out edge joins (itself included), in either direction. */
    private static boolean heldOutPair(Relationship edge, String splitProperty, Set<String> heldOut) {
        Node start = edge.getStartNode();
        Node end = edge.getEndNode();
        for (Relationship r : start.getRelationships()) {
            if (r.getOtherNode(start).equals(end)
                    && heldOut.contains(String.valueOf(r.getProperty(splitProperty, "")))) {
                return true;
            }
        }
        return false;
    }

    /** The distinct facts the test split states, over the evaluated (canonical) types and their inverses. */
    @SuppressWarnings("deprecation")
    private long testFacts(Set<String> relationTypes, RelationConventions conventions, String splitProperty,
                           String testSplit) {
        Set<RelationConventions.Fact> facts = new HashSet<>();
        Set<String> wanted = new HashSet<>();
        for (String type : relationTypes) {
            conventions.statements(new RelationConventions.Fact(0, type, 1)).forEach(f -> wanted.add(f.type()));
        }
        for (String type : wanted) {
            try (ResourceIterator<Relationship> edges = tx.findRelationships(RelationshipType.withName(type),
                    splitProperty, testSplit)) {
                while (edges.hasNext()) {
                    Relationship r = edges.next();
                    if (Boolean.TRUE.equals(r.getProperty("predicted", false))) continue;
                    RelationConventions.Fact fact = conventions.canonical(r.getStartNodeId(), type, r.getEndNodeId());
                    if (relationTypes.contains(fact.type())) facts.add(fact);
                }
            }
        }
        return facts.size();
    }

    /** The false test candidates with the highest fused scores, with what each source said of them. */
    private static List<Map<String, Object>> topFalse(double[] scores, boolean[] truth,
                                                      List<RelationConventions.Fact> facts,
                                                      CompletionEvidence evidence) {
        return java.util.stream.IntStream.range(0, scores.length).filter(i -> !truth[i]).boxed()
                .sorted((a, b) -> Double.compare(scores[b], scores[a])).limit(TOP_FALSE).map(i -> {
                    RelationConventions.Fact fact = facts.get(i);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("headNodeId", fact.head());
                    row.put("relationshipType", fact.type());
                    row.put("tailNodeId", fact.tail());
                    row.put("score", scores[i]);
                    row.putAll(evidence.sources(fact));
                    return row;
                }).toList();
    }

    /** The same id for both orders of a pair, so that no pair sits on both sides. */
    private static long pairId(RelationConventions.Fact fact) {
        long a = Math.min(fact.head(), fact.tail());
        long b = Math.max(fact.head(), fact.tail());
        return a * 0x9E3779B97F4A7C15L ^ b;
    }

    private static boolean[] toArray(List<Boolean> values) {
        boolean[] array = new boolean[values.size()];
        for (int i = 0; i < array.length; i++) array[i] = values.get(i);
        return array;
    }

    private static long count(boolean[] values) {
        long n = 0;
        for (boolean v : values) n += v ? 1 : 0;
        return n;
    }
}
