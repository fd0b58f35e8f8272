package io.ernieneo4j.trainer.training;

/** What a training loop reports as it goes: a progress bar, a log, a plot, nothing. */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {};

    /** Before the first step; {@code firstStep} is larger than 0 when a run resumes. */
    default void onTrainingStart(int totalSteps, int firstStep) {}

    /** After every optimiser step (0-based {@code step}). */
    default void onStep(int step, float loss, float learningRate) {}

    /** After each epoch, with its dev scores when there is a dev set. */
    default void onEpoch(EpochRecord epoch) {}

    /** A line worth showing (checkpoint written, early stop, counts). */
    default void info(String message) {}

    default void onTrainingEnd() {}

    /** This listener, then {@code other}, for every event. */
    default TrainingListener and(TrainingListener other) {
        TrainingListener first = this;
        return new TrainingListener() {
            @Override
            public void onTrainingStart(int totalSteps, int firstStep) {
                first.onTrainingStart(totalSteps, firstStep);
                other.onTrainingStart(totalSteps, firstStep);
            }

            @Override
            public void onStep(int step, float loss, float learningRate) {
                first.onStep(step, loss, learningRate);
                other.onStep(step, loss, learningRate);
            }

            @Override
            public void onEpoch(EpochRecord epoch) {
                first.onEpoch(epoch);
                other.onEpoch(epoch);
            }

            @Override
            public void info(String message) {
                first.info(message);
                other.info(message);
            }

            @Override
            public void onTrainingEnd() {
                first.onTrainingEnd();
                other.onTrainingEnd();
            }
        };
    }
}
