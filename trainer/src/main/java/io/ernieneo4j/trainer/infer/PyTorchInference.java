package io.ernieneo4j.trainer.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

import java.util.Arrays;
import java.util.List;

/** The DJL model itself ({@link ErnieModel#classify}) on its device; closing it closes the model. */
public final class PyTorchInference implements ErnieInference {

    private final ErnieModel model;

    public PyTorchInference(ErnieModel model) {
        this.model = model;
    }

    public ErnieModel model() {
        return model;
    }

    @Override
    public String engine() {
        return PYTORCH;
    }

    @Override
    public ErnieTask task() {
        return model.task();
    }

    @Override
    public List<String> labels() {
        return model.labels();
    }

    @Override
    public ErnieConfig config() {
        return model.config();
    }

    @Override
    public long weightBytes() {
        return model.parameters().values().stream().mapToLong(p -> p.getArray().size()).sum() * Float.BYTES;
    }

    /** Call inside {@code DjlRuntime.call} (a procedure's thread). */
    @Override
    public float[][] logits(EncoderBatch batch) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray logits = model.classify(batch.toNDList(scope));
            int labels = Math.toIntExact(logits.getShape().get(1));
            float[] values = logits.toFloatArray();
            float[][] rows = new float[batch.batch()][];
            for (int row = 0; row < rows.length; row++) {
                rows[row] = Arrays.copyOfRange(values, row * labels, (row + 1) * labels);
            }
            return rows;
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
