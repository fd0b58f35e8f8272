package io.ernieneo4j.trainer.completion;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RankingMetricsTest {

    @Test
    void averagePrecisionAndPrecisionAtKCountedByHand() {
        // ranked: 0.9 T, 0.8 F, 0.7 T, 0.4 F, 0.2 T
        double[] scores = {0.2, 0.9, 0.4, 0.8, 0.7};
        boolean[] truth = {true, true, false, false, true};
        RankingMetrics m = RankingMetrics.of(scores, truth, 0.5, List.of(1, 2, 10));
        assertThat(m.candidates()).isEqualTo(5);
        assertThat(m.positives()).isEqualTo(3);
        // precision at each true candidate: 1/1, 2/3, 3/5
        assertThat(m.averagePrecision()).isCloseTo((1 + 2.0 / 3 + 3.0 / 5) / 3, within(1e-12));
        assertThat(m.precisionAtK()).containsEntry(1, 1.0).containsEntry(2, 0.5).containsEntry(10, 0.6);
        // at 0.5: 0.9 T, 0.8 F, 0.7 T
        assertThat(m.predicted()).isEqualTo(3);
        assertThat(m.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.meanPredictedScore()).isCloseTo((0.9 + 0.8 + 0.7) / 3, within(1e-12));
        // bins: 0.2 T (|0.2-1|), 0.4 F (0.4), 0.7 T (0.3), 0.8 F (0.8), 0.9 T (0.1)
        assertThat(m.calibrationError()).isCloseTo((0.8 + 0.4 + 0.3 + 0.8 + 0.1) / 5, within(1e-12));
        assertThat(m.toMap()).containsEntry("P@2", 0.5).containsKeys("averagePrecision", "calibrationError");
    }

    @Test
    void nothingTrueGivesZeroesNotNaN() {
        RankingMetrics m = RankingMetrics.of(new double[] {0.3}, new boolean[] {false}, 0.5, List.of(100));
        assertThat(m.averagePrecision()).isZero();
        assertThat(m.precision()).isZero();
        assertThat(m.recall()).isZero();
        assertThat(m.meanPredictedScore()).isZero();
        assertThat(m.precisionAtK()).containsEntry(100, 0.0);
    }
}
