package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.junit.jupiter.api.Test;

import java.util.List;

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
}
