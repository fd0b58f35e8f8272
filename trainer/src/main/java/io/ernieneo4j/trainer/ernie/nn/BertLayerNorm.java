package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * LayerNorm over the last axis with BERT's epsilon inside the square root, its scale and shift named {@code weight}
 * and {@code bias} as in the checkpoints (DJL's own {@link LayerNorm} calls them gamma and beta and needs the axis
 * fixed at build time).
 */
public final class BertLayerNorm extends AbstractBlock {

    private final int size;
    private final float epsilon;
    private final Parameter weight;
    private final Parameter bias;

    public BertLayerNorm(int size, float epsilon) {
        this.size = size;
        this.epsilon = epsilon;
        this.weight = addParameter(Parameter.builder()
                .setName("weight").setType(Parameter.Type.GAMMA).optShape(new Shape(size)).build());
        this.bias = addParameter(Parameter.builder()
                .setName("bias").setType(Parameter.Type.BETA).optShape(new Shape(size)).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        return LayerNorm.layerNorm(input, new Shape(size),
                parameterStore.getValue(weight, input.getDevice(), training),
                parameterStore.getValue(bias, input.getDevice(), training),
                epsilon);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
