package io.ernieneo4j.plugin.type;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.finetune.ErniePredictor;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Entity typing with a loaded ERNIE model: each aligned mention of a document (a {@code MENTIONS} relationship from
 * ernie.align.write, with {@code start}, {@code end} and {@code score}) is wrapped in the [ENT] markers, every aligned
 * mention of the text feeds its TransE vector in, and the types over {@code threshold} are streamed or written back.
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
        return predict(request).stream();
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
        long start = System.nanoTime();
        List<TypeResult> rows = predict(request);
        long computed = System.nanoTime();
        // the best score of each type over an entity's mentions
        Map<Long, Map<String, Double>> best = new LinkedHashMap<>();
        for (TypeResult row : rows) {
            best.computeIfAbsent(row.nodeId(), id -> new LinkedHashMap<>()).merge(row.type(), row.score(), Math::max);
        }
        List<Map.Entry<Long, Map<String, Double>>> entries = new ArrayList<>(best.entrySet());
        BatchWriter.write(db, entries, 10_000, Neo4jRun.termination(guard), (write, batch) -> {
            for (var entry : batch) {
                @SuppressWarnings("deprecation") Node node = write.getNodeById(entry.getKey());
                List<Map.Entry<String, Double>> types = new ArrayList<>(entry.getValue().entrySet());
                types.sort(Map.Entry.<String, Double>comparingByValue().reversed());
                node.setProperty(property, types.stream().map(Map.Entry::getKey).toArray(String[]::new));
                node.setProperty(property + "Scores", types.stream().mapToDouble(Map.Entry::getValue).toArray());
                node.setProperty(property + "Model", request.modelName());
                if (writeLabels) {
                    types.forEach(t -> node.addLabel(Label.label(t.getKey())));
                }
            }
            return batch.size();
        });
        return Stream.of(new WriteResult(rows.size(), best.size(), (computed - start) / 1_000_000,
                (System.nanoTime() - computed) / 1_000_000, config.toMap()));
    }

    @SuppressWarnings("deprecation")
    private List<TypeResult> predict(DocumentMentions request) {
        Termination termination = Neo4jRun.termination(guard);
        return ErnieModelCatalog.use(db.databaseName(), request.modelName(), model -> {
            ErniePredictor predictor = DjlRuntime.call(() ->
                    new ErniePredictor(model.loaded().model(), model.loaded().tokenizer(), model.entities()));
            List<TypeResult> rows = new ArrayList<>();
            List<DocumentMentions.Document> documents = request.read(tx);
            long skipped = 0;
            for (DocumentMentions.Document document : documents) {
                termination.assertRunning();
                List<TypingExample> examples = document.mentions().stream().map(m -> new TypingExample(
                        document.id() + ":" + m.start(), document.text(), m, List.of(), document.mentions())).toList();
                List<ErniePredictor.Prediction<TypingExample>> predictions = DjlRuntime.call(() ->
                        predictor.typing(examples, "document " + document.id(), request.batchSize()));
                for (ErniePredictor.Prediction<TypingExample> p : predictions) {
                    if (p.probabilities() == null) {
                        skipped++;
                        continue;
                    }
                    for (int label = 0; label < p.probabilities().length; label++) {
                        if (p.probabilities()[label] >= request.threshold()) {
                            Mention m = p.example().mention();
                            rows.add(new TypeResult(document.id(), m.start(), m.end(), Long.parseLong(m.entity()),
                                    predictor.labels().get(label), p.probabilities()[label]));
                        }
                    }
                }
            }
            log.info("ernie.type: %d documents, %d predictions, %d mentions beyond the model's maximum length",
                    documents.size(), rows.size(), skipped);
            return rows;
        });
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
            @Description("Milliseconds predicting.") long computeMillis,
            @Description("Milliseconds writing.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
