package io.ernieneo4j.trainer.infer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The metrics against small examples worked out by hand. */
class MetricsTest {

    private static final LabelSet TYPES = new LabelSet(List.of("a", "b", "c"));

    @Test
    void typingScoresMatchTheHandComputedValues() {
        // gold / predicted: {a}/{a}, {a,b}/{a}, {c}/{b}, {b}/{b,c}
        List<int[]> gold = List.of(new int[] {0}, new int[] {0, 1}, new int[] {2}, new int[] {1});
        List<int[]> predicted = List.of(new int[] {0}, new int[] {0}, new int[] {1}, new int[] {1, 2});
        TypingMetrics metrics = TypingMetrics.of(TYPES, gold, predicted);

        assertThat(metrics.strictAccuracy()).isEqualTo(0.25); // only the first example is exact
        // pairs: 3 right of 5 predicted and 5 gold
        assertThat(metrics.micro().precision()).isCloseTo(0.6, within(1e-12));
        assertThat(metrics.micro().recall()).isCloseTo(0.6, within(1e-12));
        assertThat(metrics.micro().f1()).isCloseTo(0.6, within(1e-12));
        // per example: P = (1 + 1 + 0 + 1/2) / 4 = 0.625, R = (1 + 1/2 + 0 + 1) / 4 = 0.625
        assertThat(metrics.looseMacro().precision()).isCloseTo(0.625, within(1e-12));
        assertThat(metrics.looseMacro().recall()).isCloseTo(0.625, within(1e-12));
        // per type: a P 2/2 R 2/2 -> 1; b P 1/2 R 1/2 -> 0.5; c P 0/1 R 0/1 -> 0; mean 0.5
        assertThat(metrics.perLabel().get("a").f1()).isEqualTo(1.0);
        assertThat(metrics.perLabel().get("b").f1()).isCloseTo(0.5, within(1e-12));
        assertThat(metrics.perLabel().get("c").f1()).isEqualTo(0.0);
        assertThat(metrics.macroF1()).isCloseTo(0.5, within(1e-12));
        assertThat(metrics.headline()).isEqualTo(metrics.micro().f1());
    }

    @Test
    void typingDecisionTakesEveryPositiveLogitOrElseTheTopOne() {
        assertThat(TypingMetrics.decide(new float[] {0.3f, -1f, 2f}, 0f)).containsExactly(0, 2);
        assertThat(TypingMetrics.decide(new float[] {-3f, -0.5f, -2f}, 0f)).containsExactly(1);
    }

    @Test
    void relationScoresMatchTheHandComputedValues() {
        LabelSet relations = new LabelSet(List.of("x", "y", "z"));
        // gold x x x y y z, predicted x x y y z z
        int[] gold = {0, 0, 0, 1, 1, 2};
        int[] predicted = {0, 0, 1, 1, 2, 2};
        RelationMetrics metrics = RelationMetrics.of(relations, gold, predicted);

        assertThat(metrics.confusion()).isDeepEqualTo(new int[][] {{2, 1, 0}, {0, 1, 1}, {0, 0, 1}});
        assertThat(metrics.accuracy()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(metrics.micro().f1()).isCloseTo(4 / 6.0, within(1e-12)); // no no_relation: micro F1 = accuracy
        // x: P 2/2 R 2/3 F1 0.8; y: P 1/2 R 1/2 F1 0.5; z: P 1/2 R 1/1 F1 2/3
        assertThat(metrics.perLabel().get("x").f1()).isCloseTo(0.8, within(1e-12));
        assertThat(metrics.perLabel().get("y").f1()).isCloseTo(0.5, within(1e-12));
        assertThat(metrics.perLabel().get("z").f1()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(metrics.macroF1()).isCloseTo((0.8 + 0.5 + 2 / 3.0) / 3, within(1e-12));
    }

    @Test
    void noRelationIsLeftOutOfMicroAndMacroScores() {
        LabelSet relations = new LabelSet(List.of("no_relation", "p"));
        // gold: p p no no, predicted: p no p no -> for p: tp 1, predicted 2, gold 2
        RelationMetrics metrics = RelationMetrics.of(relations, new int[] {1, 1, 0, 0}, new int[] {1, 0, 1, 0});
        assertThat(metrics.micro().precision()).isEqualTo(0.5);
        assertThat(metrics.micro().recall()).isEqualTo(0.5);
        assertThat(metrics.macroF1()).isEqualTo(0.5);
        assertThat(metrics.accuracy()).isEqualTo(0.5);
    }
}
