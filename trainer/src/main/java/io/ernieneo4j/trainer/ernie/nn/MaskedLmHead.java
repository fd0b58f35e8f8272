package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

/**
 * BERT's masked-LM head ({@code cls.predictions}): {@code LayerNorm(gelu(dense(h)))} times the word-embedding table,
 * plus a per-word bias. The decoder is the encoder's word table itself (tied, not copied): it is read through the
 * parameter store, so gradients reach the embeddings and the table is saved once, with the encoder.
 *
 * <p>Input: token states (..., H_w), usually only the masked positions (N, H_w). Output: logits (..., vocab).
 */
public final class MaskedLmHead extends AbstractBlock {

    private final int vocabSize;
    private final Linear dense;
    private final BertLayerNorm layerNorm;
    private final Parameter wordEmbeddings;
    private final Parameter bias;

    /** A head decoding through {@code wordEmbeddings}, the (vocab, H_w) table of the encoder it sits on. */
    public MaskedLmHead(ErnieConfig config, EmbeddingTable wordEmbeddings) {
        this.vocabSize = config.vocabSize();
        this.dense = addChildBlock("transform.dense", Linear.builder().setUnits(config.hiddenSize()).build());
        this.layerNorm = addChildBlock("transform.LayerNorm",
                new BertLayerNorm(config.hiddenSize(), config.layerNormEps()));
        this.wordEmbeddings = wordEmbeddings.weight();
        this.bias = addParameter(Parameter.builder()
                .setName("bias").setType(Parameter.Type.BIAS).optShape(new Shape(vocabSize)).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray states = inputs.singletonOrThrow();
        NDArray transformed = Activation.gelu(dense.forward(parameterStore, inputs, training).head());
        transformed = layerNorm.forward(parameterStore, new NDList(transformed), training).head();
        NDArray decoder = parameterStore.getValue(wordEmbeddings, states.getDevice(), training);
        NDArray logits = Linear.linear(transformed, decoder,
                parameterStore.getValue(bias, states.getDevice(), training)).head();
        return new NDList(logits);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape states = inputShapes[0];
        return new Shape[] {states.slice(0, states.dimension() - 1).add(vocabSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, inputShapes[0]);
        layerNorm.initialize(manager, dataType, inputShapes[0]);
    }
}
