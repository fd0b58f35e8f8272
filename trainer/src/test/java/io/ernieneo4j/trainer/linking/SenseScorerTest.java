package io.ernieneo4j.trainer.linking;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SenseScorerTest {

    /** Mentions of 2 to 8 candidates, smoothed priors and similarities as MiniLM gives them, gold drawn from the model. */
    private static List<SenseScorer.Choice> sample(SenseScorer truth, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SenseScorer.Choice> choices = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = 2 + random.nextInt(7);
            double[] raw = new double[k];
            double total = 0;
            for (int j = 0; j < k; j++) {
                raw[j] = random.nextInt(20) + 1;
                total += raw[j];
            }
            double[] logPriors = new double[k];
            double[] similarities = new double[k];
            for (int j = 0; j < k; j++) {
                logPriors[j] = Math.log(raw[j] / total);
                similarities[j] = 0.1 + 0.5 * random.nextDouble();
            }
            double[] p = truth.probabilities(logPriors, similarities);
            double u = random.nextDouble();
            int gold = k - 1;
            for (int j = 0; j < k; j++) {
                u -= p[j];
                if (u < 0) {
                    gold = j;
                    break;
                }
            }
            choices.add(new SenseScorer.Choice(logPriors, similarities, gold));
        }
        return choices;
    }

    @Test
    void fitRecoversKnownWeights() {
        SenseScorer truth = new SenseScorer(20, 0.7);
        SenseScorer fitted = SenseScorer.fit(sample(truth, 5000, 1));
        assertThat(fitted.alpha()).isCloseTo(20, within(2.0));
        assertThat(fitted.beta()).isCloseTo(0.7, within(0.1));
    }

    @Test
    void fitRecoversThePriorWhenSimilarityIsNoise() {
        SenseScorer fitted = SenseScorer.fit(sample(SenseScorer.PRIOR, 5000, 2));
        assertThat(fitted.alpha()).isCloseTo(0, within(1.5));
        assertThat(fitted.beta()).isCloseTo(1, within(0.1));
    }

    @Test
    void fitIsTheMaximumOfTheLikelihood() {
        List<SenseScorer.Choice> choices = sample(new SenseScorer(-8, 1.5), 2000, 3);
        SenseScorer fitted = SenseScorer.fit(choices);
        double best = fitted.meanLogLikelihood(choices);
        assertThat(best).isGreaterThan(SenseScorer.PRIOR.meanLogLikelihood(choices));
        for (double[] d : new double[][] {{0.5, 0}, {-0.5, 0}, {0, 0.05}, {0, -0.05}}) {
            SenseScorer moved = new SenseScorer(fitted.alpha() + d[0], fitted.beta() + d[1]);
            assertThat(moved.meanLogLikelihood(choices)).isLessThan(best);
        }
    }

    @Test
    void aFlatSimilarityLeavesAlphaAtZero() {
        List<SenseScorer.Choice> choices = new ArrayList<>();
        for (SenseScorer.Choice c : sample(new SenseScorer(0, 2), 1000, 4)) {
            choices.add(new SenseScorer.Choice(c.logPriors(), new double[c.logPriors().length], c.gold()));
        }
        SenseScorer fitted = SenseScorer.fit(choices);
        assertThat(fitted.alpha()).isEqualTo(0);
        assertThat(fitted.beta()).isCloseTo(2, within(0.3));
    }

    @Test
    void separableDataStopWithFiniteWeights() {
        // the gold candidate always has the highest similarity: the likelihood grows without bound in alpha
        List<SenseScorer.Choice> choices = List.of(
                new SenseScorer.Choice(new double[] {Math.log(0.9), Math.log(0.1)}, new double[] {0.2, 0.5}, 1),
                new SenseScorer.Choice(new double[] {Math.log(0.5), Math.log(0.5)}, new double[] {0.6, 0.1}, 0));
        SenseScorer fitted = SenseScorer.fit(choices);
        assertThat(Double.isFinite(fitted.alpha())).isTrue();
        assertThat(fitted.alpha()).isGreaterThan(10);
        assertThat(fitted.meanLogLikelihood(choices)).isGreaterThan(-0.01);
    }

    @Test
    void probabilitiesAreASoftmaxOfTheScores() {
        SenseScorer scorer = new SenseScorer(10, 0.5);
        double[] logPriors = {Math.log(0.6), Math.log(0.3), Math.log(0.1)};
        double[] similarities = {0.2, 0.4, 0.3};
        double[] p = scorer.probabilities(logPriors, similarities);
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1, within(1e-12));
        // ratios are exp of score differences
        assertThat(p[1] / p[0]).isCloseTo(Math.exp(scorer.score(logPriors[1], 0.4) - scorer.score(logPriors[0], 0.2)),
                within(1e-9));
        assertThat(scorer.best(logPriors, similarities)).isEqualTo(1);
        // the prior alone: the priors themselves, normalised
        double[] prior = SenseScorer.PRIOR.probabilities(logPriors, similarities);
        assertThat(prior).containsExactly(new double[] {0.6, 0.3, 0.1}, within(1e-12));
        assertThat(SenseScorer.PRIOR.best(logPriors, similarities)).isEqualTo(0);
        // huge scores neither overflow nor lose the order
        double[] extreme = new SenseScorer(1e6, 1).probabilities(logPriors, similarities);
        assertThat(extreme[1]).isCloseTo(1, within(1e-12));
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> new SenseScorer.Choice(new double[] {0, 0}, new double[] {0.1}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as many");
        assertThatThrownBy(() -> new SenseScorer.Choice(new double[] {0, 0}, new double[] {0.1, 0.2}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("`gold`");
        assertThatThrownBy(() -> SenseScorer.fit(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SenseScorer(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
