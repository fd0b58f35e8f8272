package io.ernieneo4j.trainer.linking;

import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.align.LinkedMention.Candidate;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkingFitTest {

    /**
     * Mentions of two candidates each; the rare sense (prior 0.2) is right 60% of the time and the similarity
     * points at the right one with noise: the prior alone is wrong more often than not, the fit learns to read.
     */
    private static List<LinkingFit.Example> examples(int count, long seed) {
        Random random = new Random(seed);
        List<LinkingFit.Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long common = 2L * i;
            long rare = 2L * i + 1;
            boolean rareIsRight = random.nextDouble() < 0.6;
            double[] similarities = new double[2];
            similarities[rareIsRight ? 1 : 0] = 0.4 + 0.1 * random.nextGaussian();
            similarities[rareIsRight ? 0 : 1] = 0.2 + 0.1 * random.nextGaussian();
            LinkedMention byPrior = new LinkedMention(0, 4, "bank", List.of(new Candidate(common, 0.8, 0.8, Double.NaN),
                    new Candidate(rare, 0.2, 0.2, Double.NaN)));
            examples.add(new LinkingFit.Example(new SentenceLinker.Read(byPrior,
                    new double[] {Math.log(0.8), Math.log(0.2)}, similarities), rareIsRight ? rare : common));
        }
        return examples;
    }

    @Test
    void theFitBeatsThePriorOnHeldOutEntities() {
        LinkingFit.Result r = LinkingFit.fit(examples(2_000, 1), SenseScorer.PRIOR, 0.25, 42);
        assertThat(r.trainMentions() + r.testMentions()).isEqualTo(2_000);
        assertThat(r.testMentions()).isBetween(400, 600);
        assertThat(r.testAccuracy()[0]).isBetween(0.35, 0.45); // the prior: right when the common sense is
        assertThat(r.testAccuracy()[1]).isGreaterThan(0.8);
        assertThat(r.testCalibrationError()[1]).isLessThan(0.05).isLessThan(r.testCalibrationError()[0]);
        assertThat(r.scorer().alpha()).isPositive();
    }

    @Test
    void anEntityIsHeldOutWithAllItsMentionsOrNotAtAll() {
        for (long entity = 0; entity < 1_000; entity++) {
            boolean first = LinkingFit.isTest(entity, 7, 0.3);
            assertThat(LinkingFit.isTest(entity, 7, 0.3)).isEqualTo(first);
        }
        long held = java.util.stream.LongStream.range(0, 10_000).filter(e -> LinkingFit.isTest(e, 7, 0.3)).count();
        assertThat(held).isBetween(2_800L, 3_200L);
    }

    @Test
    void tooLittleGoldIsAClearError() {
        assertThatThrownBy(() -> LinkingFit.fit(examples(1, 1), SenseScorer.PRIOR, 0.5, 42))
                .hasMessageContaining("Fitting needs ambiguous gold mentions (gold among the candidates) on both sides");
        assertThatThrownBy(() -> LinkingFit.fit(examples(10, 1), SenseScorer.PRIOR, 1.0, 42))
                .hasMessageContaining("Value for `testFraction` was `1.0`, but must be within the range (0, 1).");
    }
}
