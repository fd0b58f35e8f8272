package io.ernieneo4j.trainer.transe;

import java.util.List;
import java.util.Locale;

/**
 * What a finished run's loss says about whether it learnt, as sentences for the user.
 *
 * <p>The criterion: the final epoch's mean loss is still within 10% of the margin level and has not halved since
 * the first epoch. Why both:
 * <ul>
 *   <li>An untrained model's expected loss is at least {@code margin × negatives} per true triple: under random
 *       vectors a true triple and its corruption are exchangeable, so their distance difference X has mean 0, and
 *       {@code E[max(0, margin + X)] ≥ margin} (Jensen). A run that learns drives the loss well below that (the
 *       mammal graph: under a quarter of the margin; the toy graph: 1%); within 10% of it, true triples are on
 *       average no closer than corrupted ones by more than a sliver of the margin.</li>
 *   <li>With a margin that is tiny next to the distances (say 1e-6), even a trained model's loss stays above the
 *       margin, but it falls from the first epoch's: a loss that halved shows learning whatever the margin. The
 *       first epoch alone is no yardstick on its own either: a large graph can learn within it, and on a small one
 *       the epoch-to-epoch noise of the sampled loss reaches tens of percent (the 44-triple toy graph at
 *       {@code learningRate} 1e-9: −20% with nothing learnt).</li>
 * </ul>
 * With one epoch the two losses are the same, so it warns whenever that epoch ends at the margin level.
 */
public final class TrainingWarnings {

    /** Share of the untrained level ({@code margin × negatives}) at or above which the final loss is "not learnt". */
    static final double AT_MARGIN_LEVEL = 0.9;
    /** Share of the first epoch's loss below which a run has learnt, whatever the margin. */
    static final double LEARNT_DROP = 0.5;

    private TrainingWarnings() {}

    /** Empty when the run learnt; otherwise one sentence naming the figures and what to try. */
    public static List<String> of(TransE.Result result, TransEParameters parameters) {
        if (result.epochs().isEmpty()) {
            return List.of();
        }
        double first = result.epochs().get(0).loss();
        double last = result.finalLoss();
        double untrained = parameters.margin() * parameters.negatives();
        if (last < AT_MARGIN_LEVEL * untrained || last < LEARNT_DROP * first) {
            return List.of();
        }
        return List.of(String.format(Locale.ROOT, "TransE learnt little or nothing: the final loss %.4f is at the "
                        + "level of an untrained model (margin × negatives = %s; first epoch %.4f), so true triples "
                        + "are on average no closer than corrupted ones. Try more `epochs` (ran %d) or a larger "
                        + "`learningRate` (was %s; a smaller one if the loss grew); if the loss stays at the margin "
                        + "however long it trains, a smaller `margin` (was %s): vectors of norm ≤ 1 cannot be "
                        + "pushed further apart than their length allows.",
                last, format(untrained), first, result.epochs().size(), format(parameters.learningRate()),
                format(parameters.margin())));
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                : String.valueOf(value);
    }
}
