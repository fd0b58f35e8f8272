package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;

/**
 * One encoder layer, typed as in the reference:
 * <ul>
 *   <li>{@code sim}: a BERT layer; entity states pass through unchanged.</li>
 *   <li>{@code mix}: token attention, then the fusion of the attended tokens with the raw entity vectors, masked.</li>
 *   <li>{@code norm}: token and entity attention in parallel, the entity result masked, then the fusion.</li>
 * </ul>
 *
 * <p>Input: tokens (B, T, H_w), the additive token mask (B, 1, 1, T) and, in an ERNIE, the entity slot states
 * (B, E, H_e), the additive slot mask (B, 1, 1, E), the multiplicative slot mask (B, E, 1), and the slots' placement
 * on the pieces (B, E, T) and its transpose (B, T, E). Output: tokens and, when entity states came in, entity slot
 * states (passed through unchanged by a {@code sim} layer; not computed by the last layer, where nothing reads them).
 */
public final class ErnieLayerBlock extends AbstractBlock {

    private final LayerType type;
    private final AttentionBlock attention;
    private final IntermediateBlock intermediate;
    /** A {@link ResidualOutputBlock} in a plain layer, a {@link FusionOutputBlock} in a fusion layer. */
    private final Block output;

    /** Whether this layer's fusion output computes entity states; false in the last layer. */
    private final boolean entityOutput;

    public ErnieLayerBlock(ErnieConfig config, LayerType type, boolean entityOutput) {
        this.type = type;
        this.entityOutput = entityOutput;
        this.attention = addChildBlock("attention", new AttentionBlock(config, type == LayerType.NORM));
        this.intermediate = addChildBlock("intermediate",
                new IntermediateBlock(config.intermediateSize(), type.fuses()));
        this.output = addChildBlock("output", type.fuses()
                ? new FusionOutputBlock(config)
                : new ResidualOutputBlock(config.hiddenSize(), config.layerNormEps(), config.dropout()));
    }

    public LayerType type() {
        return type;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.get(0);
        NDArray tokenMask = inputs.get(1);
        if (type == LayerType.SIM) {
            NDArray attended = attention.forward(parameterStore, new NDList(tokens, tokenMask), training).head();
            NDList inner = intermediate.forward(parameterStore, new NDList(attended), training);
            NDArray result = output.forward(parameterStore, inner.addAll(new NDList(attended)), training).head();
            NDList outputs = new NDList(result);
            if (inputs.size() > 2) {
                outputs.add(inputs.get(2));
            }
            return outputs;
        }
        NDArray entities = inputs.get(2);
        NDArray entityMask = inputs.get(4);
        NDArray attended;
        NDArray maskedEntities;
        if (type == LayerType.MIX) {
            attended = attention.forward(parameterStore, new NDList(tokens, tokenMask), training).head();
            maskedEntities = entities.mul(entityMask);
        } else {
            NDList both = attention.forward(
                    parameterStore, new NDList(tokens, tokenMask, entities, inputs.get(3)), training);
            attended = both.get(0);
            maskedEntities = both.get(1).mul(entityMask);
        }
        NDArray inner = intermediate.forward(
                parameterStore, new NDList(attended, maskedEntities, inputs.get(6)), training).head();
        NDList fusionInputs = new NDList(inner, attended);
        if (entityOutput) {
            fusionInputs.add(maskedEntities);
            fusionInputs.add(inputs.get(5));
        }
        NDList outputs = output.forward(parameterStore, fusionInputs, training);
        if (!entityOutput) {
            outputs.add(maskedEntities); // unused by any later layer: this is the last one
        }
        return outputs;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes.length > 2
                ? new Shape[] {inputShapes[0], inputShapes[2]}
                : new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        Shape tokenMask = inputShapes[1];
        if (type == LayerType.NORM) {
            attention.initialize(manager, dataType, tokens, tokenMask, inputShapes[2], inputShapes[3]);
        } else {
            attention.initialize(manager, dataType, tokens, tokenMask);
        }
        Shape inner = intermediate.getOutputShapes(new Shape[] {tokens})[0];
        if (type.fuses()) {
            intermediate.initialize(manager, dataType, tokens, inputShapes[2]);
            output.initialize(manager, dataType, inner, tokens, inputShapes[2], inputShapes[5]);
        } else {
            intermediate.initialize(manager, dataType, tokens);
            output.initialize(manager, dataType, inner, tokens);
        }
    }
}
