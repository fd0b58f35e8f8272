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
        int h = head * dimensions;
        int r = relation * dimensions;
        int t = tail * dimensions;
        double sum = 0;
        for (int k = 0; k < dimensions; k++) {
            double x = entityVectors[h + k] + relationVectors[r + k] - entityVectors[t + k];
            sum += norm == Norm.L1 ? Math.abs(x) : x * x;
        }
        return norm == Norm.L1 ? sum : Math.sqrt(sum);
    }

    /** Bytes held by the vectors. */
    public long memoryBytes() {
        return (long) Float.BYTES * (entityVectors.length + relationVectors.length);
    }
}
