package io.ernieneo4j.trainer.infer;

import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs a fine-tuned model over examples (length-sorted batches, no dropout) and scores its predictions. */
public final class Evaluator {

    private Evaluator() {}

    /**
     * Scores {@code model} on {@code examples}.
     *
     * @param entities  the entity table, or null for no entity input
     * @param threshold typing only: the logit a type must exceed
     */
    public static TaskMetrics evaluate(ErnieModel model, EntityTable entities, LabelSet labels,
                                       List<EncodedExample> examples, int batchSize, float threshold) {
        // not closed: the caller's model
        return evaluate(new PyTorchInference(model), entities, labels, examples, batchSize, threshold);
    }

    /** Scores {@code model}, on whichever engine runs it, on {@code examples}. */
    public static TaskMetrics evaluate(ErnieInference model, EntityTable entities, LabelSet labels,
                                       List<EncodedExample> examples, int batchSize, float threshold) {
        float[][] logits = logits(model, entities, examples, batchSize);
        return switch (model.task()) {
            case TYPING -> {
                List<int[]> gold = new ArrayList<>();
                List<int[]> predicted = new ArrayList<>();
                for (int i = 0; i < examples.size(); i++) {
                    gold.add(examples.get(i).labels());
                    predicted.add(TypingMetrics.decide(logits[i], threshold));
                }
                yield TypingMetrics.of(labels, gold, predicted);
            }
            case RELATION -> RelationMetrics.of(labels,
                    examples.stream().mapToInt(e -> e.labels()[0]).toArray(),
                    Arrays.stream(logits).mapToInt(RelationMetrics::decide).toArray());
            case ENCODER -> throw new IllegalArgumentException("An `encoder` model has no task to evaluate.");
        };
    }

    /** The logits of every example, in the examples' order, from the DJL model. */
    public static float[][] logits(ErnieModel model, EntityTable entities, List<EncodedExample> examples,
                                   int batchSize) {
        return logits(new PyTorchInference(model), entities, examples, batchSize); // not closed: the caller's model
    }

    /** The logits of every example, in the examples' order, from whichever engine runs the model. */
    public static float[][] logits(ErnieInference model, EntityTable entities, List<EncodedExample> examples,
                                   int batchSize) {
        int[] lengths = examples.stream().mapToInt(EncodedExample::length).toArray();
        float[][] logits = new float[examples.size()][];
        for (int[] batch : BatchPlan.evaluation(lengths, batchSize)) {
            float[][] rows = model.logits(Batches.inputs(model.config(), Batches.pick(examples, batch), entities));
            for (int row = 0; row < batch.length; row++) {
                logits[batch[row]] = rows[row];
            }
        }
        return logits;
    }
}
