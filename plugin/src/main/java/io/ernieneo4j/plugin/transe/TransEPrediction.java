package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.common.NodeArguments;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictor.Side;
import io.ernieneo4j.trainer.transe.LinkPredictor;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.TerminationGuard;

import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * KG completion with a stored TransE model, as the predict procedures run it: resolve the given nodes, leave out the
 * pairs the graph already links, rank with the trainer's {@link LinkPredictor}, and stream or write the candidates.
 */
final class TransEPrediction {

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Termination termination;

    TransEPrediction(GraphDatabaseService db, Transaction tx, TerminationGuard guard) {
        this.db = db;
        this.tx = tx;
        this.termination = Neo4jRun.termination(guard);
    }

    /** A validated request: the model, its ids, the relation and the given nodes. */
    private record Request(TransEPredictConfig config, TransEModelFiles.NamedModel named, ModelIds ids, int relation,
                           List<Node> nodes) {}

    /** The candidates of each given node in turn, ranked when the stream reaches that node. */
    Stream<TransEPredictProc.PredictResult> stream(TransEPredictConfig config) {
        Request request = request(config);
        LinkPredictor predictor = new LinkPredictor(request.named().model(), termination);
        return request.nodes().stream().flatMap(given -> predict(request, predictor, given));
    }

    TransEPredictProc.WriteResult write(TransEPredictConfig config) {
        long start = System.nanoTime();
        List<TransEPredictProc.PredictResult> predictions = stream(config)
                .filter(p -> p.score() >= config.threshold()).toList();
        long computed = System.nanoTime();
        String now = ZonedDateTime.now().toString();
        String type = config.writeRelationshipType();
        long created = BatchWriter.write(db, predictions, config.batchSize(), termination, (write, batch) -> {
            long newEdges = 0;
            for (TransEPredictProc.PredictResult p : batch) {
                @SuppressWarnings("deprecation") Node head = write.getNodeById(p.headNodeId());
                @SuppressWarnings("deprecation") Node tail = write.getNodeById(p.tailNodeId());
                Relationship edge = predictedEdge(head, tail, type);
                if (edge == null) {
                    edge = head.createRelationshipTo(tail, RelationshipType.withName(type));
                    newEdges++;
                }
                edge.setProperty("predicted", true);
                edge.setProperty("score", p.score());
                edge.setProperty("model", config.modelName());
                edge.setProperty("predictedAt", now);
            }
            return newEdges;
        });
        return new TransEPredictProc.WriteResult(predictions.size(), created, predictions.size() - created,
                (computed - start) / 1_000_000, (System.nanoTime() - computed) / 1_000_000, config.toMap());
    }

    /** Checks the model, the relationship type and the given nodes before anything is ranked. */
    private Request request(TransEPredictConfig config) {
        var named = TransEModelRegistry.load(db, config.modelName());
        var ids = new ModelIds(named, tx);
        Integer relation = ids.relations.get(config.relationshipType());
        if (relation == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Model `%s` has no relationship type `%s` (it knows %s).", config.modelName(),
                    config.relationshipType(), named.relations()));
        }
        List<Node> nodes = config.given().stream()
                .map(item -> NodeArguments.node(tx, item, config.givenKey())).toList();
        return new Request(config, named, ids, relation, nodes);
    }

    @SuppressWarnings("deprecation") // internal ids: rows of this transaction only
    private Stream<TransEPredictProc.PredictResult> predict(Request request, LinkPredictor predictor, Node given) {
        TransEPredictConfig config = request.config();
        Integer entity = request.ids().entity(given);
        if (entity == null) {
            return Stream.empty(); // the model has no embedding for this node
        }
        Set<Integer> linked = linked(request, given);
        linked.add(entity);
        boolean tails = config.side() == Side.TAILS;
        // an entity whose key no node holds any more (deleted) is no candidate
        return predictor.topK(entity, request.relation(), config.side(), config.topK(),
                        e -> linked.contains(e) || request.ids().node(e) == null).stream()
                .map(c -> {
                    long other = request.ids().node(c.entity()).getId();
                    return new TransEPredictProc.PredictResult(tails ? given.getId() : other,
                            config.relationshipType(), tails ? other : given.getId(), c.score(), c.distance(),
                            c.rank());
                });
    }

    /** The model's ids of the nodes the graph already links to {@code given} by the type (predicted ones aside). */
    @SuppressWarnings("deprecation")
    private static Set<Integer> linked(Request request, Node given) {
        Set<Integer> linked = new HashSet<>();
        Direction direction = request.config().side() == Side.TAILS ? Direction.OUTGOING : Direction.INCOMING;
        RelationshipType type = RelationshipType.withName(request.config().relationshipType());
        for (Relationship r : given.getRelationships(direction, type)) {
            if (!Boolean.TRUE.equals(r.getProperty("predicted", false))) {
                Integer other = request.ids().entity(r.getOtherNode(given));
                if (other != null) linked.add(other);
            }
        }
        return linked;
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
}
