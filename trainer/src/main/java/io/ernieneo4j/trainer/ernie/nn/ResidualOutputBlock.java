package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * BERT's post-LayerNorm residual output: {@code LayerNorm(dropout(dense(x)) + residual)}. It closes the attention
 * sub-layer ({@code attention.output}, {@code attention.output_ent}) and the feed-forward of a plain layer
 * ({@code output}).
 *
 * <p>Input: x (..., in) and the residual (..., out). Output: (..., out).
 */
public final class ResidualOutputBlock extends AbstractBlock {

    private final int outSize;
    private final Linear dense;
    /** Dropout before the residual and the LayerNorm. */
    private final Dropout dropout;
    private final BertLayerNorm layerNorm;

    public ResidualOutputBlock(int outSize, float epsilon, float dropoutRate) {
        this.outSize = outSize;
        this.dense = addChildBlock("dense", Linear.builder().setUnits(outSize).build());
        this.layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(outSize, epsilon));
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray residual = inputs.get(1);
        NDList projected = dropout.forward(parameterStore, dense.forward(parameterStore, new NDList(x), training),
                training);
        return layerNorm.forward(parameterStore, new NDList(projected.head().add(residual)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, inputShapes[0]);
        Shape out = inputShapes[0].slice(0, inputShapes[0].dimension() - 1).add(outSize);
        dropout.initialize(manager, dataType, out);
        layerNorm.initialize(manager, dataType, out);
    }
}
