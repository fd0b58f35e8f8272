package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.NodeArguments;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.plugin.model.MentionEstimate;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.plugin.model.SavedScoring;
import io.ernieneo4j.trainer.completion.RelationConventions;
import io.ernieneo4j.trainer.completion.RelationProposals;
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
import java.util.Optional;
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
    @Description("Classifies relations like ernie.relation.stream and writes each fact as a relationship whose type "
            + "is the relation, from head to tail, with properties `predicted` (true), `score`, `model`, `evidence` "
            + "(the node id of the document that speaks most for it), `headStart`, `headEnd`, `tailStart`, "
            + "`tailEnd` (the mentions' character offsets there), `predictedAt` and, when given, `status`. With a "
            + "`fusion` from ernie.relation.evaluate, every fact the documents suggest is scored by the fused, "
            + "calibrated probability of its text (all sentences), TransE, type and link evidence, written when it "
            + "reaches `threshold`, with `textScore`, `graphScore`, `typeScore`, `linkScore` and `sentences` as well. "
            + "Inverse and symmetric types are learned from the graph, so a fact is written once, in the type with "
            + "more edges. "
            + "Facts the graph states by a relationship that was not predicted, or by a predicted one with `status: "
            + "'accepted'`, are left alone, and so are those a chain of such edges of a `transitiveTypes` type "
            + "implies; a predicted one with `status: 'rejected'` is never proposed again. Idempotent.")
    public Stream<WriteResult> write(
            @Name(value = "configuration", description = "As ernie.relation.stream, and `fusion` (the map "
                    + "ernie.relation.evaluate returns; default: the one saved with the model by its `save: true`, "
                    + "if any), `status` (a review state written on each edge, e.g. 'candidate'), `transitiveTypes` "
                    + "(relationship types whose chains state facts, e.g. hypernymy; default: the fusion's, else "
                    + "none).")
            Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, WRITE_KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        String status = config.optionalString("status").orElse(null);
        Optional<FittedFusion> fitted = fusion(config, request.modelName());
        MentionPrediction prediction = prediction("ernie.relation.write");
        RelationConventions conventions = GraphConventions.learn(tx, prediction.termination());
        log.info("ernie.relation.write: %s", conventions.describe());
        List<String> labels = ErnieModelCatalog.use(db.databaseName(), request.modelName(),
                loaded -> loaded.loaded().manifest().labels());
        List<String> transitiveTypes = config.stringList("transitiveTypes");
        CompletionEvidence.requirePredicted("transitiveTypes", transitiveTypes, labels);
        if (transitiveTypes.isEmpty() && fitted.isPresent()) {
            transitiveTypes = fitted.get().transitiveTypes();
        }
        RelationProposals.Proposals proposals;
        MentionPrediction.Run<?> run;
        if (fitted.isPresent()) {
            MentionPrediction.Run<RelationEvidence.PairScores> pairs = prediction.run(request, RelationEvidence.TASK);
            CompletionEvidence evidence = CompletionEvidence.collect(tx, prediction.termination(), pairs.rows(),
                    labels, CompletionEvidence.relationTypes(labels, List.of()), conventions, fitted, r -> true);
            // every fact is scored once from all its forms: nothing is merged
            proposals = new RelationProposals.Proposals(
                    evidence.proposals(fitted.get().fusion(), request.threshold()), 0);
            run = pairs;
        } else {
            MentionPrediction.Run<RelationResult> rows = prediction.run(request, RelationClassification.TASK);
            proposals = RelationProposals.of(rows.rows().stream().map(RelationResult::prediction).toList(),
                    conventions);
            run = rows;
        }
        long writeStart = System.nanoTime();
        RelationClassification.Written written = RelationClassification.write(db, prediction.termination(),
                proposals, request.modelName(), conventions, transitiveTypes, status);
        return Stream.of(new WriteResult(written.predictions(), written.merged(), written.created(), written.updated(),
                written.alreadyKnown(), written.rejected(), run.documents(), run.examples(), run.tooLong(),
                run.mentionsWithoutVector(), run.computeMillis(), (System.nanoTime() - writeStart) / 1_000_000,
                config.toMap()));
    }

    private static final java.util.Set<String> WRITE_KEYS = DocumentMentions.keysWith("fusion", "status",
            "transitiveTypes");

    @Procedure(name = "ernie.relation.write.estimate", mode = Mode.READ)
    @Description("Estimates the memory ernie.relation.write needs for a configuration and a loaded model, before "
            + "anything runs: the model's parameters, one batch's activations and the inputs read; writes nothing.")
    public Stream<MentionEstimate> writeEstimate(
            @Name(value = "configuration", description = "As ernie.relation.write.") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, WRITE_KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        return Stream.of(prediction("ernie.relation.write.estimate")
                .estimate(request, RelationClassification.TASK, config.toMap()));
    }

    @Procedure(name = "ernie.relation.evaluate", mode = Mode.READ)
    @Description("Held-out evaluation of knowledge-graph completion from the documents: every fact they suggest (two "
            + "co-mentioned entities and a relationship type the model predicts) is a candidate, true when an edge of "
            + "the dev or test split states it, false when the graph does not state it; facts that training edges "
            + "state are left out. For `transitiveTypes`, a chain of edges of the type in the fact's direction "
            + "states it too (known when training edges alone form one). Each source of evidence (`text`: the "
            + "relation model over every sentence that mentions both; `graph`: TransE; `types`: which node types each "
            + "relationship type connects, learned from training edges; `links`: the linker's scores of the two "
            + "mentions) and their fusion are fitted on dev, which calibrates them, and ranked on test: "
            + "average precision (PR-AUC), P@K, precision and recall at `threshold`, calibration error, per "
            + "relationship type. Returns the fitted `fusion` for ernie.relation.write; with `save: true` it is also "
            + "saved in the model's folder (fusion.json), which write and explain then use by default (refused when "
            + "`ernie.files.write.enabled` is false). A TransE model trained on "
            + "more than `trainSplit` is refused. Writes nothing.")
    public Stream<EvaluateResult> evaluate(
            @Name(value = "configuration", description = "As ernie.relation.stream, and `transeModel` (the relation "
                    + "model's), `typeProperty` (node labels), `evidence` (['text', 'graph', 'types', 'links']), "
                    + "`textAggregation` ('max' or 'noisyOr'), `relationshipTypes` (the model's), `transitiveTypes` "
                    + "([]), `splitProperty` ('split'), `trainSplit` ('train'), `devSplit` ('dev'), `testSplit` ('test'), `precisionAtK` "
                    + "([100, 500]), `devFraction` (0.5, of the false candidates), `seed` (42), `save` (false).")
            Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, CompletionConfig.KEYS);
        CompletionConfig completion = CompletionConfig.from(config, DocumentMentions.from(config, tx));
        boolean save = config.bool("save", false);
        if (save) {
            SavedScoring.requireSavable("ernie.relation.evaluate");
        }
        MentionPrediction prediction = prediction("ernie.relation.evaluate");
        EvaluateResult result = new RelationEvaluation(db, tx, log, prediction).evaluate(completion, config.toMap());
        if (save) {
            Path saved = SavedScoring.FUSION.save(result.fusion(), db, completion.documents().modelName(),
                    "ernie.relation.evaluate");
            log.info("ernie.relation.evaluate: fusion saved in %s", saved);
        }
        return Stream.of(result);
    }

    @Procedure(name = "ernie.relation.explain", mode = Mode.READ)
    @Description("Explains one fact, whether or not it would be written: reads every document that mentions both "
            + "nodes with the relation model and returns the fact as the graph would state it (an inverse or mirrored "
            + "type folded into its canonical form), its score (the fused probability with a `fusion`, else the "
            + "text's best), what each source of evidence says, the three sentences that speak most for it with the "
            + "mentions' offsets, and the relationships that state it today with their review status. Writes nothing.")
    public Stream<ExplainResult> explain(
            @Name(value = "head", description = "The head node (or its id).") Object head,
            @Name(value = "relationshipType", description = "The relation asked about.") String relationshipType,
            @Name(value = "tail", description = "The tail node (or its id).") Object tail,
            @Name(value = "configuration", description = "`modelName`, `documentLabel` (required), `textProperty` "
                    + "('text'), `minLinkScore` (0.0), `batchSize` (32), `fusion` (the map ernie.relation.evaluate "
                    + "returns; default: the one saved with the model, if any).") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, DocumentMentions.keysWith("fusion"));
        DocumentMentions request = DocumentMentions.from(config, tx);
        if (relationshipType == null || relationshipType.isBlank()) {
            throw new IllegalArgumentException("`relationshipType` must name a relation.");
        }
        return Stream.of(new RelationExplanation(db, tx, prediction("ernie.relation.explain")).explain(
                NodeArguments.node(tx, head, "head"), relationshipType, NodeArguments.node(tx, tail, "tail"), request,
                fusion(config, request.modelName())));
    }

    /** The `fusion` map given, else the one saved with the model. */
    private Optional<FittedFusion> fusion(ConfigMap config, String modelName) {
        return FittedFusion.from(SavedScoring.FUSION.orSaved(config.toMap().get("fusion"), db, modelName)
                .orElse(null), db);
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
            @Description("End of the tail mention.") long tailEnd) {

        /** The row as the trainer's proposals read it. */
        RelationProposals.Prediction prediction() {
            return new RelationProposals.Prediction(documentId, headNodeId, relation, tailNodeId, score,
                    (int) headStart, (int) headEnd, (int) tailStart, (int) tailEnd);
        }
    }

    public record ExplainResult(
            @Description("The fact's head as the graph would state it.") long headNodeId,
            @Description("Its relationship type, in the graph's convention.") String relationshipType,
            @Description("Its tail.") long tailNodeId,
            @Description("The fused probability with `fusion`, else the text's best probability.") double score,
            @Description("Whether `score` is the fused probability.") boolean fused,
            @Description("The relation model's probability, aggregated over the sentences as `fusion` says (max "
                    + "without one).") double textScore,
            @Description("TransE's -distance; null without `fusion`'s graph evidence or a vector.") Double graphScore,
            @Description("The type density of the relation between the nodes' types; null without `fusion`.")
            Double typeScore,
            @Description("The linker's score of the head mention times the tail mention's, the best over the "
                    + "sentences; null when no document mentions both.") Double linkScore,
            @Description("Documents that mention both nodes.") long documents,
            @Description("Mention pairs of the two read.") long sentences,
            @Description("The sentences that speak most for the fact: `document`, `text`, `headStart`, `headEnd`, "
                    + "`tailStart`, `tailEnd`, `probability`.") List<Map<String, Object>> evidence,
            @Description("Relationships that state the fact today: `relationshipType`, `headNodeId`, `tailNodeId`, "
                    + "`predicted`, `status`.") List<Map<String, Object>> statedBy) {}

    public record EvaluateResult(
            @Description("Candidate facts: distinct (head, relationship type, tail) the documents suggest.")
            long candidates,
            @Description("Candidates in the dev split (fitted on).") long devCandidates,
            @Description("True ones among them: stated by a dev edge (or a chain through one).") long devPositives,
            @Description("Candidates in the test split (scored).") long testCandidates,
            @Description("True ones among them: stated by a test edge (or a chain through one).")
            long testPositives,
            @Description("Candidates left out: a training edge states them.") long knownFacts,
            @Description("Distinct facts the test split states, mentioned in the documents or not.") long testFacts,
            @Description("Those among the candidates: what reading the documents can find at most.")
            long testFactsMentioned,
            @Description("Test metrics of each source fitted alone and of `fused`: `averagePrecision`, `P@K`, "
                    + "`predicted`, `precision`, `recall`, `f1` (at `threshold`), `meanPredictedScore` (of those "
                    + "predicted: about `precision` when calibrated), `calibrationError`.")
            Map<String, Object> bySource,
            @Description("The fused score's test metrics per relationship type.")
            List<Map<String, Object>> byRelationshipType,
            @Description("The fitted fusion, for ernie.relation.write's `fusion`.") Map<String, Object> fusion,
            @Description("The test candidates the fused score ranks highest that no edge states, the errors a "
                    + "curator would review first (or facts the graph lacks): `headNodeId`, `relationshipType`, "
                    + "`tailNodeId`, `score`, `textScore`, `graphScore`, `typeScore`, `linkScore`, `sentences`; 20 "
                    + "at most.") List<Map<String, Object>> topFalseCandidates,
            @Description("Documents read.") long documents,
            @Description("Mention pairs classified.") long examples,
            @Description("Mention pairs not classified: the span from the first mention to the last is longer than the "
                    + "model's maximum length (a longer text is read in a window around the pair).") long examplesTooLong,
            @Description("Milliseconds in all.") long computeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}

    public record WriteResult(
            @Description("Distinct facts predicted over the threshold, each counted once however it was stated.")
            long predictions,
            @Description("Predictions merged into another of the same fact: its inverse type the other way round "
                    + "(HYPONYM for HYPERNYM) or a symmetric type's mirror, as learned from the graph. 0 with "
                    + "`fusion`, which scores every fact once from all its forms.")
            long factsMerged,
            @Description("Relationships created.") long relationshipsCreated,
            @Description("Earlier predicted relationships updated.") long relationshipsUpdated,
            @Description("Predictions already stated by a relationship that was not predicted, or by an accepted "
                    + "one (left alone).") long alreadyKnown,
            @Description("Predictions a curator rejected before (`status: 'rejected'`; not proposed again).")
            long rejected,
            @Description("Documents read (with text and a mention over `minLinkScore`).") long documents,
            @Description("Mention pairs classified (examples given to the model).") long examples,
            @Description("Mention pairs not classified: the span from the first mention to the last is longer than the "
                    + "model's maximum length (a longer text is read in a window around the pair).")
            long examplesTooLong,
            @Description("Mentions fed without entity input: no vector in the model's TransE model.")
            long mentionsWithoutVector,
            @Description("Milliseconds predicting.") long computeMillis,
            @Description("Milliseconds writing.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
