package io.ernieneo4j.plugin.align;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.Map;
import java.util.stream.Stream;

/** A linking model's weights fitted on the gold links the graph holds. */
public class AlignTrainProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.align.train", mode = Mode.READ)
    @Description("Fits the two weights of a loaded linking model (description similarity and prior) on gold links, "
            + "held out by entity, and writes the result as a new model folder under the models directory (the same "
            + "encoder, the fitted linking.json), to load with ernie.model.load; writes nothing in the database. "
            + "Refused when `ernie.files.write.enabled` is false.")
    public Stream<TrainResult> train(
            @Name(value = "modelName", description = "The new model's folder, inside the models directory.")
            String modelName,
            @Name(value = "configuration", description = "As ernie.align.evaluate (gold, documents, dictionary), with "
                    + "`model` (the loaded linking model to start from) and `descriptionProperty` required; "
                    + "`testFraction` (0.2 of the gold entities held out), `randomSeed` (42).")
            Map<String, Object> configuration) {
        AlignTrainConfig config = AlignTrainConfig.from(configuration);
        return Stream.of(new AlignFeature(db, tx, log, guard).train(modelName, config));
    }

    public record TrainResult(
            @Description("The new model's name.") String modelName,
            @Description("Its folder, relative to ernie.dir.models.") String path,
            @Description("Fitted weight of the description similarity.") double alpha,
            @Description("Fitted weight of the log prior.") double beta,
            @Description("Ambiguous gold mentions fitted on.") long trainMentions,
            @Description("Ambiguous gold mentions of held-out entities, scored.") long testMentions,
            @Description("Held-out accuracy of the model started from.") double testAccuracyBefore,
            @Description("Held-out accuracy of the fitted model.") double testAccuracy,
            @Description("Held-out expected calibration error of the model started from.")
            double testCalibrationErrorBefore,
            @Description("Held-out expected calibration error of the fitted model.") double testCalibrationError,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
