package io.ernieneo4j.trainer.ernie.io;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * The float32 tensors of a pretrained checkpoint under their Hugging Face names, in PyTorch layout (a Linear weight
 * is (out, in)). Readers hand out one tensor at a time, so a checkpoint is never held twice in the heap.
 */
public interface CheckpointTensors extends AutoCloseable {

    /** Where the tensors come from, for messages. */
    String source();

    /** Every tensor name, in the checkpoint's order. */
    List<String> names();

    /** The shape of {@code name} in PyTorch layout. */
    long[] shape(String name);

    /** The values of {@code name}, row-major in {@link #shape}. */
    float[] read(String name) throws IOException;

    @Override
    void close() throws IOException;

    /**
     * The tensors whose names pass {@code keep}, e.g. a checkpoint's encoder without the heads it was trained with;
     * closing the view closes this checkpoint.
     */
    default CheckpointTensors only(Predicate<String> keep) {
        CheckpointTensors all = this;
        List<String> kept = all.names().stream().filter(keep).toList();
        return new CheckpointTensors() {
            @Override
            public String source() {
                return all.source();
            }

            @Override
            public List<String> names() {
                return kept;
            }

            @Override
            public long[] shape(String name) {
                return all.shape(name);
            }

            @Override
            public float[] read(String name) throws IOException {
                return all.read(name);
            }

            @Override
            public void close() throws IOException {
                all.close();
            }
        };
    }
}
