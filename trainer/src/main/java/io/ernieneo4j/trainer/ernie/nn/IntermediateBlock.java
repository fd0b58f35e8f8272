package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The inner half of a feed-forward: {@code gelu(dense(w))} in a plain layer, and in a fusion layer the reference's
 * {@code gelu(dense(w) + dense_ent(e))}, two Linears with their own biases summed before the exact (erf) GELU. For a
 * token without an entity e is 0, so only {@code dense_ent}'s bias reaches it. The entity states come as slots:
 * {@code dense_ent}'s weight is applied to the E slots only and placed on their pieces, its bias is added everywhere.
 *
 * <p>Input: tokens (B, T, H_w) and, in a fusion layer, masked entity slot states (B, E, H_e) and the slots' placement
 * transposed (B, T, E). Output: (B, T, I).
 */
public final class IntermediateBlock extends AbstractBlock {

    private final int intermediateSize;
    private final Linear dense;
    /** Present in fusion layers only. */
    private final Linear entityDense;

    public IntermediateBlock(int intermediateSize, boolean withEntities) {
        this.intermediateSize = intermediateSize;
        this.dense = addChildBlock("dense", Linear.builder().setUnits(intermediateSize).build());
        this.entityDense = withEntities
                ? addChildBlock("dense_ent", Linear.builder().setUnits(intermediateSize).build())
                : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray inner = dense.forward(parameterStore, new NDList(inputs.get(0)), training).head();
        if (entityDense != null) {
            Device device = inner.getDevice();
            PairList<String, Parameter> entityParameters = entityDense.getParameters();
            NDArray weight = parameterStore.getValue(entityParameters.get("weight"), device, training);
            NDArray bias = parameterStore.getValue(entityParameters.get("bias"), device, training);
            NDArray perSlot = Linear.linear(inputs.get(1), weight).head();
            inner = inner.add(inputs.get(2).matMul(perSlot)).add(bias);
        }
        // DJL's PyTorch gelu is torch's default, the exact erf form BERT was trained with.
        return new NDList(Activation.gelu(inner));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        return new Shape[] {tokens.slice(0, tokens.dimension() - 1).add(intermediateSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, inputShapes[0]);
        if (entityDense != null) {
            entityDense.initialize(manager, dataType, inputShapes[1]);
        }
    }
}
