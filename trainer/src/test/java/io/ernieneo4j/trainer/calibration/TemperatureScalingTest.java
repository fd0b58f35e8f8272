package io.ernieneo4j.trainer.calibration;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TemperatureScalingTest {

    /** Labels drawn from sigmoid(z / 2.5): a model whose logits are 2.5 times too confident. */
    @Test
    void recoversTheTemperatureThatGeneratedTheLabels() {
        Random random = new Random(3);
        int n = 20_000;
        float[][] logits = new float[n][2];
        boolean[][] gold = new boolean[n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                logits[i][j] = (float) (random.nextGaussian() * 6);
                gold[i][j] = random.nextDouble() < 1 / (1 + Math.exp(-logits[i][j] / 2.5));
            }
        }
        TemperatureScaling fit = TemperatureScaling.fitSigmoid(logits, gold);
        assertThat(fit.temperature()).isCloseTo(2.5, within(0.15));
        assertThat(fit.fittedOn()).isEqualTo(n);
        assertThat(TemperatureScaling.sigmoidLogLoss(logits, gold, fit.temperature()))
                .isLessThan(TemperatureScaling.sigmoidLogLoss(logits, gold, 1.0));
    }

    @Test
    void recoversASoftmaxTemperature() {
        Random random = new Random(5);
        int n = 20_000;
        float[][] logits = new float[n][3];
        int[] gold = new int[n];
        TemperatureScaling truth = new TemperatureScaling(0.5, 0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) logits[i][j] = (float) random.nextGaussian();
            double[] p = truth.softmax(logits[i]);
            double u = random.nextDouble();
            gold[i] = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
        }
        assertThat(TemperatureScaling.fitSoftmax(logits, gold).temperature()).isCloseTo(0.5, within(0.05));
    }

    /** Logits that say nothing (all 0): every temperature scores the same, and none is preferred over 1. */
    @Test
    void keepsOneWhenNothingIsBetter() {
        float[][] logits = {{0, 0}, {0, 0}};
        boolean[][] gold = {{true, false}, {false, true}};
        assertThat(TemperatureScaling.fitSigmoid(logits, gold).temperature()).isEqualTo(1.0);
    }

    /** Perfectly separated logits: the sharpest temperature allowed. */
    @Test
    void staysWithinItsBounds() {
        float[][] logits = {{2, -2}, {-1, 1}};
        boolean[][] gold = {{true, false}, {false, true}};
        assertThat(TemperatureScaling.fitSigmoid(logits, gold).temperature())
                .isCloseTo(TemperatureScaling.MIN_TEMPERATURE, within(1e-3));
    }

    @Test
    void scalesLogitsBeforeTheLink() {
        TemperatureScaling two = new TemperatureScaling(2, 10);
        assertThat(two.sigmoid(new float[] {2, 0})).containsExactly(new double[] {1 / (1 + Math.exp(-1)), 0.5},
                within(1e-12));
        assertThat(TemperatureScaling.IDENTITY.softmax(new float[] {0, (float) Math.log(3)}))
                .containsExactly(new double[] {0.25, 0.75}, within(1e-7));
        assertThat(TemperatureScaling.sigmoidLogLoss(new float[][] {{0}}, new boolean[][] {{true}}, 1))
                .isCloseTo(Math.log(2), within(1e-12));
    }

    @Test
    void roundTripsThroughAMapAndRefusesMalformedOnes() {
        TemperatureScaling fit = new TemperatureScaling(1.7, 40);
        assertThat(TemperatureScaling.fromMap(fit.toMap(), "calibration")).isEqualTo(fit);
        assertThat(TemperatureScaling.fromMap(Map.of("temperature", 2L), "calibration"))
                .isEqualTo(new TemperatureScaling(2, 0));
        assertThatThrownBy(() -> TemperatureScaling.fromMap(Map.of(), "calibration"))
                .hasMessageContaining("`calibration`.`temperature` must be a positive finite number, not `null`");
        assertThatThrownBy(() -> TemperatureScaling.fromMap(Map.of("temperature", -1.0), "calibration"))
                .hasMessageContaining("`calibration`.`temperature` must be a positive finite number, not `-1.0`");
        Map<String, Object> extra = new LinkedHashMap<>(fit.toMap());
        extra.put("temprature", 2.0);
        assertThatThrownBy(() -> TemperatureScaling.fromMap(extra, "calibration"))
                .hasMessageContaining("`calibration` has an unexpected key `temprature`");
        assertThatThrownBy(() -> TemperatureScaling.fitSigmoid(new float[0][], new boolean[0][]))
                .hasMessageContaining("at least one example");
    }
}
