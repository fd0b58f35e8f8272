package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Stream;

/**
 * KG completion with a stored TransE model: the most plausible missing tails of given heads (or heads of given
 * tails) for one relationship type, streamed or written as relationships marked {@code predicted: true}.
 *
 * <p>Score: {@code 1 / (1 + ||h + r - t||)} in (0, 1], higher is more plausible; the ranking is the distance's.
 */
public class TransEPredictProc {

    private static final Set<String> STREAM_KEYS = Set.of("modelName", "relationshipType", "heads", "tails", "topK",
            "concurrency");
    private static final Set<String> WRITE_KEYS = Set.of("modelName", "relationshipType", "heads", "tails", "topK",
            "concurrency", "threshold", "writeRelationshipType", "batchSize");

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.transe.predict.stream", mode = Mode.READ)
    @Description("Streams the top-k most plausible missing relationships of a type for given `heads` (or `tails`), "
            + "scored by a stored TransE model; pairs already linked by a relationship of that type are left out.")
    public Stream<PredictResult> stream(
            @Name(value = "configuration", description = "`modelName`, `relationshipType`, `heads` or `tails` (nodes "
                    + "or node ids), `topK` (10).") Map<String, Object> configuration) {
        Query query = Query.from(ConfigMap.of(configuration, STREAM_KEYS), tx, db);
        return predict(query).stream();
    }

