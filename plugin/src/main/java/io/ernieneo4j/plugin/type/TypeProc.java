package io.ernieneo4j.plugin.type;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.finetune.TypingPredictor;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Entity typing with a loaded ERNIE model: each aligned mention of a document (a {@code MENTIONS} relationship from
 * ernie.align.write, with {@code start}, {@code end} and {@code score}) is wrapped in the [ENT] markers, every aligned
 * mention of the text feeds its TransE vector in, and the types over {@code threshold} are streamed or written back.
 */
public class TypeProc {

    static final RelationshipType MENTIONS = RelationshipType.withName("MENTIONS");
    private static final Set<String> STREAM_KEYS = Set.of("modelName", "documentLabel", "textProperty", "documents",
            "minLinkScore", "threshold", "batchSize");
    private static final Set<String> WRITE_KEYS = Set.of("modelName", "documentLabel", "textProperty", "documents",
            "minLinkScore", "threshold", "batchSize", "writeProperty", "writeLabels");

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
        Request request = Request.from(ConfigMap.of(configuration, STREAM_KEYS), tx);
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
        Request request = Request.from(config, tx);
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
    private List<TypeResult> predict(Request request) {
        Termination termination = Neo4jRun.termination(guard);
        return ErnieModelCatalog.use(db.databaseName(), request.modelName(), model -> {
            TypingPredictor predictor = DjlRuntime.call(() ->
                    new TypingPredictor(model.loaded().model(), model.loaded().tokenizer(), model.entities()));
            List<TypeResult> rows = new ArrayList<>();
            long documents = 0;
            long skipped = 0;
            for (Node document : request.documents(tx)) {
                termination.assertRunning();
                Object text = document.getProperty(request.textProperty(), null);
                if (!(text instanceof String s) || s.isEmpty()) {
                    continue;
                }
                List<Mention> mentions = new ArrayList<>();
                for (Relationship r : document.getRelationships(Direction.OUTGOING, MENTIONS)) {
                    double score = ((Number) r.getProperty("score", 1.0)).doubleValue();
                    if (score >= request.minLinkScore()) {
                        mentions.add(new Mention(((Number) r.getProperty("start")).intValue(),
                                ((Number) r.getProperty("end")).intValue(), Long.toString(r.getEndNode().getId())));
                    }
                }
                if (mentions.isEmpty()) {
                    continue;
                }
                documents++;
                List<TypingExample> examples = mentions.stream().map(m -> new TypingExample(
                        document.getId() + ":" + m.start(), s, m, List.of(), mentions)).toList();
                List<TypingPredictor.Prediction> predictions = DjlRuntime.call(() ->
                        predictor.predict(examples, "document " + document.getId(), request.batchSize()));
                for (TypingPredictor.Prediction p : predictions) {
                    if (p.probabilities() == null) {
                        skipped++;
                        continue;
                    }
                    for (int label = 0; label < p.probabilities().length; label++) {
                        if (p.probabilities()[label] >= request.threshold()) {
                            Mention m = p.example().mention();
                            rows.add(new TypeResult(document.getId(), m.start(), m.end(), Long.parseLong(m.entity()),
                                    predictor.labels().get(label), p.probabilities()[label]));
                        }
                    }
                }
            }
            log.info("ernie.type: %d documents, %d predictions, %d mentions beyond the model's maximum length",
                    documents, rows.size(), skipped);
            return rows;
        });
    }

    /** A validated typing request. */
    private record Request(String modelName, String documentLabel, String textProperty, List<Object> documentIds,
                           double minLinkScore, double threshold, int batchSize) {

        static Request from(ConfigMap config, Transaction tx) {
            String label = config.requireString("documentLabel");
            boolean exists = false;
            for (Label l : tx.getAllLabelsInUse()) {
                exists |= l.name().equals(label);
            }
            if (!exists) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "No node label `%s` exists in the database.", label));
            }
            Object documents = config.toMap().get("documents");
            List<Object> ids = documents == null ? null
                    : documents instanceof List<?> list ? new ArrayList<>(list) : List.of(documents);
            return new Request(config.requireString("modelName"), label, config.string("textProperty", "text"), ids,
                    config.doubleValue("minLinkScore", 0.0, 0.0, 1.0), config.doubleValue("threshold", 0.5, 0.0, 1.0),
                    config.intValue("batchSize", 32, 1, 4096));
        }

        @SuppressWarnings("deprecation")
        List<Node> documents(Transaction tx) {
            List<Node> nodes = new ArrayList<>();
            if (documentIds == null) {
                try (ResourceIterator<Node> it = tx.findNodes(Label.label(documentLabel))) {
                    it.forEachRemaining(nodes::add);
                }
                return nodes;
            }
            for (Object id : documentIds) {
                Node node = id instanceof Node n ? n : tx.getNodeById(((Number) id).longValue());
                if (node.hasLabel(Label.label(documentLabel))) {
                    nodes.add(node);
                }
            }
            return nodes;
        }
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
