package io.ernieneo4j.trainer.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

    /** The logits of every example, in the examples' order. */
    public static float[][] logits(ErnieModel model, EntityTable entities, List<EncodedExample> examples,
                                   int batchSize) {
        int[] lengths = examples.stream().mapToInt(EncodedExample::length).toArray();
        float[][] logits = new float[examples.size()][];
        for (int[] batch : BatchPlan.evaluation(lengths, batchSize)) {
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray batchLogits = model.classify(
                        Batches.inputs(model.config(), Batches.pick(examples, batch), entities).toNDList(scope));
                int labels = Math.toIntExact(batchLogits.getShape().get(1));
                float[] values = batchLogits.toFloatArray();
                for (int row = 0; row < batch.length; row++) {
                    logits[batch[row]] = Arrays.copyOfRange(values, row * labels, (row + 1) * labels);
                }
            }
        }
        return logits;
    }
}
