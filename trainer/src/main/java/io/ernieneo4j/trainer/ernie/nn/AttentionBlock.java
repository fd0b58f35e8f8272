package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

/**
 * A layer's attention sub-layer: token multi-head self-attention with its residual output ({@code self},
 * {@code output}) and, in an aggregator ({@code norm}) layer, the entity multi-head self-attention over H_e with its
 * own residual output and LayerNorm ({@code self_ent}, {@code output_ent}), run in parallel as in the reference.
 *
 * <p>Input: tokens (B, T, H_w), token mask (B, 1, 1, T) and, with the entity side, entity states (B, T, H_e) and the
 * entity mask (B, 1, 1, T), both additive. Output: tokens and, with the entity side, entity states.
 */
public final class AttentionBlock extends AbstractBlock {

    private final SelfAttentionBlock tokenAttention;
    private final ResidualOutputBlock tokenOutput;
    /** Present in aggregator layers only. */
    private final SelfAttentionBlock entityAttention;
    private final ResidualOutputBlock entityOutput;

    public AttentionBlock(ErnieConfig config, boolean withEntities) {
        float eps = config.layerNormEps();
        float dropout = config.dropout();
        this.tokenAttention = addChildBlock("self",
                new SelfAttentionBlock(config.hiddenSize(), config.attentionHeads(), dropout));
        this.tokenOutput = addChildBlock("output", new ResidualOutputBlock(config.hiddenSize(), eps, dropout));
        if (withEntities) {
            this.entityAttention = addChildBlock("self_ent",
                    new SelfAttentionBlock(config.entityDim(), config.entityHeads(), dropout));
            this.entityOutput = addChildBlock("output_ent", new ResidualOutputBlock(config.entityDim(), eps, dropout));
        } else {
            this.entityAttention = null;
            this.entityOutput = null;
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.get(0);
        NDList attended = tokenAttention.forward(parameterStore, new NDList(tokens, inputs.get(1)), training);
        NDArray tokenResult = tokenOutput.forward(parameterStore, attended.addAll(new NDList(tokens)), training).head();
        if (entityAttention == null) {
            return new NDList(tokenResult);
        }
        NDArray entities = inputs.get(2);
        NDList entityAttended = entityAttention.forward(parameterStore, new NDList(entities, inputs.get(3)), training);
        NDArray entityResult = entityOutput.forward(
                parameterStore, entityAttended.addAll(new NDList(entities)), training).head();
        return new NDList(tokenResult, entityResult);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return entityAttention == null
                ? new Shape[] {inputShapes[0]}
                : new Shape[] {inputShapes[0], inputShapes[2]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        tokenAttention.initialize(manager, dataType, inputShapes[0], inputShapes[1]);
        tokenOutput.initialize(manager, dataType, inputShapes[0], inputShapes[0]);
        if (entityAttention != null) {
            entityAttention.initialize(manager, dataType, inputShapes[2], inputShapes[3]);
            entityOutput.initialize(manager, dataType, inputShapes[2], inputShapes[2]);
        }
    }
}
