package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

/**
 * The denoising entity auto-encoder's head ({@code cls.predictions_ent}):
 * {@code p(e_j | w_i) = softmax_j(LayerNorm(gelu(dense(w_i))) · e_j)} over the batch's unique entities, with no
 * output bias. Candidate 0 is the zero "no entity" row, so its logit is the constant 0 (it is never a target): the
 * logits are (N, 1 + C) and the target of candidate j is j + 1.
 *
 * <p>Input: the final token states at aligned positions (N, H_w) and the candidates' frozen vectors (C, H_e).
 * Output: logits (N, 1 + C).
 */
public final class EntityPredictionHead extends AbstractBlock {

    private final Linear dense;
    private final BertLayerNorm layerNorm;

    public EntityPredictionHead(ErnieConfig config) {
        this.dense = addChildBlock("transform.dense", Linear.builder().setUnits(config.entityDim()).build());
        this.layerNorm = addChildBlock("transform.LayerNorm",
                new BertLayerNorm(config.entityDim(), config.layerNormEps()));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray states = inputs.get(0);
        NDArray candidates = inputs.get(1);
        NDArray transformed = Activation.gelu(dense.forward(parameterStore, new NDList(states), training).head());
        transformed = layerNorm.forward(parameterStore, new NDList(transformed), training).head();
        NDArray noEntity = candidates.getManager().zeros(
                new Shape(1, candidates.getShape().get(1)), candidates.getDataType(), candidates.getDevice());
        NDArray withNoEntity = NDArrays.concat(new NDList(noEntity, candidates), 0);
        return new NDList(transformed.matMul(withNoEntity.transpose()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[1].get(0) + 1)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, inputShapes[0]);
        layerNorm.initialize(manager, dataType, new Shape(inputShapes[0].get(0), inputShapes[1].get(1)));
    }
}
