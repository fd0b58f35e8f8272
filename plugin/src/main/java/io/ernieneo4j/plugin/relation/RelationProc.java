package io.ernieneo4j.plugin.relation;

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
import java.util.stream.Stream;

/**
 * Relation classification with a loaded ERNIE relation model: for every ordered pair of different entities mentioned
 * in the same document, the head mention wrapped in [HD] and the tail in [TL] markers, every aligned mention fed in
 * as an entity; the most probable relation is kept when it is not {@code no_relation} and reaches {@code threshold}
 * ({@link RelationClassification} on top of {@link MentionPrediction}).
 */
public class RelationProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.relation.stream", mode = Mode.READ)
    @Description("Classifies the relation between every ordered pair of entities mentioned in the same document with "
            + "a loaded ERNIE relation model; streams the pairs whose most probable relation is not `no_relation` "
            + "and reaches `threshold`.")
    public Stream<RelationResult> stream(
            @Name(value = "configuration", description = "`modelName`, `documentLabel` (required), `textProperty` "
                    + "('text'), `documents` (nodes or ids; default all), `minLinkScore` (0.0), `threshold` (0.5), "
                    + "`batchSize` (32).") Map<String, Object> configuration) {
        DocumentMentions request = DocumentMentions.from(ConfigMap.of(configuration, DocumentMentions.KEYS), tx);
        return prediction("ernie.relation.stream").stream(request, RelationClassification.TASK);
    }

    @Procedure(name = "ernie.relation.write", mode = Mode.WRITE)
    @Description("Classifies relations like ernie.relation.stream and writes each as a relationship whose type is "
            + "the predicted relation label, from head to tail, with properties `predicted` (true), `score`, `model`, "
            + "`evidence` (the document's node id), `headStart`, `headEnd`, `tailStart`, `tailEnd` (the mentions' "
            + "character offsets in that document) and `predictedAt`: one relationship per head, type and tail with "
            + "the best evidence. Inverse types (every A edge comes back as a B edge) and symmetric types are learned "
            + "from the graph, so a fact is written once, in the type with more edges; facts the graph already "
            + "states in any form by a relationship that was not predicted are left alone. Idempotent.")
    public Stream<WriteResult> write(
            @Name(value = "configuration", description = "As ernie.relation.stream.") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, DocumentMentions.KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        MentionPrediction prediction = prediction("ernie.relation.write");
        MentionPrediction.Run<RelationResult> run = prediction.run(request, RelationClassification.TASK);
        long writeStart = System.nanoTime();
        RelationConventions conventions = RelationConventions.learn(tx, prediction.termination());
        log.info("ernie.relation.write: %s", conventions.describe());
        RelationClassification.Written written = RelationClassification.write(db, prediction.termination(),
                run.rows(), request.modelName(), conventions);
        return Stream.of(new WriteResult(written.predictions(), written.merged(), written.created(), written.updated(),
                written.alreadyKnown(), run.documents(), run.examples(), run.tooLong(), run.mentionsWithoutVector(),
                run.computeMillis(), (System.nanoTime() - writeStart) / 1_000_000,
                config.toMap()));
    }

    @Procedure(name = "ernie.relation.write.estimate", mode = Mode.READ)
    @Description("Estimates the memory ernie.relation.write needs for a configuration and a loaded model, before "
            + "anything runs: the model's parameters, one batch's activations and the inputs read; writes nothing.")
    public Stream<MentionEstimate> writeEstimate(
            @Name(value = "configuration", description = "As ernie.relation.write.") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, DocumentMentions.KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        return Stream.of(prediction("ernie.relation.write.estimate")
                .estimate(request, RelationClassification.TASK, config.toMap()));
    }

    private MentionPrediction prediction(String procedure) {
        return new MentionPrediction(db, tx, log, guard, procedure);
    }

    public record RelationResult(
            @Description("The document the pair is mentioned in.") long documentId,
            @Description("The head entity node's id.") long headNodeId,
            @Description("The predicted relation.") String relation,
            @Description("The tail entity node's id.") long tailNodeId,
            @Description("Its probability.") double score,
            @Description("Start of the head mention.") long headStart,
            @Description("End of the head mention.") long headEnd,
            @Description("Start of the tail mention.") long tailStart,
            @Description("End of the tail mention.") long tailEnd) {}

    public record WriteResult(
            @Description("Distinct facts predicted over the threshold, each counted once however it was stated.")
            long predictions,
            @Description("Predictions merged into another of the same fact: its inverse type the other way round "
                    + "(HYPONYM for HYPERNYM) or a symmetric type's mirror, as learned from the graph.")
            long factsMerged,
            @Description("Relationships created.") long relationshipsCreated,
            @Description("Earlier predicted relationships updated.") long relationshipsUpdated,
            @Description("Predictions already stated by a relationship that was not predicted (left alone).") long alreadyKnown,
            @Description("Documents read (with text and a mention over `minLinkScore`).") long documents,
            @Description("Mention pairs classified (examples given to the model).") long examples,
            @Description("Mention pairs not classified: a mention beyond the model's maximum length.")
            long examplesTooLong,
            @Description("Mentions fed without entity input: no vector in the model's TransE model.")
            long mentionsWithoutVector,
            @Description("Milliseconds predicting.") long computeMillis,
            @Description("Milliseconds writing.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
