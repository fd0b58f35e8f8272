package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * BERT's pooler: {@code tanh(dense(h_0))} on the last layer's state at position 0 ([CLS]); the input of the
 * sentence-level heads (typing, relation, next sentence).
 *
 * <p>Input: (B, T, H). Output: (B, H).
 */
public final class PoolerBlock extends AbstractBlock {

    private final Linear dense;

    public PoolerBlock(int hiddenSize) {
        this.dense = addChildBlock("dense", Linear.builder().setUnits(hiddenSize).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray first = inputs.head().get(":, 0, :");
        return new NDList(dense.forward(parameterStore, new NDList(first), training).head().tanh());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape states = inputShapes[0];
        return new Shape[] {new Shape(states.get(0), states.get(2))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape states = inputShapes[0];
        dense.initialize(manager, dataType, new Shape(states.get(0), states.get(2)));
    }
}
