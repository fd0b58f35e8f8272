package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.transe.TransEParameters.Norm;

import java.util.Arrays;

/**
 * TransE's distance {@code ||h + r - t||} as every ranking computes it: the model's {@link TransEModel#distance},
 * link prediction ({@link LinkPredictor}) and its evaluation ({@link LinkPredictionEvaluator}).
 *
 * <p>Both sides of a triple reduce to {@code ||q - e||}: predicting tails, {@code q = h + r}; predicting heads,
 * {@code q = t - r}. The <em>score</em> is the L1 distance or the squared L2 distance, summed in float, dimension 0,
 * 1, 2, ... in order, in {@link #score} and in the tiled kernels alike, so that equal distances are equal scores
 * (ties). {@link #distance(float, Norm)} turns a score into the distance a user sees.
 *
 * <p>Training keeps its own fused loss score in {@link TransE}: it reads the live parameters in the SGD loop and
 * sums with four accumulators for speed, an order the ranking must not use.
 */
final class TransEDistance {

    /** Entities per tile: a tile of 100-d vectors (200 KB) stays in L2 while a group of queries passes over it. */
    static final int TILE = 512;

    private TransEDistance() {}

    /** Writes the query of {@code entity} under {@code relation} at {@code out[offset...]}: h + r or t - r. */
    static void query(TransEModel model, int entity, int relation, boolean tails, float[] out, int offset) {
        int dim = model.dimensions();
        float[] entities = model.entityVectors();
        float[] relations = model.relationVectors();
        int e = entity * dim;
        int r = relation * dim;
        if (tails) {
            for (int k = 0; k < dim; k++) out[offset + k] = entities[e + k] + relations[r + k];
        } else {
            for (int k = 0; k < dim; k++) out[offset + k] = entities[e + k] - relations[r + k];
        }
    }

    /** The score of query {@code q[qo...]} against the vector at {@code vectors[offset...]}. */
    static float score(float[] q, int qo, float[] vectors, int offset, int dim, boolean l1) {
        float s = 0;
        for (int k = 0; k < dim; k++) {
            float x = q[qo + k] - vectors[offset + k];
            s += l1 ? Math.abs(x) : x * x;
        }
        return s;
    }

    /** The distance a score stands for: the L1 distance itself, or the square root of the squared L2 one. */
    static double distance(float score, Norm norm) {
        return norm == Norm.L1 ? score : Math.sqrt(score);
    }

    /** Copies entities {@code [start, start + length)} into {@code tile}, dimension-major. */
    static void transpose(float[] entities, int start, int length, int dim, float[][] tile) {
        for (int i = 0; i < length; i++) {
            int offset = (start + i) * dim;
            for (int k = 0; k < dim; k++) {
                tile[k][i] = entities[offset + k];
            }
        }
    }

    /** The scores of query {@code q[qo...]} against the first {@code length} entities of a transposed tile. */
    static void scores(float[][] tile, int length, float[] q, int qo, int dim, boolean l1, float[] scores) {
        if (l1) {
            l1Scores(tile, length, q, qo, dim, scores);
        } else {
            squaredL2Scores(tile, length, q, qo, dim, scores);
        }
    }

    /*
     * The kernels: one query against a tile of entities. The loop over entities is element-wise (the query's
     * coordinate is a constant), which C2 vectorises (AVX2/AVX-512), provided every array in it is indexed by the
     * loop variable alone: with an offset (column k of one flat array) C2 cannot rule out that the sums and the
     * column overlap and keeps the loop scalar, 6x slower. Hence one array per dimension. Four dimensions per pass
     * save loads and stores of the sums; each entity's sum still adds dimension 0, 1, 2, ... in order, exactly as
     * score(...) does, so equal distances stay equal (ties).
     */

    private static void l1Scores(float[][] tile, int length, float[] q, int qo, int dim, float[] scores) {
        Arrays.fill(scores, 0, length, 0f);
        int k = 0;
        for (; k + 4 <= dim; k += 4) {
            float q0 = q[qo + k];
            float q1 = q[qo + k + 1];
            float q2 = q[qo + k + 2];
            float q3 = q[qo + k + 3];
            float[] c0 = tile[k];
            float[] c1 = tile[k + 1];
            float[] c2 = tile[k + 2];
            float[] c3 = tile[k + 3];
            for (int i = 0; i < length; i++) {
                float s = scores[i];
                s += Math.abs(q0 - c0[i]);
                s += Math.abs(q1 - c1[i]);
                s += Math.abs(q2 - c2[i]);
                s += Math.abs(q3 - c3[i]);
                scores[i] = s;
            }
        }
        for (; k < dim; k++) {
            float qk = q[qo + k];
            float[] c = tile[k];
            for (int i = 0; i < length; i++) {
                scores[i] += Math.abs(qk - c[i]);
            }
        }
    }

    private static void squaredL2Scores(float[][] tile, int length, float[] q, int qo, int dim, float[] scores) {
        Arrays.fill(scores, 0, length, 0f);
        int k = 0;
        for (; k + 4 <= dim; k += 4) {
            float q0 = q[qo + k];
            float q1 = q[qo + k + 1];
            float q2 = q[qo + k + 2];
            float q3 = q[qo + k + 3];
            float[] c0 = tile[k];
            float[] c1 = tile[k + 1];
            float[] c2 = tile[k + 2];
            float[] c3 = tile[k + 3];
            for (int i = 0; i < length; i++) {
                float s = scores[i];
                float x0 = q0 - c0[i];
                s += x0 * x0;
                float x1 = q1 - c1[i];
                s += x1 * x1;
                float x2 = q2 - c2[i];
                s += x2 * x2;
                float x3 = q3 - c3[i];
                s += x3 * x3;
                scores[i] = s;
            }
        }
        for (; k < dim; k++) {
            float qk = q[qo + k];
            float[] c = tile[k];
            for (int i = 0; i < length; i++) {
                float x = qk - c[i];
                scores[i] += x * x;
            }
        }
    }
}
