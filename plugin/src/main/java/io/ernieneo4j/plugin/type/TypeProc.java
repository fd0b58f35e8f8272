package io.ernieneo4j.plugin.type;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.plugin.model.MentionEstimate;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.plugin.model.SavedScoring;
import io.ernieneo4j.trainer.calibration.TemperatureScaling;
import io.ernieneo4j.trainer.infer.LabelSet;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Entity typing with a loaded ERNIE model: each aligned mention of a document (a {@code MENTIONS} relationship from
 * ernie.align.write, with {@code start}, {@code end} and {@code score}) is wrapped in the [ENT] markers, every aligned
 * mention of the text feeds its TransE vector in, and the types over {@code threshold} are streamed or written back
 * ({@link EntityTyping} on top of {@link MentionPrediction}). ernie.type.evaluate scores a model against the types the
 * graph gives the entities and fits the temperature that stream and write take back as {@code calibration}
 * ({@link TypeEvaluation}).
 */
public class TypeProc {

    private static final Set<String> STREAM_KEYS = DocumentMentions.keysWith("calibration");
    private static final Set<String> WRITE_KEYS = DocumentMentions.keysWith("calibration", "writeProperty",
            "writeLabels");
    private static final String CALIBRATION = "`calibration` (the map ernie.type.evaluate returns: scores are the "
            + "sigmoid of the logits divided by its `temperature`; default: the one saved with the model by "
            + "ernie.type.evaluate's `save: true`, if any)";

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.type.stream", mode = Mode.READ)
    @Description("Types the entities mentioned in documents with a loaded ERNIE typing model: streams "
            + "`documentId, mentionStart, mentionEnd, nodeId, type, score` for every type scored over `threshold`.")
    public Stream<TypeResult> stream(
            @Name(value = "configuration", description = "`modelName`, `documentLabel` (required), `textProperty` "
                    + "('text'), `documents` (nodes or ids; default all), `minLinkScore` (0.0), `threshold` (0.5), "
                    + "`batchSize` (32), " + CALIBRATION + ".") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, STREAM_KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        EntityTyping task = EntityTyping.calibrated(calibration(config, request.modelName()));
        return prediction("ernie.type.stream").stream(request, task);
    }

    @Procedure(name = "ernie.type.write", mode = Mode.WRITE)
    @Description("Types the entities mentioned in documents with a loaded ERNIE typing model and writes, on each "
            + "entity node, its types over `threshold` (best score over its mentions) as a list property with their "
            + "scores and the model's name, and with `writeLabels` one label per type. Idempotent.")
    public Stream<WriteResult> write(
            @Name(value = "configuration", description = "As ernie.type.stream, plus `writeProperty` ('ernieTypes'; "
                    + "also writes `<writeProperty>Scores` and `<writeProperty>Model`), `writeLabels` (false) and "
                    + "`calibration`.")
            Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, WRITE_KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        String property = config.string("writeProperty", "ernieTypes");
        boolean writeLabels = config.bool("writeLabels", false);
        EntityTyping task = EntityTyping.calibrated(calibration(config, request.modelName()));
        MentionPrediction prediction = prediction("ernie.type.write");
        MentionPrediction.Run<TypeResult> run = prediction.run(request, task);
        long writeStart = System.nanoTime();
        long nodes = EntityTyping.write(db, prediction.termination(), run.rows(), property, writeLabels,
                request.modelName());
        return Stream.of(new WriteResult(run.rows().size(), nodes, run.documents(), run.examples(), run.tooLong(),
                run.mentionsWithoutVector(), run.computeMillis(),
                (System.nanoTime() - writeStart) / 1_000_000, config.toMap()));
    }

    @Procedure(name = "ernie.type.write.estimate", mode = Mode.READ)
    @Description("Estimates the memory ernie.type.write needs for a configuration and a loaded model, before "
            + "anything runs: the model's parameters, one batch's activations and the inputs read; writes nothing.")
    public Stream<MentionEstimate> writeEstimate(
            @Name(value = "configuration", description = "As ernie.type.write.") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, WRITE_KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        // the write mode's own keys are checked too, so that an estimate fails where the write would
        config.string("writeProperty", "ernieTypes");
        config.bool("writeLabels", false);
        calibration(config, request.modelName());
        return Stream.of(prediction("ernie.type.write.estimate").estimate(request, EntityTyping.TASK, config.toMap()));
    }