    @Procedure(name = "ernie.transe.predict.write", mode = Mode.WRITE)
    @Description("Writes the top-k predicted relationships with score >= `threshold` as "
            + "`(head)-[:TYPE {predicted: true, score, model, predictedAt}]->(tail)` in batched transactions; "
            + "idempotent (a second run updates the same relationships) and never touches relationships it did not "
            + "predict.")
    public Stream<WriteResult> write(
            @Name(value = "configuration", description = "`modelName`, `relationshipType`, `heads` or `tails`, "
                    + "`topK` (10), `threshold` (0.0), `writeRelationshipType` (the relationship type), "
                    + "`batchSize` (10000).") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, WRITE_KEYS);
        Query query = Query.from(config, tx, db);
        double threshold = config.doubleValue("threshold", 0.0, 0.0, 1.0);
        String writeType = config.string("writeRelationshipType", query.type());
        int batchSize = config.intValue("batchSize", 10_000, 1, 1_000_000);
        Termination termination = Neo4jRun.termination(guard);
        long start = System.nanoTime();
        List<PredictResult> predictions = predict(query).stream().filter(p -> p.score() >= threshold).toList();
        long computed = System.nanoTime();
        String now = ZonedDateTime.now().toString();
        long created = BatchWriter.write(db, predictions, batchSize, termination, (write, batch) -> {
            long newEdges = 0;
            for (PredictResult p : batch) {
                @SuppressWarnings("deprecation") Node head = write.getNodeById(p.headNodeId());
                @SuppressWarnings("deprecation") Node tail = write.getNodeById(p.tailNodeId());
                Relationship edge = predictedEdge(head, tail, writeType);
                if (edge == null) {
                    edge = head.createRelationshipTo(tail, RelationshipType.withName(writeType));
                    newEdges++;
                }
                edge.setProperty("predicted", true);
                edge.setProperty("score", p.score());
                edge.setProperty("model", query.modelName());
                edge.setProperty("predictedAt", now);
            }
            return newEdges;
        });
        long updated = predictions.size() - created;
        return Stream.of(new WriteResult(predictions.size(), created, updated, (computed - start) / 1_000_000,
                (System.nanoTime() - computed) / 1_000_000, config.toMap()));
    }

    /** A relationship of this type from head to tail that an earlier prediction wrote, or null. */
    private static Relationship predictedEdge(Node head, Node tail, String type) {
        for (Relationship r : head.getRelationships(Direction.OUTGOING, RelationshipType.withName(type))) {
            if (r.getEndNode().equals(tail) && Boolean.TRUE.equals(r.getProperty("predicted", false))) {
                return r;
            }
        }
        return null;
    }

    @SuppressWarnings("deprecation")
    private List<PredictResult> predict(Query query) {
        TransEModel model = query.named().model();
        int dim = model.dimensions();
        float[] entities = model.entityVectors();
        float[] relation = model.relation(query.relation());
        List<PredictResult> results = new ArrayList<>();
        Termination termination = Neo4jRun.termination(guard);
        for (Node given : query.nodes()) {
            termination.assertRunning();
            Integer id = query.ids().entities.get(given.getId());
            if (id == null) {
                continue; // the model has no embedding for this node
            }
            // tails of (h, r, ?): q = h + r; heads of (?, r, t): q = t - r; both rank ||q - e||
            float[] q = model.entity(id);
            for (int k = 0; k < dim; k++) q[k] += query.predictTails() ? relation[k] : -relation[k];
            Set<Long> linked = new HashSet<>();
            linked.add(given.getId());
            Direction direction = query.predictTails() ? Direction.OUTGOING : Direction.INCOMING;
            for (Relationship r : given.getRelationships(direction, RelationshipType.withName(query.type()))) {
                if (!Boolean.TRUE.equals(r.getProperty("predicted", false))) {
                    linked.add(r.getOtherNode(given).getId());
                }
            }
            PriorityQueue<double[]> best = new PriorityQueue<>((a, b) -> Double.compare(b[1], a[1])); // max-heap by distance
            long[] nodeIds = query.nodeIds();
            for (int e = 0; e < nodeIds.length; e++) {
                double d = distance(q, entities, e * dim, dim, model.norm() == io.ernieneo4j.trainer.transe.TransEParameters.Norm.L1);
                if (best.size() < query.topK() || d < best.peek()[1]) {
                    if (linked.contains(nodeIds[e])) continue;
                    best.add(new double[] {e, d});
                    if (best.size() > query.topK()) best.poll();
                }
            }
            List<double[]> ranked = new ArrayList<>(best);
            ranked.sort((a, b) -> Double.compare(a[1], b[1]));
            int rank = 1;
            for (double[] candidate : ranked) {
                long other = nodeIds[(int) candidate[0]];
                long head = query.predictTails() ? given.getId() : other;
                long tail = query.predictTails() ? other : given.getId();
                results.add(new PredictResult(head, query.type(), tail, 1 / (1 + candidate[1]), candidate[1], rank++));
            }
        }
        return results;
    }

    private static double distance(float[] q, float[] entities, int offset, int dim, boolean l1) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
            double x = q[k] - entities[offset + k];
            s += l1 ? Math.abs(x) : x * x;
        }
        return l1 ? s : Math.sqrt(s);
    }

    /** A validated prediction request. */
    private record Query(String modelName, TransEModelFiles.NamedModel named, ModelIds ids,
                         long[] nodeIds, String type, int relation, List<Node> nodes, boolean predictTails, int topK) {

        static Query from(ConfigMap config, Transaction tx, GraphDatabaseService db) {
            String modelName = config.requireString("modelName");
            String type = config.requireString("relationshipType");
            int topK = config.intValue("topK", 10, 1, 100_000);
            boolean heads = config.containsKey("heads");
            if (heads == config.containsKey("tails")) {
                throw new IllegalArgumentException("Give exactly one of `heads` (to predict their tails) and `tails` "
                        + "(to predict their heads).");
            }
            String key = heads ? "heads" : "tails";
            var named = TransEModelRegistry.load(db, modelName);
            var ids = new ModelIds(named);
            Integer relation = ids.relations.get(type);
            if (relation == null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Model `%s` has no relationship type `%s` (it knows %s).", modelName, type, named.relations()));
            }
            List<Node> nodes = new ArrayList<>();
            Object given = config.toMap().get(key);
            if (given instanceof List<?> list) {
                for (Object item : list) nodes.add(PredictionTargets.node(tx, item, key));
            } else {
                nodes.add(PredictionTargets.node(tx, given, key));
            }
            long[] nodeIds = named.entities().stream().mapToLong(Long::parseLong).toArray();
            return new Query(modelName, named, ids, nodeIds, type, relation, nodes, heads, topK);
        }
    }

    public record PredictResult(
            @Description("The head node's internal id.") long headNodeId,
            @Description("The predicted relationship type.") String relationshipType,
            @Description("The tail node's internal id.") long tailNodeId,
            @Description("1 / (1 + distance): in (0, 1], higher is more plausible.") double score,
            @Description("TransE distance ||h + r - t|| under the model's norm.") double distance,
            @Description("Rank among the given node's candidates, from 1.") long rank) {}

    public record WriteResult(
            @Description("Predictions at or above the threshold.") long predictions,
            @Description("Relationships created.") long relationshipsCreated,
            @Description("Earlier predicted relationships updated.") long relationshipsUpdated,
            @Description("Milliseconds computing.") long computeMillis,
            @Description("Milliseconds writing.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
