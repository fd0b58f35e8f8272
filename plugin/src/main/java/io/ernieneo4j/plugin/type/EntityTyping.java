package io.ernieneo4j.plugin.type;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.trainer.calibration.TemperatureScaling;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.infer.EntityTypes;
import io.ernieneo4j.trainer.infer.ErniePredictor;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entity typing as a {@link MentionPrediction.Task}: one example per aligned mention (wrapped in the [ENT] markers,
 * every aligned mention of the text fed in as an entity); a row per type scored at least {@code threshold}. Also
 * how the types are written back. With a calibration (ernie.type.evaluate's temperature), a type's score is the
 * sigmoid of its logit divided by the temperature; without, the model's own probability.
 */
final class EntityTyping implements MentionPrediction.Task<TypingExample, TypeProc.TypeResult> {

    static final EntityTyping TASK = new EntityTyping(null);

    /** Null: the model's probabilities as they are. */
    private final TemperatureScaling calibration;

    private EntityTyping(TemperatureScaling calibration) {
        this.calibration = calibration;
    }

    /** Typing with scores calibrated by {@code calibration}, or as the model gives them when it is null. */
    static EntityTyping calibrated(TemperatureScaling calibration) {
        return calibration == null ? TASK : new EntityTyping(calibration);
    }

    @Override
    public List<TypingExample> examples(DocumentMentions.Document document) {
        return document.mentions().stream().map(m -> new TypingExample(
                document.id() + ":" + m.start(), document.text(), m, List.of(), document.mentions())).toList();
    }

    @Override
    public List<ErniePredictor.Prediction<TypingExample>> predict(ErniePredictor predictor,
                                                                  List<TypingExample> examples, String source,
                                                                  int batchSize) {
        return predictor.typing(examples, source, batchSize);
    }

    @Override
    public void addRows(DocumentMentions.Document document, ErniePredictor.Prediction<TypingExample> prediction,
                        List<String> labels, DocumentMentions request, List<TypeProc.TypeResult> rows) {
        double[] probabilities = calibration == null ? toDoubles(prediction.probabilities())
                : calibration.sigmoid(prediction.logits());
        Mention m = prediction.example().mention();
        for (int label = 0; label < probabilities.length; label++) {
            if (probabilities[label] >= request.threshold()) {
                rows.add(new TypeProc.TypeResult(document.id(), m.start(), m.end(), document.nodeId(m.entity()),
                        labels.get(label), probabilities[label]));
            }
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) doubles[i] = values[i];
        return doubles;
    }

    @Override
    public ErnieTask task() {
        return ErnieTask.TYPING;
    }

    @Override
    public long maxExamples(int mentions) {
        return mentions;
    }

    @Override
    public int maxRowsPerExample(int labels) {
        return labels;
    }

    @Override
    public int rowBytes() {
        return 64; // TypeResult: header, five numbers, a shared label, a list slot
    }

    /**
     * Sets on each entity node its types (the best score of each over its mentions), highest first, as
     * {@code property}, with {@code <property>Scores} and {@code <property>Model}; with {@code writeLabels} a label
     * per type. Returns the nodes written.
     */
    static long write(GraphDatabaseService db, Termination termination, List<TypeProc.TypeResult> rows,
                      String property, boolean writeLabels, String modelName) {
        Map<Long, EntityTypes> best = new LinkedHashMap<>();
        for (TypeProc.TypeResult row : rows) {
            best.computeIfAbsent(row.nodeId(), id -> new EntityTypes()).add(row.type(), row.score());
        }
        List<Map.Entry<Long, EntityTypes>> entries = new ArrayList<>(best.entrySet());
        BatchWriter.write(db, entries, 10_000, termination, (write, batch) -> {
            for (var entry : batch) {
                @SuppressWarnings("deprecation") Node node = write.getNodeById(entry.getKey());
                String[] types = entry.getValue().names();
                node.setProperty(property, types);
                node.setProperty(property + "Scores", entry.getValue().scores());
                node.setProperty(property + "Model", modelName);
                if (writeLabels) {
                    for (String type : types) {
                        node.addLabel(Label.label(type));
                    }
                }
            }
            return batch.size();
        });
        return best.size();
    }
}
