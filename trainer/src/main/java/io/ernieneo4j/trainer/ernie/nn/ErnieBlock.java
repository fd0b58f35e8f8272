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
import io.ernieneo4j.trainer.ernie.config.LayerType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The ERNIE encoder: BERT embeddings, the T-Encoder ({@code sim} layers) and the K-Encoder ({@code mix} then
 * {@code norm} layers), and the pooler. With only {@code sim} layers it is exactly a Hugging Face BERT.
 *
 * <p>Children carry the reference's module names ({@code embeddings}, {@code encoder.layer.N}, {@code pooler}, and
 * inside them {@code attention.self_ent}, {@code intermediate.dense_ent}, ...), so checkpoint names follow from the
 * block tree; see {@code ParameterNames}.
 *
 * <p>Input: word-piece ids (B, T) int64, token types (B, T) int64, attention mask (B, T) (1 = token, 0 = padding)
 * and, when the encoder has a K-Encoder, the entity slots of {@code EncoderBatch}: vectors (B, E, H_e), slot mask
 * (B, E) and placement on the pieces (B, E, T). Slot 0 is the [CLS] slot, so no row of the entity attention is fully
 * masked. The entity side runs over the E slots only; the reference runs it over all T positions and masks all but
 * these, which gives the same tokens. Output: the last layer's tokens (B, T, H_w) and the pooled [CLS] (B, H_w). The
 * last layer's entity states are not computed: nothing reads them (the reference computes them and freezes their
 * weights as unused).
 */
public final class ErnieBlock extends AbstractBlock {

    /** BERT's additive mask value (not -inf), for token and entity attention. */
    public static final float MASKED = -10_000f;

    private final ErnieConfig config;
    private final EmbeddingsBlock embeddings;
    private final List<ErnieLayerBlock> layers;
    private final PoolerBlock pooler;

    public ErnieBlock(ErnieConfig config) {
        this.config = config;
        this.embeddings = addChildBlock("embeddings", new EmbeddingsBlock(config));
        List<ErnieLayerBlock> encoderLayers = new ArrayList<>();
        List<LayerType> types = config.layerTypes();
        for (int i = 0; i < types.size(); i++) {
            boolean last = i == types.size() - 1;
            encoderLayers.add(addChildBlock("encoder.layer." + i, new ErnieLayerBlock(config, types.get(i), !last)));
        }
        this.layers = Collections.unmodifiableList(encoderLayers);
        this.pooler = addChildBlock("pooler", new PoolerBlock(config.hiddenSize()));
    }

    public ErnieConfig config() {
        return config;
    }

    /** The word-piece table, the masked-LM decoder's tied weight. */
    public EmbeddingTable wordEmbeddings() {
        return embeddings.wordEmbeddings();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return encode(parameterStore, inputs, training, false);
    }

    /**
     * Inference keeping the token states after every layer (B, T, H_w) each, then the pooled [CLS]: what the golden
     * test compares with the reference's {@code output_all_encoded_layers}.
     */
    NDList everyLayer(ParameterStore parameterStore, NDList inputs) {
        return encode(parameterStore, inputs, false, true);
    }

    private NDList encode(ParameterStore parameterStore, NDList inputs, boolean training, boolean everyLayer) {
        boolean withEntities = config.hasKnowledgeEncoder();
        int expected = withEntities ? 6 : 3;
        if (inputs.size() != expected) {
            throw new IllegalArgumentException("An encoder " + (withEntities ? "with" : "without")
                    + " a K-Encoder takes " + expected + " inputs (ids, token types, attention mask"
                    + (withEntities ? ", entity slot vectors, slot mask, slot placement" : "") + "), got "
                    + inputs.size() + ".");
        }
        try (NDManager scope = NDManager.subManagerOf(inputs.head())) {
            scope.tempAttachAll(inputs);
            NDArray ids = inputs.get(0);
            long batch = ids.getShape().get(0);
            long length = ids.getShape().get(1);
            NDArray tokenMask = additive(inputs.get(2), batch, length);
            NDArray states = embeddings.forward(parameterStore, new NDList(ids, inputs.get(1)), training).head();
            NDList layerInputs;
            if (withEntities) {
                NDArray slotMask = inputs.get(4).toType(DataType.FLOAT32, false);
                long slots = slotMask.getShape().get(1);
                NDArray placement = inputs.get(5).toType(DataType.FLOAT32, false);
                NDArray slotVectors = config.entityScale() == 1f ? inputs.get(3)
                        : inputs.get(3).mul(config.entityScale());
                layerInputs = new NDList(states, tokenMask, slotVectors, additive(slotMask, batch, slots),
                        slotMask.reshape(batch, slots, 1), placement, placement.transpose(0, 2, 1));
            } else {
                layerInputs = new NDList(states, tokenMask);
            }
            NDList outputs = new NDList();
            for (ErnieLayerBlock layer : layers) {
                NDList out = layer.forward(parameterStore, layerInputs, training);
                layerInputs.set(0, out.get(0));
                if (withEntities) {
                    layerInputs.set(2, out.get(1));
                }
                if (everyLayer) {
                    outputs.add(out.get(0));
                }
            }
            NDArray sequence = layerInputs.get(0);
            if (!everyLayer) {
                outputs.add(sequence);
            }
            outputs.add(pooler.forward(parameterStore, new NDList(sequence), training).head());
            return scope.ret(outputs);
        }
    }

    /** (B, T) of 1/0 to (B, 1, 1, T) of 0/-10000, broadcast over heads and queries. */
    private static NDArray additive(NDArray mask, long batch, long length) {
        return mask.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED).reshape(batch, 1, 1, length);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        Shape tokens = ids.add(config.hiddenSize());
        return new Shape[] {tokens, new Shape(ids.get(0), config.hiddenSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        embeddings.initialize(manager, dataType, ids, ids);
        Shape tokens = ids.add(config.hiddenSize());
        Shape mask = new Shape(ids.get(0), 1, 1, ids.get(1));
        for (ErnieLayerBlock layer : layers) {
            if (config.hasKnowledgeEncoder()) {
                Shape slots = inputShapes[3];
                long batch = slots.get(0);
                long slotCount = slots.get(1);
                layer.initialize(manager, dataType, tokens, mask, slots, new Shape(batch, 1, 1, slotCount),
                        new Shape(batch, slotCount, 1), new Shape(batch, slotCount, ids.get(1)),
                        new Shape(batch, ids.get(1), slotCount));
            } else {
                layer.initialize(manager, dataType, tokens, mask);
            }
        }
        pooler.initialize(manager, dataType, tokens);
    }
}