    @Procedure(name = "ernie.type.evaluate", mode = Mode.READ)
    @Description("Held-out evaluation of a loaded ERNIE typing model against the types the graph gives the mentioned "
            + "entities (`typeProperty`): every aligned mention is typed as ernie.type.stream types it; documents go "
            + "to dev or test by a seeded hash of their node id. On dev a temperature for the model's logits is "
            + "fitted (minimum log-loss); on test, before and after it: micro and macro precision, recall and F1 at "
            + "`threshold`, top-1 accuracy, log-loss, expected calibration error, per type. Returns the fitted "
            + "`calibration` for ernie.type.stream and ernie.type.write; with `save: true` it is also saved in the "
            + "model's folder (calibration.json), which they then use by default (refused when "
            + "`ernie.files.write.enabled` is false). Writes nothing in the database.")
    public Stream<EvaluateResult> evaluate(
            @Name(value = "configuration", description = "As ernie.type.stream (without `calibration`), and "
                    + "`typeProperty` (required: the entity property holding its types, a string or a list of "
                    + "strings), `devFraction` (0.5, of the documents), `seed` (42), `save` (false).")
            Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, TypeEvaluation.KEYS);
        TypeEvaluation evaluation = TypeEvaluation.from(config, tx);
        List<String> labels = ErnieModelCatalog.use(db.databaseName(), evaluation.documents().modelName(),
                loaded -> new LabelSet(loaded.loaded().manifest().labels()).names());
        boolean save = config.bool("save", false);
        if (save) {
            SavedScoring.requireSavable("ernie.type.evaluate");
        }
        EvaluateResult result = evaluation.evaluate(tx, log, prediction("ernie.type.evaluate"), labels,
                config.toMap());
        if (save) {
            Path saved = SavedScoring.CALIBRATION.save(result.calibration(), db,
                    evaluation.documents().modelName(), "ernie.type.evaluate");
            log.info("ernie.type.evaluate: calibration saved in %s", saved);
        }
        return Stream.of(result);
    }

    /** The `calibration` map given, else the one saved with the model; null when there is neither. */
    private TemperatureScaling calibration(ConfigMap config, String modelName) {
        Object calibration = SavedScoring.CALIBRATION.orSaved(config.toMap().get("calibration"), db, modelName)
                .orElse(null);
        if (calibration == null) {
            return null;
        }
        if (!(calibration instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("`calibration` must be the map ernie.type.evaluate returns as "
                    + "`calibration`, e.g. {temperature: 1.7}.");
        }
        return TemperatureScaling.fromMap(map, "calibration");
    }

    private MentionPrediction prediction(String procedure) {
        return new MentionPrediction(db, tx, log, guard, procedure);
    }

    public record TypeResult(
            @Description("The document node's id.") long documentId,
            @Description("Start of the mention in the text (UTF-16 offset).") long mentionStart,
            @Description("End of the mention (exclusive).") long mentionEnd,
            @Description("The mentioned entity node's id.") long nodeId,
            @Description("A predicted type.") String type,
            @Description("Its probability.") double score) {}

    public record WriteResult(
            @Description("Type predictions over the threshold.") long predictions,
            @Description("Entity nodes written.") long nodesWritten,
            @Description("Documents read (with text and a mention over `minLinkScore`).") long documents,
            @Description("Mentions typed (examples given to the model).") long examples,
            @Description("Mentions not typed: longer on their own than the model's maximum length (a longer text is "
                    + "read in a window around the mention).") long examplesTooLong,
            @Description("Mentions fed without entity input: no vector in the model's TransE model.")
            long mentionsWithoutVector,
            @Description("Milliseconds predicting.") long computeMillis,
            @Description("Milliseconds writing.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}

    public record EvaluateResult(
            @Description("Documents read (with text and a mention over `minLinkScore`).") long documents,
            @Description("Documents on the dev side with an evaluated mention.") long devDocuments,
            @Description("Documents on the test side with an evaluated mention.") long testDocuments,
            @Description("Mentions typed (examples given to the model).") long mentions,
            @Description("Mentions the temperature is fitted on.") long devMentions,
            @Description("Mentions scored.") long testMentions,
            @Description("Mentions left out: their entity has no `typeProperty`.") long mentionsWithoutGold,
            @Description("Mentions left out: none of their entity's types is one of the model's labels.")
            long mentionsOutsideLabels,
            @Description("Mentions not typed: longer on their own than the model's maximum length.")
            long mentionsTooLong,
            @Description("Gold types that are none of the model's labels (never predicted; not scored).")
            List<String> goldTypesOutsideLabels,
            @Description("Test scores of the model's own probabilities: `microPrecision`, `microRecall`, `microF1`, "
                    + "`macroPrecision`, `macroRecall`, `macroF1`, `top1Accuracy`, `logLoss`, `calibrationError` "
                    + "(of every per-type probability), `top1CalibrationError`, `byType` (type, support, precision, "
                    + "recall, f1).") Map<String, Object> uncalibrated,
            @Description("The same test scores with the fitted temperature.") Map<String, Object> calibrated,
            @Description("On dev: `logLossBefore`, `logLossAfter`, `calibrationErrorBefore`, "
                    + "`calibrationErrorAfter`.") Map<String, Object> dev,
            @Description("The fitted calibration, for `calibration` in ernie.type.stream and ernie.type.write: "
                    + "`temperature`, `fittedOn` (dev mentions).") Map<String, Object> calibration,
            @Description("Milliseconds in all.") long computeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
