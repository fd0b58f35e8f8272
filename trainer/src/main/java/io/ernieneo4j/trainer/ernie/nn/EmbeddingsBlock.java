package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

/**
 * BERT's input embeddings: word + learned position + token type, then LayerNorm and dropout.
 *
 * <p>Input: word-piece ids (B, T) and token types (B, T), both int64. Output: (B, T, H).
 */
public final class EmbeddingsBlock extends AbstractBlock {

    private final int hiddenSize;
    /** The word-piece table; also the masked-LM decoder. */
    private final EmbeddingTable wordEmbeddings;
    private final EmbeddingTable positionEmbeddings;
    private final EmbeddingTable tokenTypeEmbeddings;
    private final BertLayerNorm layerNorm;
    private final Dropout dropout;

    public EmbeddingsBlock(ErnieConfig config) {
        this.hiddenSize = config.hiddenSize();
        this.wordEmbeddings = addChildBlock("word_embeddings", new EmbeddingTable(config.vocabSize(), hiddenSize));
        this.positionEmbeddings =
                addChildBlock("position_embeddings", new EmbeddingTable(config.maxPositions(), hiddenSize));
        this.tokenTypeEmbeddings =
                addChildBlock("token_type_embeddings", new EmbeddingTable(config.typeVocabSize(), hiddenSize));
        this.layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(hiddenSize, config.layerNormEps()));
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
    }

    public EmbeddingTable wordEmbeddings() {
        return wordEmbeddings;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray tokenTypes = inputs.get(1);
        long length = ids.getShape().get(1);
        NDArray positions = ids.getManager().arange(0f, length, 1f, DataType.INT64, ids.getDevice());
        NDArray words = wordEmbeddings.forward(parameterStore, new NDList(ids), training).head();
        // (T, H) broadcasts over the batch
        NDArray position = positionEmbeddings.forward(parameterStore, new NDList(positions), training).head();
        NDArray types = tokenTypeEmbeddings.forward(parameterStore, new NDList(tokenTypes), training).head();
        NDArray summed = words.add(position).add(types);
        NDList normalised = layerNorm.forward(parameterStore, new NDList(summed), training);
        return dropout.forward(parameterStore, normalised, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(hiddenSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        wordEmbeddings.initialize(manager, DataType.FLOAT32, ids);
        positionEmbeddings.initialize(manager, DataType.FLOAT32, ids);
        tokenTypeEmbeddings.initialize(manager, DataType.FLOAT32, ids);
        layerNorm.initialize(manager, dataType, ids.add(hiddenSize));
        dropout.initialize(manager, dataType, ids.add(hiddenSize));
    }
}
