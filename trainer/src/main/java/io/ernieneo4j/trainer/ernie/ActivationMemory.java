package io.ernieneo4j.trainer.ernie;

import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;
/**
 * The native memory a forward pass of one batch takes, from the architecture alone (for memory estimates before a
 * model runs). Counts the float tensors each part makes per sequence: the embeddings; per layer Q, K, V, two
 * attention maps (scores and probabilities), the attention output, its dense, residual and LayerNorm, the
 * feed-forward's dense and GELU, and its dense, residual and LayerNorm; a fusing layer adds the entity states, its
 * entity attention ({@code norm} only) and the fusion's projections. The entity side runs over the aligned pieces
 * only; the estimate counts one entity per piece, the most a batch can hold, so it is an upper bound. DJL keeps every array of a batch until the
 * batch's scope closes, so a batch holds all its layers at once ({@link #batchBytes}); {@link #layerBytes} is the
 * least a batch can take, one layer's worth.
 */
public final class ActivationMemory {

    private ActivationMemory() {}

    /** Bytes of every array one batch of {@code batchSize} sequences of {@code length} word pieces makes. */
    public static long batchBytes(ErnieConfig config, int batchSize, int length) {
        long floats = embeddingFloats(config, length);
        for (LayerType type : config.layerTypes()) {
            floats += layerFloats(config, type, length);
        }
        return floats * batchSize * Float.BYTES;
    }

    /** Bytes of the embeddings and the largest single layer of one batch. */
    public static long layerBytes(ErnieConfig config, int batchSize, int length) {
        long largest = 0;
        for (LayerType type : config.layerTypes()) {
            largest = Math.max(largest, layerFloats(config, type, length));
        }
        return (embeddingFloats(config, length) + largest) * batchSize * Float.BYTES;
    }

    private static long embeddingFloats(ErnieConfig config, int length) {
        // word, position and type lookups, their sum and its LayerNorm; the entity vectors
        return (long) length * (5L * config.hiddenSize() + config.entityDim());
    }

    private static long layerFloats(ErnieConfig config, LayerType type, int length) {
        long h = config.hiddenSize();
        long i = config.intermediateSize();
        long e = config.entityDim();
        long floats = (long) length * (10 * h + 2 * i) + 2L * config.attentionHeads() * length * length;
        if (type == LayerType.MIX) {
            floats += (long) length * (2 * e + 2 * i);
        } else if (type == LayerType.NORM) {
            floats += (long) length * (6 * e + 2 * i) + 2L * config.entityHeads() * length * length;
        }
        return floats;
    }
}
