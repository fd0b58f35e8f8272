package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A learned lookup table {@code weight} of shape (rows, dim), as PyTorch's {@code nn.Embedding}: integer ids of any
 * shape in, vectors out. The word table is also the masked-LM decoder, so its parameter is exposed for tying.
 */
public final class EmbeddingTable extends AbstractBlock {

    private final int dim;
    private final Parameter weight;

    public EmbeddingTable(int rows, int dim) {
        this.dim = dim;
        this.weight = addParameter(Parameter.builder()
                .setName("weight").setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, dim)).build());
    }

    /** The (rows, dim) table, for a decoder tied to it. */
    public Parameter weight() {
        return weight;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        NDArray table = parameterStore.getValue(weight, ids.getDevice(), training);
        return Embedding.embedding(ids, table, SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
    }
}
