package io.ernieneo4j.plugin.transe;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.Map;
import java.util.stream.Stream;

/**
 * KG completion with a stored TransE model: the most plausible missing tails of given heads (or heads of given
 * tails) for one relationship type, streamed or written as relationships marked {@code predicted: true}.
 *
 * <p>Score: {@code 1 / (1 + ||h + r - t||)} in (0, 1], higher is more plausible; the ranking is the distance's.
 * The work is {@link TransEPrediction}'s, the ranking the trainer's {@code LinkPredictor}'s.
 */
public class TransEPredictProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.transe.predict.stream", mode = Mode.READ)
    @Description("Streams the top-k most plausible missing relationships of a type for given `heads` (or `tails`), "
            + "scored by a stored TransE model; pairs already linked by a relationship of that type are left out.")
    public Stream<PredictResult> stream(
            @Name(value = "configuration", description = "`modelName`, `relationshipType`, `heads` or `tails` (nodes "
                    + "or node ids), `topK` (10).") Map<String, Object> configuration) {
        return new TransEPrediction(db, tx, guard).stream(TransEPredictConfig.from(configuration, false));
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
        return Stream.of(new TransEPrediction(db, tx, guard).write(TransEPredictConfig.from(configuration, true)));
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
