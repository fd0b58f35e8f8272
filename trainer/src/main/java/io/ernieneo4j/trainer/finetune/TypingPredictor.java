package io.ernieneo4j.trainer.finetune;

import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fine-tuned typing model applied to new mentions: the probability of each type, per mention. Mentions the
 * tokenizer cuts off (beyond the model's maximum length) get no prediction and are counted.
 */
public final class TypingPredictor {

    /** One mention's type probabilities (sigmoid of the logits), or null when it could not be encoded. */
    public record Prediction(TypingExample example, float[] probabilities) {}

    private final ErnieModel model;
    private final WordPieceTokenizer tokenizer;
    private final EntityTable entities;
    private final LabelSet labels;

    public TypingPredictor(ErnieModel model, WordPieceTokenizer tokenizer, EntityTable entities) {
        if (model.task() != ErnieTask.TYPING) {
            throw new IllegalArgumentException("A `" + model.task().code() + "` model cannot type entities; "
                    + "load a model fine-tuned for typing.");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.entities = entities;
        this.labels = new LabelSet(model.labels());
    }

    public List<String> labels() {
        return labels.names();
    }

    /**
     * @param source names where the examples come from, for error messages (e.g. a document)
     */
    public List<Prediction> predict(List<TypingExample> examples, String source, int batchSize) {
        ExampleEncoder encoder = new ExampleEncoder(tokenizer, labels, entities, UnknownEntities.SKIP);
        List<EncodedExample> encoded = new ArrayList<>(examples.size());
        List<Integer> positions = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            List<EncodedExample> one = encoder.typingInputs(List.of(new SourceLine<>(Path.of(source), i + 1, examples.get(i))));
            if (!one.isEmpty()) {
                encoded.add(one.get(0));
                positions.add(i);
            }
        }
        float[][] logits = Evaluator.logits(model, entities, encoded, batchSize);
        List<Prediction> predictions = new ArrayList<>(examples.size());
        for (TypingExample example : examples) {
            predictions.add(new Prediction(example, null));
        }
        for (int k = 0; k < encoded.size(); k++) {
            float[] probabilities = new float[logits[k].length];
            for (int j = 0; j < probabilities.length; j++) {
                probabilities[j] = (float) (1 / (1 + Math.exp(-logits[k][j])));
            }
            int i = positions.get(k);
            predictions.set(i, new Prediction(examples.get(i), probabilities));
        }
        return predictions;
    }
}
