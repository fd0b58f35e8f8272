package io.ernieneo4j.plugin.type;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.MentionEstimate;
import io.ernieneo4j.plugin.model.MentionPrediction;
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
import java.util.Set;
import java.util.stream.Stream;

/**
 * Entity typing with a loaded ERNIE model: each aligned mention of a document (a {@code MENTIONS} relationship from
 * ernie.align.write, with {@code start}, {@code end} and {@code score}) is wrapped in the [ENT] markers, every aligned
 * mention of the text feeds its TransE vector in, and the types over {@code threshold} are streamed or written back
 * ({@link EntityTyping} on top of {@link MentionPrediction}).
 */
public class TypeProc {

    private static final Set<String> WRITE_KEYS = DocumentMentions.keysWith("writeProperty", "writeLabels");

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
                    + "`batchSize` (32).") Map<String, Object> configuration) {
        DocumentMentions request = DocumentMentions.from(ConfigMap.of(configuration, DocumentMentions.KEYS), tx);
        return prediction("ernie.type.stream").stream(request, EntityTyping.TASK);
    }

    @Procedure(name = "ernie.type.write", mode = Mode.WRITE)
    @Description("Types the entities mentioned in documents with a loaded ERNIE typing model and writes, on each "
            + "entity node, its types over `threshold` (best score over its mentions) as a list property with their "
            + "scores and the model's name, and with `writeLabels` one label per type. Idempotent.")
    public Stream<WriteResult> write(
            @Name(value = "configuration", description = "As ernie.type.stream, plus `writeProperty` ('ernieTypes'; "
                    + "also writes `<writeProperty>Scores` and `<writeProperty>Model`) and `writeLabels` (false).")
            Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, WRITE_KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        String property = config.string("writeProperty", "ernieTypes");
        boolean writeLabels = config.bool("writeLabels", false);
        MentionPrediction prediction = prediction("ernie.type.write");
        MentionPrediction.Run<TypeResult> run = prediction.run(request, EntityTyping.TASK);
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
        return Stream.of(prediction("ernie.type.write.estimate").estimate(request, EntityTyping.TASK, config.toMap()));
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
}
