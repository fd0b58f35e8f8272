package io.ernieneo4j.trainer.linking;

import io.ernieneo4j.trainer.align.CalibrationError;
import io.ernieneo4j.trainer.run.SeededShare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fits a linking model's two weights on gold links, held out by entity: every mention whose gold entity falls in
 * the test share (a seeded hash of its id) is scored only, so the reported accuracy is for entities the fit never
 * saw. Reads only ambiguous mentions whose gold entity is among their candidates (the others cannot be decided).
 */
public final class LinkingFit {

    /** An ambiguous mention read by the model, and which entity is right. */
    public record Example(SentenceLinker.Read read, long goldEntityId) {}

    /**
     * @param scorer         the fitted weights
     * @param trainMentions  mentions fitted on
     * @param testMentions   held-out mentions scored
     * @param testAccuracy   {@code {before, fitted}}: share of held-out mentions whose best candidate is right
     * @param testCalibrationError {@code {before, fitted}}: expected calibration error of the best candidate's
     *                       probability on them
     */
    public record Result(SenseScorer scorer, int trainMentions, int testMentions, double[] testAccuracy,
                         double[] testCalibrationError) {}

    private LinkingFit() {}

    public static Result fit(List<Example> examples, SenseScorer before, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `testFraction` was `%s`, but must be within the range (0, 1).", testFraction));
        }
        List<SenseScorer.Choice> train = new ArrayList<>();
        List<SenseScorer.Choice> test = new ArrayList<>();
        for (Example e : examples) {
            if (!e.read().ambiguous()) {
                continue;
            }
            int gold = -1;
            var candidates = e.read().byPrior().candidates();
            for (int k = 0; k < candidates.size(); k++) {
                if (candidates.get(k).entityId() == e.goldEntityId()) {
                    gold = k;
                }
            }
            if (gold < 0) {
                continue;
            }
            SenseScorer.Choice choice = new SenseScorer.Choice(e.read().logPriors(), e.read().similarities(), gold);
            (isTest(e.goldEntityId(), seed, testFraction) ? test : train).add(choice);
        }
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Fitting needs ambiguous gold mentions (gold among the candidates) on both sides of the split by "
                            + "entity; got %d to fit on and %d to test. Add gold links, or change `testFraction`.",
                    train.size(), test.size()));
        }
        SenseScorer fitted = SenseScorer.fit(train);
        return new Result(fitted, train.size(), test.size(),
                new double[] {accuracy(before, test), accuracy(fitted, test)},
                new double[] {calibration(before, test), calibration(fitted, test)});
    }

    /** Whether an entity's mentions are held out. */
    static boolean isTest(long entityId, long seed, double testFraction) {
        return SeededShare.contains(entityId, seed, testFraction);
    }

    private static double accuracy(SenseScorer scorer, List<SenseScorer.Choice> choices) {
        int right = 0;
        for (SenseScorer.Choice c : choices) {
            right += scorer.best(c.logPriors(), c.similarities()) == c.gold() ? 1 : 0;
        }
        return (double) right / choices.size();
    }

    private static double calibration(SenseScorer scorer, List<SenseScorer.Choice> choices) {
        CalibrationError error = new CalibrationError();
        for (SenseScorer.Choice c : choices) {
            int best = scorer.best(c.logPriors(), c.similarities());
            error.add(scorer.probabilities(c.logPriors(), c.similarities())[best], best == c.gold());
        }
        return error.value();
    }
}
