package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictionEvaluator;
import io.ernieneo4j.trainer.transe.LinkPredictionMetrics;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TripleStore;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** {@code ernie.transe.evaluate}: filtered link prediction of a stored TransE model on held-out relationships. */
public class TransEEvaluateProc {

    private static final Set<String> KEYS = Set.of("modelName", "splitProperty", "evaluationSplit", "triples",
            "perRelation", "concurrency");

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.transe.evaluate", mode = Mode.READ)
    @Description("Evaluates a stored TransE model by link prediction on held-out triples (relationships whose "
            + "`splitProperty` equals `evaluationSplit`, or a `triples` list): the true entity ranked among all "
            + "entities, head and tail, raw and filtered against every relationship of the model's types; "
            + "MR, MRR and Hits@1/3/10, ties sharing their mean rank.")
    public Stream<EvaluateResult> evaluate(
            @Name(value = "configuration", description = "`modelName` (required), `splitProperty` ('split'), "
                    + "`evaluationSplit` ('test'), or `triples` ([{head, relationshipType, tail}] with nodes or node "
                    + "ids), `perRelation` (false), `concurrency`.") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, KEYS);
        String modelName = config.requireString("modelName");
        String splitProperty = config.string("splitProperty", "split");
        String split = config.string("evaluationSplit", "test");
        boolean perRelation = config.bool("perRelation", false);
        int concurrency = config.intValue("concurrency", Math.min(4, Runtime.getRuntime().availableProcessors()), 1, 1024);
        Object triples = configuration.get("triples");
        TransEModelFiles.NamedModel named = TransEModelRegistry.load(db, modelName);
        Termination termination = Neo4jRun.termination(guard);

        long start = System.nanoTime();
        ModelIds ids = new ModelIds(named);
        TripleCollector known = new TripleCollector(ids);
        TripleCollector test = new TripleCollector(ids);
        for (String type : named.relations()) {
            try (ResourceIterator<Relationship> it = tx.findRelationships(RelationshipType.withName(type))) {
                while (it.hasNext()) {
                    Relationship r = it.next();
                    known.add(r.getStartNode(), type, r.getEndNode());
                    if (triples == null && split.equals(r.getProperty(splitProperty, null))) {
                        test.add(r.getStartNode(), type, r.getEndNode());
                    }
                }
            }
        }
        if (triples != null) {
            for (Map<String, Object> triple : tripleList(triples)) {
                test.add(node(triple.get("head")), String.valueOf(triple.get("relationshipType")), node(triple.get("tail")));
            }
        }
        if (test.size() == 0) {
            throw new IllegalArgumentException(triples != null
                    ? "None of the given `triples` is over entities and relationship types of model `" + modelName + "`."
                    : String.format(Locale.ROOT, "No relationship of model `%s`'s types has `%s` = '%s' between "
                            + "nodes the model knows: nothing to evaluate.", modelName, splitProperty, split));
        }
        TripleStore testStore = test.store();
        var report = new LinkPredictionEvaluator(named.model(), known.store().union(testStore), concurrency, termination)
                .evaluate(testStore, perRelation);
        Map<String, Object> byRelation = new LinkedHashMap<>();
        report.filteredByRelation().forEach((r, m) -> byRelation.put(named.relations().get(r), metrics(m)));
        return Stream.of(new EvaluateResult(modelName, testStore.size(), test.skipped(), metrics(report.filtered()),
                metrics(report.raw()), metrics(report.filteredHead()), metrics(report.filteredTail()), byRelation,
                (System.nanoTime() - start) / 1_000_000, config.toMap()));
    }

    static Map<String, Object> metrics(LinkPredictionMetrics m) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mrr", m.mrr());
        map.put("meanRank", m.meanRank());
        map.put("hitsAt1", m.hitsAt1());
        map.put("hitsAt3", m.hitsAt3());
        map.put("hitsAt10", m.hitsAt10());
        map.put("queries", m.queries());
        return map;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tripleList(Object triples) {
        if (triples instanceof List<?> list && list.stream().allMatch(t -> t instanceof Map)) {
            return (List<Map<String, Object>>) list;
        }
        throw new IllegalArgumentException("The value of `triples` must be a list of maps {head, relationshipType, tail}.");
    }

    private Node node(Object value) {
        return PredictionTargets.node(tx, value, "triples");
    }

    /** Triples over a model's ids; those with a node or type the model does not know are counted, not kept. */
    private static final class TripleCollector {
        private final ModelIds ids;
        private final java.util.ArrayList<int[]> triples = new java.util.ArrayList<>();
        private long skipped;

        TripleCollector(ModelIds ids) {
            this.ids = ids;
        }

        @SuppressWarnings("deprecation")
        void add(Node head, String type, Node tail) {
            Integer h = ids.entities.get(head.getId());
            Integer r = ids.relations.get(type);
            Integer t = ids.entities.get(tail.getId());
            if (h == null || r == null || t == null) {
                skipped++;
            } else {
                triples.add(new int[] {h, r, t});
            }
        }

        int size() {
            return triples.size();
        }

        long skipped() {
            return skipped;
        }

        TripleStore store() {
            int[] h = new int[triples.size()], r = new int[triples.size()], t = new int[triples.size()];
            for (int i = 0; i < triples.size(); i++) {
                h[i] = triples.get(i)[0];
                r[i] = triples.get(i)[1];
                t[i] = triples.get(i)[2];
            }
            return new TripleStore(ids.entityCount, ids.relationCount, h, r, t);
        }
    }

    public record EvaluateResult(
            @Description("The model evaluated.") String modelName,
            @Description("Test triples ranked.") long testTriples,
            @Description("Test triples skipped: a node or type the model does not know.") long skippedTriples,
            @Description("Filtered metrics, head and tail queries together.") Map<String, Object> filtered,
            @Description("Raw metrics, head and tail queries together.") Map<String, Object> raw,
            @Description("Filtered metrics of head prediction (?, r, t).") Map<String, Object> filteredHead,
            @Description("Filtered metrics of tail prediction (h, r, ?).") Map<String, Object> filteredTail,
            @Description("Filtered metrics per relationship type, when `perRelation` is true.") Map<String, Object> perRelation,
            @Description("Milliseconds reading and ranking.") long evaluationMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
