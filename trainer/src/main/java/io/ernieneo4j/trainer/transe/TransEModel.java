package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.transe.TransEParameters.Norm;

import java.util.Arrays;

/**
 * Trained TransE embeddings: entity and relation vectors, row-major in flat float arrays, and the norm that scores
 * them. A triple's distance is {@code ||h + r - t||}; lower is more plausible.
 */
public record TransEModel(int dimensions, Norm norm, float[] entityVectors, float[] relationVectors) {

    public TransEModel {
        if (entityVectors.length % dimensions != 0 || relationVectors.length % dimensions != 0) {
            throw new IllegalArgumentException("Vector arrays are not a whole number of " + dimensions + "-d rows");
        }
    }

    public int entityCount() {
        return entityVectors.length / dimensions;
    }

    public int relationCount() {
        return relationVectors.length / dimensions;
    }

    public float[] entity(int id) {
        return Arrays.copyOfRange(entityVectors, id * dimensions, (id + 1) * dimensions);
    }

    public float[] relation(int id) {
        return Arrays.copyOfRange(relationVectors, id * dimensions, (id + 1) * dimensions);
    }

    /** {@code ||h + r - t||} under the model's norm (L2 is the Euclidean distance, not its square). */
    public double distance(int head, int relation, int tail) {
        float[] query = new float[dimensions];
        TransEDistance.query(this, head, relation, true, query, 0);
        return TransEDistance.distance(TransEDistance.score(query, 0, entityVectors, tail * dimensions, dimensions,
                norm == Norm.L1), norm);
    }

    /** Bytes held by the vectors. */
    public long memoryBytes() {
        return (long) Float.BYTES * (entityVectors.length + relationVectors.length);
    }
}
