package io.ernieneo4j.trainer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.infer.EncodedExample;

import java.util.List;

/** The fine-tuning losses of the reference: sigmoid + binary cross-entropy (typing), softmax + cross-entropy. */
final class Objective {

    private Objective() {}

    /** The mean loss of a batch; {@code logits} (B, labels). */
    static NDArray loss(ErnieTask task, NDArray logits, List<EncodedExample> examples) {
        NDArray targets = targets(logits.getManager(), examples, Math.toIntExact(logits.getShape().get(1)));
        return switch (task) {
            // max(x, 0) - x * y + log(1 + exp(-|x|)): BCE on logits, stable for any x, averaged as BCEWithLogitsLoss
            case TYPING -> logits.maximum(0f).sub(logits.mul(targets)).add(logits.abs().neg().exp().add(1f).log())
                    .mean();
            case RELATION -> logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg().mean();
            case ENCODER -> throw new IllegalArgumentException("An `encoder` has no fine-tuning loss.");
        };
    }

    /** (B, labels) multi-hot targets: one 1 per gold label. */
    static NDArray targets(NDManager manager, List<EncodedExample> examples, int labels) {
        float[] values = new float[examples.size() * labels];
        for (int b = 0; b < examples.size(); b++) {
            for (int label : examples.get(b).labels()) {
                values[b * labels + label] = 1f;
            }
        }
        return manager.create(values, new Shape(examples.size(), labels));
    }
}
