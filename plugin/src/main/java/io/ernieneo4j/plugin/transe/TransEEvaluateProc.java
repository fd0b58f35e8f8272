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

/** {@code ernie.transe.evaluate}: filtered link prediction of a stored TransE model on held-out relationships. */
public class TransEEvaluateProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.transe.evaluate", mode = Mode.READ)
    @Description("Evaluates a stored TransE model by link prediction on held-out triples (relationships whose "
            + "`splitProperty` equals `evaluationSplit`, or a `triples` list): the true entity ranked among all "
            + "entities, head and tail, raw and filtered against every relationship of the model's types (those "
            + "marked `predicted: true` left out); "
            + "MR, MRR and Hits@1/3/10, ties sharing their mean rank.")
    public Stream<EvaluateResult> evaluate(
            @Name(value = "configuration", description = "`modelName` (required), `splitProperty` ('split'), "
                    + "`evaluationSplit` ('test'), or `triples` ([{head, relationshipType, tail}] with nodes or node "
                    + "ids), `perRelation` (false), `concurrency`.") Map<String, Object> configuration) {
        return Stream.of(new TransEEvaluation(db, tx, guard).evaluate(TransEEvaluateConfig.from(configuration)));
    }

    public record EvaluateResult(
            @Description("The model evaluated.") String modelName,
            @Description("Test triples ranked.") long testTriples,
            @Description("Test triples skipped: a node or type the model does not know.") long skippedTriples,
            @Description("Relationships of the model's types marked `predicted: true`, left out of both the filter "
                    + "and the test triples: predictions are not ground truth.") long predictedRelationshipsLeftOut,
            @Description("Filtered metrics, head and tail queries together.") Map<String, Object> filtered,
            @Description("Raw metrics, head and tail queries together.") Map<String, Object> raw,
            @Description("Filtered metrics of head prediction (?, r, t).") Map<String, Object> filteredHead,
            @Description("Filtered metrics of tail prediction (h, r, ?).") Map<String, Object> filteredTail,
            @Description("Filtered metrics per relationship type, when `perRelation` is true.") Map<String, Object> perRelation,
            @Description("Milliseconds reading and ranking.") long evaluationMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
