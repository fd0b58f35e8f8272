package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LinkPredictionEvaluatorTest {

    /** 1-d embeddings on a line: entity e sits at e, the relation adds 1, so (e, 0, e + 1) is at distance 0. */
    private static TransEModel line(int entities) {
        float[] vectors = new float[entities];
        for (int e = 0; e < entities; e++) vectors[e] = e;
        return new TransEModel(1, Norm.L1, vectors, new float[] {1f});
    }

    @Test
    void ranksByDistanceRawAndFiltered() {
        TransEModel model = line(10);
        // test (2, 0, 3): perfect both ways. Known also (2, 0, 4): no effect, it is farther.
        TripleStore test = TransETest.store(10, 1, List.of(new int[] {2, 0, 3}));
        TripleStore known = TransETest.store(10, 1, List.of(new int[] {2, 0, 3}, new int[] {2, 0, 4}));
        var report = new LinkPredictionEvaluator(model, known, 1, Termination.ALWAYS).evaluate(test, false);
        assertThat(report.filtered().mrr()).isEqualTo(1.0);
        assertThat(report.raw().meanRank()).isEqualTo(1.0);
    }

    @Test
    void filteringSkipsOtherTrueTriplesAndTiesShareTheirMeanRank() {
        TransEModel model = line(10);
        // test (2, 0, 5): true tail 5 is at distance 2; tails 3 (distance 0) better, 2 and 4 (distance 1) better,
        // 1 and 5... 1 is at distance 2: a tie. Raw tail rank = 1 + 3 better + 1 tie / 2 = 4.5.
        TripleStore test = TransETest.store(10, 1, List.of(new int[] {2, 0, 5}));
        // (2, 0, 3) is a known fact: filtered away; filtered tail rank = 1 + 2 + 0.5 = 3.5
        TripleStore known = TransETest.store(10, 1, List.of(new int[] {2, 0, 5}, new int[] {2, 0, 3}));
        var report = new LinkPredictionEvaluator(model, known, 1, Termination.ALWAYS).evaluate(test, false);
        assertThat(report.rawTail().meanRank()).isEqualTo(4.5);
        assertThat(report.filteredTail().meanRank()).isEqualTo(3.5);
        // head side: q = t - r = 4; heads 4 (0), 3 and 5 (1), 2 is the truth at 2, 6 ties: 1 + 3 + 0.5
        assertThat(report.rawHead().meanRank()).isEqualTo(4.5);
        assertThat(report.filtered().mrr()).isCloseTo((1 / 3.5 + 1 / 4.5) / 2, within(1e-12));
        assertThat(report.filtered().hitsAt3()).isZero();
        assertThat(report.filtered().hitsAt10()).isEqualTo(1.0);
    }

    @Test
    void aConstantModelRanksLikeChance() {
        TransEModel constant = new TransEModel(2, Norm.L2, new float[2 * 101], new float[2]);
        TripleStore test = TransETest.store(101, 1, List.of(new int[] {0, 0, 1}, new int[] {5, 0, 9}));
        var report = new LinkPredictionEvaluator(constant, test, 2, Termination.ALWAYS).evaluate(test, false);
        assertThat(report.raw().meanRank()).isEqualTo(51.0); // 1 + 100 ties / 2
    }

    /**
     * The tiled evaluator against the protocol written out naively (every entity scored one by one, dimensions added
     * in order): the same ranks, raw and filtered, both sides. Several tiles and query groups, a ragged last one of
     * each, a dimension that is not a multiple of 4; quantised vectors make many exact ties.
     */
    @ParameterizedTest
    @CsvSource({"L1, 7, true", "L1, 13, false", "L2, 7, true", "L2, 13, false"})
    void givesTheRanksOfTheNaiveProtocol(Norm norm, int dim, boolean quantised) {
        int entities = 1300;
        int relations = 3;
        Random random = new Random(dim * 31L + (quantised ? 1 : 0));
        float[] vectors = new float[entities * dim];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = quantised ? random.nextInt(5) * 0.25f : (float) random.nextGaussian();
        }
        float[] relationVectors = new float[relations * dim];
        for (int i = 0; i < relationVectors.length; i++) {
            relationVectors[i] = quantised ? (random.nextInt(3) - 1) * 0.25f : (float) random.nextGaussian() * 0.1f;
        }
        TransEModel model = new TransEModel(dim, norm, vectors, relationVectors);
        // few heads and tails, so that many test triples have other known answers to filter
        Set<List<Integer>> known = new HashSet<>();
        List<int[]> knownTriples = new ArrayList<>();
        List<int[]> testTriples = new ArrayList<>();
        while (knownTriples.size() < 900) {
            int[] t = {random.nextInt(40), random.nextInt(relations), random.nextInt(entities)};
            if (known.add(List.of(t[0], t[1], t[2]))) {
                knownTriples.add(t);
                if (knownTriples.size() % 5 == 0) testTriples.add(t);
            }
        }
        TripleStore knownStore = TransETest.store(entities, relations, knownTriples);
        TripleStore testStore = TransETest.store(entities, relations, testTriples);

        var report = new LinkPredictionEvaluator(model, knownStore, 1, Termination.ALWAYS).evaluate(testStore, true);
        var expected = naive(model, knownStore, testStore);
        assertThat(report.rawHead()).isEqualTo(expected[0]);
        assertThat(report.rawTail()).isEqualTo(expected[1]);
        assertThat(report.filteredHead()).isEqualTo(expected[2]);
        assertThat(report.filteredTail()).isEqualTo(expected[3]);
        // two threads: the same counts, sums merged in another order
        var parallel = new LinkPredictionEvaluator(model, knownStore, 2, Termination.ALWAYS).evaluate(testStore, true);
        assertThat(parallel.filtered().hitsAt10()).isEqualTo(report.filtered().hitsAt10());
        assertThat(parallel.filtered().hitsAt1()).isEqualTo(report.filtered().hitsAt1());
        assertThat(parallel.raw().meanRank()).isCloseTo(report.raw().meanRank(), within(1e-9));
        assertThat(parallel.filtered().mrr()).isCloseTo(report.filtered().mrr(), within(1e-12));
        assertThat(parallel.filteredByRelation()).hasSameSizeAs(report.filteredByRelation());
    }

    /** Raw head, raw tail, filtered head, filtered tail, computed entity by entity. */
    private static LinkPredictionMetrics[] naive(TransEModel model, TripleStore known, TripleStore test) {
        var accumulators = new LinkPredictionMetrics.Accumulator[4];
        for (int i = 0; i < 4; i++) accumulators[i] = new LinkPredictionMetrics.Accumulator();
        int dim = model.dimensions();
        for (int i = 0; i < test.size(); i++) {
            int h = test.head(i);
            int r = test.relation(i);
            int t = test.tail(i);
            for (boolean tailSide : new boolean[] {true, false}) {
                float[] q = new float[dim];
                for (int k = 0; k < dim; k++) {
                    float rk = model.relationVectors()[r * dim + k];
                    q[k] = tailSide ? model.entityVectors()[h * dim + k] + rk : model.entityVectors()[t * dim + k] - rk;
                }
                int truth = tailSide ? t : h;
                Set<Integer> others = new HashSet<>();
                for (int answer : tailSide ? known.tailsOf(h, r) : known.headsOf(r, t)) {
                    if (answer != truth) others.add(answer);
                }
                float trueScore = naiveScore(model, q, truth);
                int better = 0, ties = 0, filteredBetter = 0, filteredTies = 0;
                for (int e = 0; e < model.entityCount(); e++) {
                    if (e == truth) continue;
                    float s = naiveScore(model, q, e);
                    int below = s < trueScore ? 1 : 0;
                    int level = s == trueScore ? 1 : 0;
                    better += below;
                    ties += level;
                    if (!others.contains(e)) {
                        filteredBetter += below;
                        filteredTies += level;
                    }
                }
                accumulators[tailSide ? 1 : 0].add(1 + better + ties / 2.0);
                accumulators[tailSide ? 3 : 2].add(1 + filteredBetter + filteredTies / 2.0);
            }
        }
        var metrics = new LinkPredictionMetrics[4];
        for (int i = 0; i < 4; i++) metrics[i] = accumulators[i].metrics();
        return metrics;
    }

    private static float naiveScore(TransEModel model, float[] q, int entity) {
        float s = 0;
        for (int k = 0; k < q.length; k++) {
            float x = q[k] - model.entityVectors()[entity * q.length + k];
            s += model.norm() == Norm.L1 ? Math.abs(x) : x * x;
        }
        return s;
    }
}
