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
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

/**
 * The outer half of the fusion feed-forward: from the shared inner state h, {@code w = LayerNorm(dropout(dense(h)) +
 * w̃)} and {@code e = LayerNorm_ent(dropout(dense_ent(h)) + ẽ)}. The entity side is computed at the entity slots'
 * pieces only (h is gathered there by the placement). The entity result is not masked here; the next layer masks
 * it again.
 *
 * <p>Input: h (B, T, I), the attended tokens w̃ (B, T, H_w) and, when entity states are wanted, the entity slot
 * states ẽ (B, E, H_e) and the slots' placement (B, E, T). Output: tokens, and entity slot states when asked for.
 */
public final class FusionOutputBlock extends AbstractBlock {

    private final Linear dense;
    private final Linear entityDense;
    private final BertLayerNorm layerNorm;
    private final BertLayerNorm entityLayerNorm;
    /** Dropout before both residuals (stateless, so one block serves both sides). */
    private final Dropout dropout;

    public FusionOutputBlock(ErnieConfig config) {
        this.dense = addChildBlock("dense", Linear.builder().setUnits(config.hiddenSize()).build());
        this.entityDense = addChildBlock("dense_ent", Linear.builder().setUnits(config.entityDim()).build());
        this.layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(config.hiddenSize(), config.layerNormEps()));
        this.entityLayerNorm =
                addChildBlock("LayerNorm_ent", new BertLayerNorm(config.entityDim(), config.layerNormEps()));
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList inner = new NDList(inputs.get(0));
        NDArray tokens = dropout.forward(parameterStore, dense.forward(parameterStore, inner, training), training)
                .head().add(inputs.get(1));
        NDArray tokensOut = layerNorm.forward(parameterStore, new NDList(tokens), training).head();
        if (inputs.size() < 4) {
            return new NDList(tokensOut);
        }
        NDList atSlots = new NDList(inputs.get(3).matMul(inputs.get(0)));
        NDArray entities = dropout.forward(parameterStore, entityDense.forward(parameterStore, atSlots, training),
                training).head().add(inputs.get(2));
        return new NDList(tokensOut, entityLayerNorm.forward(parameterStore, new NDList(entities), training).head());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes.length < 4
                ? new Shape[] {inputShapes[1]}
                : new Shape[] {inputShapes[1], inputShapes[2]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, inputShapes[0]);
        entityDense.initialize(manager, dataType, inputShapes[0]);
        layerNorm.initialize(manager, dataType, inputShapes[1]);
        entityLayerNorm.initialize(manager, dataType, inputShapes[2]);
        dropout.initialize(manager, dataType, inputShapes[1]);
    }
}
