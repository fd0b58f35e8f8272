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
 * Scaled dot-product multi-head self-attention (BERT's {@code BertSelfAttention}): query, key and value projections,
 * softmax over the keys with an additive mask, dropout on the probabilities, heads concatenated. The token side
 * runs it with H_w and 12 heads, the entity side ({@code self_ent}) with H_e = 100 and 4 heads.
 *
 * <p>Input: states (B, T, D) and the additive key mask (B, 1, 1, T) holding 0 or -10000. Output: (B, T, D).
 */
public final class SelfAttentionBlock extends AbstractBlock {

    private final int size;
    private final int heads;
    private final int headSize;
    private final float scale;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    /** Dropout on the attention probabilities. */
    private final Dropout dropout;

    public SelfAttentionBlock(int size, int heads, float dropoutRate) {
        this.size = size;
        this.heads = heads;
        this.headSize = size / heads;
        this.scale = (float) (1.0 / Math.sqrt(headSize));
        this.query = addChildBlock("query", Linear.builder().setUnits(size).build());
        this.key = addChildBlock("key", Linear.builder().setUnits(size).build());
        this.value = addChildBlock("value", Linear.builder().setUnits(size).build());
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray states = inputs.get(0);
        NDArray additiveMask = inputs.get(1);
        Shape shape = states.getShape();
        long batch = shape.get(0);
        long length = shape.get(1);
        NDArray q = splitHeads(query.forward(parameterStore, new NDList(states), training).head(), batch, length);
        NDArray k = splitHeads(key.forward(parameterStore, new NDList(states), training).head(), batch, length);
        NDArray v = splitHeads(value.forward(parameterStore, new NDList(states), training).head(), batch, length);
        // (B, heads, T, T): every query against every key, masked keys pushed to -10000 before the softmax
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(additiveMask);
        NDArray probabilities = dropout.forward(parameterStore, new NDList(scores.softmax(-1)), training).head();
        NDArray context = probabilities.matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, size);
        return new NDList(context);
    }

    private NDArray splitHeads(NDArray projected, long batch, long length) {
        return projected.reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape states = inputShapes[0];
        query.initialize(manager, dataType, states);
        key.initialize(manager, dataType, states);
        value.initialize(manager, dataType, states);
        dropout.initialize(manager, dataType, states);
    }
}
