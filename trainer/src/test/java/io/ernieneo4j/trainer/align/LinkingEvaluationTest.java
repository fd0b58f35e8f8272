package io.ernieneo4j.trainer.align;

import io.ernieneo4j.trainer.align.LinkingEvaluation.Confusion;
import io.ernieneo4j.trainer.align.LinkingEvaluation.GoldMention;
import io.ernieneo4j.trainer.wordnet.Morphology;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LinkingEvaluationTest {

    private static final long DOG = 1;
    private static final long FRUMP = 2;
    private static final long CAT = 3;
    private static final long HOT_DOG = 4;

    /** "dog" is both the animal (sense count 9) and a frump (0): the prior picks the animal. */
    private static Aligner aligner() {
        var b = AlignmentDictionary.builder(Morphology.load());
        int dog = b.entity(DOG, 9);
        b.name(dog, "dog");
        int frump = b.entity(FRUMP, 0);
        b.name(frump, "dog");
        b.name(frump, "frump");
        b.name(b.entity(CAT, 5), "cat");
        b.name(b.entity(HOT_DOG, 1), "hot dog");
        return new Aligner(b.build(), AlignParameters.DEFAULTS);
    }

    @Test
    void scoresFindingAndLinkingAgainstPartialGold() {
        Aligner aligner = aligner();
        LinkingEvaluation evaluation = new LinkingEvaluation();
        // 1: the animal, found and right; "cat" is not marked, so it counts neither way
        String first = "The dog saw a cat.";
        evaluation.add(List.of(new GoldMention(4, 7, DOG)), aligner.align(first));
        // 2: "you dog!" meant the frump: found, linked wrongly by the prior
        String second = "She is a dog, that one.";
        evaluation.add(List.of(new GoldMention(9, 12, FRUMP)), aligner.align(second));
        // 3: gold marks "dog" inside "hot dog": the linker found the longer name, which overlaps: a wrong prediction,
        // and the gold span is not found; the frump's other name is found and right
        String third = "A hot dog for the frump.";
        evaluation.add(List.of(new GoldMention(6, 9, DOG), new GoldMention(18, 23, FRUMP)), aligner.align(third));

        LinkingEvaluation.Result r = evaluation.result(10);
        assertThat(r.documents()).isEqualTo(3);
        assertThat(r.goldMentions()).isEqualTo(4);
        assertThat(r.predictedMentions()).isEqualTo(4); // dog, dog, hot dog, frump: cat overlaps no gold span
        assertThat(r.mentionsFound()).isEqualTo(3);
        assertThat(r.correctLinks()).isEqualTo(2);
        assertThat(r.mentionRecall()).isCloseTo(0.75, within(1e-12));
        assertThat(r.linkingAccuracy()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.precision()).isCloseTo(0.5, within(1e-12));
        assertThat(r.recall()).isCloseTo(0.5, within(1e-12));
        assertThat(r.f1()).isCloseTo(0.5, within(1e-12));
        assertThat(r.documentMacroRecall()).isCloseTo((1 + 0 + 0.5) / 3, within(1e-12));
        assertThat(r.documentAccuracy()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(r.confusions()).containsExactly(new Confusion("dog", FRUMP, DOG, 1));
        // found spans scored 10/11 (right), 10/11 (wrong), 1 (right): bins 0.9-1.0 hold all three, mean score
        // (20/11 + 1)/3 against 2/3 right
        assertThat(r.calibrationError()).isCloseTo((20.0 / 11 + 1) / 3 - 2.0 / 3, within(1e-6));
    }

    @Test
    void confusionsAreCountedAndCutToTheMostFrequent() {
        Aligner aligner = aligner();
        LinkingEvaluation evaluation = new LinkingEvaluation();
        for (int i = 0; i < 3; i++) {
            evaluation.add(List.of(new GoldMention(0, 3, FRUMP)), aligner.align("dog"));
        }
        evaluation.add(List.of(new GoldMention(0, 3, FRUMP)), aligner.align("Dog"));
        evaluation.add(List.of(new GoldMention(0, 3, HOT_DOG)), aligner.align("cat"));
        LinkingEvaluation.Result r = evaluation.result(1);
        assertThat(r.confusions()).containsExactly(new Confusion("dog", FRUMP, DOG, 3));
        assertThat(evaluation.result(5).confusions()).hasSize(3);
        assertThat(r.linkingAccuracy()).isZero();
    }

    @Test
    void noGoldScoresZeroNotNaN() {
        LinkingEvaluation.Result r = new LinkingEvaluation().result(10);
        assertThat(List.of(r.mentionRecall(), r.linkingAccuracy(), r.precision(), r.recall(), r.f1(),
                r.documentMacroRecall(), r.documentAccuracy(), r.calibrationError())).containsOnly(0.0);
    }
}
