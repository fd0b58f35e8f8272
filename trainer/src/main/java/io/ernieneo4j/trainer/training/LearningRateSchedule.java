package io.ernieneo4j.trainer.training;

import java.util.Locale;

/**
 * BERT's fine-tuning schedule: the learning rate rises linearly from 0 to {@code peak} over the first
 * {@code warmupSteps} steps, then falls linearly to 0 at {@code totalSteps}.
 *
 * @param peak        the learning rate at the end of warm-up
 * @param warmupSteps steps of linear warm-up (0 for none)
 * @param totalSteps  steps of the whole run
 */
public record LearningRateSchedule(float peak, int warmupSteps, int totalSteps) {

    public LearningRateSchedule {
        if (!(peak > 0f) || warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "A schedule needs peak > 0 and 0 <= warm-up <= total steps >= 1, got %s, %d and %d.",
                    peak, warmupSteps, totalSteps));
        }
    }

    /** The schedule for {@code totalSteps} with the first {@code warmupFraction} of them warming up. */
    public static LearningRateSchedule warmupThenLinearDecay(float peak, float warmupFraction, int totalSteps) {
        return new LearningRateSchedule(peak, Math.round(warmupFraction * totalSteps), totalSteps);
    }

    /** The learning rate of step {@code step} (0-based). */
    public float rate(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        int decaySteps = totalSteps - warmupSteps;
        return peak * Math.max(0f, (float) (totalSteps - step) / decaySteps);
    }
}
