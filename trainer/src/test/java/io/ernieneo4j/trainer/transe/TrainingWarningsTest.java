package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real runs on the toy graph, one thread and a fixed seed: which ones the loss says learnt nothing. */
class TrainingWarningsTest {

    private static List<String> warnings(int epochs, double learningRate, double margin) {
        TransEParameters parameters = new TransEParameters(20, epochs, learningRate, margin, Norm.L1,
                NegativeSampling.BERN, 1, 1000, 1, 7, Initialisation.UNIFORM_UNIT, false);
        TransE.Result result = new TransE(TransETest.toyGraph(), parameters, Progress.NONE, Termination.ALWAYS).train();
        return TrainingWarnings.of(result, parameters);
    }

    @Test
    void aRunThatLearnsHasNoWarning() {
        assertThat(warnings(200, 0.01, 1.0)).isEmpty();
    }

    @Test
    void aNegligibleLearningRateWarnsNamingWhatToTry() {
        assertThat(warnings(200, 1e-9, 1.0)).singleElement().asString()
                .contains("learnt little or nothing").contains("margin × negatives = 1")
                .contains("more `epochs` (ran 200)").contains("larger `learningRate` (was 1.0E-9")
                .contains("smaller `margin` (was 1)");
    }

    @Test
    void oneEpochEndingAtTheMarginWarns() {
        assertThat(warnings(1, 0.01, 1.0)).hasSize(1);
    }

    @Test
    void aMarginTheVectorsCannotReachWarns() {
        // 20 dimensions, norm ≤ 1: no two points are more than 2·√20 ≈ 9 apart in L1, far below a margin of 100
        assertThat(warnings(200, 0.01, 100)).hasSize(1);
    }

    @Test
    void aTinyMarginIsNoFalseAlarmWhenTheLossFalls() {
        // a trained model's loss stays above a margin of 1e-6, but it has fallen far below the first epoch's
        assertThat(warnings(200, 0.01, 1e-6)).isEmpty();
        assertThat(warnings(200, 1e-9, 1e-6)).hasSize(1);
    }
}
