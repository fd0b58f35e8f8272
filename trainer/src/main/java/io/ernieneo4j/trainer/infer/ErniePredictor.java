package io.ernieneo4j.trainer.infer;

import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A fine-tuned model applied to new text: per example, the probability of each label — independent sigmoids for
 * typing (multi-label), a softmax for relations (one label). Examples whose mentions the tokenizer cuts off (beyond
 * the model's maximum length) get no prediction. The same for every engine: only {@link ErnieInference#logits} differs.
 */
public final class ErniePredictor {

    /**
     * One example's label probabilities and the logits they come from, or null for both when it could not be
     * encoded.
     */
    public record Prediction<T>(T example, float[] probabilities, float[] logits) {

        public Prediction(T example, float[] probabilities) {
            this(example, probabilities, null);
        }
    }

    private final ErnieInference model;
    private final WordPieceTokenizer tokenizer;
    private final EntityTable entities;
    private final LabelSet labels;

    /** The DJL model on its device (not closed by the predictor). */
    public ErniePredictor(ErnieModel model, WordPieceTokenizer tokenizer, EntityTable entities) {
        this(new PyTorchInference(model), tokenizer, entities);
    }

    /** The model on whichever engine {@code model} runs it (not closed by the predictor). */
    public ErniePredictor(ErnieInference model, WordPieceTokenizer tokenizer, EntityTable entities) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.entities = entities;
        this.labels = new LabelSet(model.labels());
    }

    public List<String> labels() {
        return labels.names();
    }

    /** @param source names where the examples come from, for error messages (e.g. a document) */
    public List<Prediction<TypingExample>> typing(List<TypingExample> examples, String source, int batchSize) {
        requireTask(ErnieTask.TYPING);
        ExampleEncoder encoder = encoder();
        return predict(examples, source, batchSize, line -> encoder.typingInputs(List.of(line)), false);
    }

    public List<Prediction<RelationExample>> relation(List<RelationExample> examples, String source, int batchSize) {
        requireTask(ErnieTask.RELATION);
        ExampleEncoder encoder = encoder();
        return predict(examples, source, batchSize, line -> encoder.relationInputs(List.of(line)), true);
    }

    private <T> List<Prediction<T>> predict(List<T> examples, String source, int batchSize,
                                            Function<SourceLine<T>, List<EncodedExample>> encode, boolean softmax) {
        List<EncodedExample> encoded = new ArrayList<>(examples.size());
        List<Integer> positions = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            List<EncodedExample> one = encode.apply(new SourceLine<>(Path.of(source), i + 1, examples.get(i)));
            if (!one.isEmpty()) {
                encoded.add(one.get(0));
                positions.add(i);
            }
        }
        float[][] logits = Evaluator.logits(model, entities, encoded, batchSize);
        List<Prediction<T>> predictions = new ArrayList<>(examples.size());
        for (T example : examples) {
            predictions.add(new Prediction<>(example, null));
        }
        for (int k = 0; k < encoded.size(); k++) {
            int i = positions.get(k);
            predictions.set(i, new Prediction<>(examples.get(i), softmax ? softmax(logits[k]) : sigmoid(logits[k]),
                    logits[k]));
        }
        return predictions;
    }

    private ExampleEncoder encoder() {
        return new ExampleEncoder(tokenizer, labels, entities, UnknownEntities.SKIP);
    }

    /** Refuses a model fine-tuned for another task than {@code task}, before any example is read. */
    public void requireTask(ErnieTask task) {
        if (model.task() != task) {
            String what = task == ErnieTask.TYPING ? "type entities" : "classify relations";
            throw new IllegalArgumentException("A `" + model.task().code() + "` model cannot " + what
                    + "; load a model fine-tuned for " + task.code() + ".");
        }
    }

    private static float[] sigmoid(float[] logits) {
        float[] p = new float[logits.length];
        for (int j = 0; j < p.length; j++) {
            p[j] = (float) (1 / (1 + Math.exp(-logits[j])));
        }
        return p;
    }

    private static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) max = Math.max(max, x);
        double sum = 0;
        double[] e = new double[logits.length];
        for (int j = 0; j < e.length; j++) {
            e[j] = Math.exp(logits[j] - max);
            sum += e[j];
        }
        float[] p = new float[logits.length];
        for (int j = 0; j < p.length; j++) p[j] = (float) (e[j] / sum);
        return p;
    }
}
