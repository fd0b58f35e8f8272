package io.ernieneo4j.trainer.calibration;

import io.ernieneo4j.trainer.infer.TaskMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TypingEvaluationTest {

    private static final List<String> LABELS = List.of("a", "b", "c");
    /** Logits of ±ln 3: probabilities 3/4 and 1/4. */
    private static final float L = (float) Math.log(3);

    /**
     * Three mentions: gold {a}, predicted {a} (top a); gold {a, b}, predicted {a, c} (top c... no: a and c tie, a
     * first); gold {c}, predicted {} (top b).
     */
    @Test
    void countsByHand() {
        float[][] logits = {{L, -L, -L}, {L, -L, L}, {-2 * L, -L, -3 * L}};
        boolean[][] gold = {{true, false, false}, {true, true, false}, {false, false, true}};
        TypingEvaluation e = TypingEvaluation.of(LABELS, logits, gold, TemperatureScaling.IDENTITY, 0.5);
        // predicted pairs: a, a, c = 3; right: a, a = 2; gold pairs: a, a, b, c = 4
        assertThat(e.micro().precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(e.micro().recall()).isCloseTo(0.5, within(1e-12));
        assertThat(e.micro().f1()).isCloseTo(4.0 / 7, within(1e-12));
        // a: P 1, R 1; b: P 0 (none predicted), R 0; c: P 0, R 0
        assertThat(e.byType()).containsOnlyKeys("a", "b", "c");
        assertThat(e.byType().get("a")).isEqualTo(new TaskMetrics.Scores(1, 1, 1, 2));
        assertThat(e.macro().precision()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(e.macro().recall()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(e.macro().f1()).isCloseTo(1.0 / 3, within(1e-12));
        // top-1: a (right), a (first of the tie, right), b (wrong)
        assertThat(e.top1Accuracy()).isCloseTo(2.0 / 3, within(1e-12));
        // top-1 confidences 3/4, 3/4, 3/4 (sigmoid(-ln 3)... no: 1/4 for b); bins: [0.7, 0.8) holds 2 right,
        // [0.2, 0.3) holds 1 wrong at 1/4: ECE = (|1.5 - 2| + |0.25 - 0|) / 3
        assertThat(e.top1CalibrationError()).isCloseTo((0.5 + 0.25) / 3, within(1e-6));
        assertThat(e.toMap()).containsEntry("mentions", 3L).containsKey("byType");
        assertThat((List<?>) e.toMap().get("byType")).first()
                .isEqualTo(Map.of("type", "a", "support", 2L, "precision", 1.0, "recall", 1.0, "f1", 1.0));
    }

    /** A temperature moves no sigmoid across 0.5: the decisions at 0.5 and the top type stay. */
    @Test
    void aTemperatureChangesNoDecisionAtOneHalf() {
        float[][] logits = {{L, -L, 0.2f}, {-0.1f, -L, L}};
        boolean[][] gold = {{true, false, false}, {false, true, false}};
        TypingEvaluation before = TypingEvaluation.of(LABELS, logits, gold, TemperatureScaling.IDENTITY, 0.5);
        TypingEvaluation after = TypingEvaluation.of(LABELS, logits, gold, new TemperatureScaling(3, 2), 0.5);
        assertThat(after.micro()).isEqualTo(before.micro());
        assertThat(after.top1Accuracy()).isEqualTo(before.top1Accuracy());
        assertThat(after.logLoss()).isNotEqualTo(before.logLoss());
    }
}
