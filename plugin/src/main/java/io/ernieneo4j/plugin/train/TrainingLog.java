package io.ernieneo4j.plugin.train;

import io.ernieneo4j.plugin.common.TrainingJobs;
import io.ernieneo4j.trainer.training.EpochRecord;
import io.ernieneo4j.trainer.training.TrainingListener;
import org.neo4j.logging.Log;

/** The trainer's {@link TrainingListener} on top of a procedure's Log and its entry in ernie.progress(). */
final class TrainingLog {

    private TrainingLog() {}

    /**
     * A training run in the Neo4j log: the steps planned, the loss about every tenth of them, each epoch's train
     * loss and dev score, and the trainer's own lines.
     */
    static TrainingListener of(Log log, String procedure) {
        return new TrainingListener() {
            private int totalSteps;
            private int every = 1;

            @Override
            public void onTrainingStart(int totalSteps, int firstStep) {
                this.totalSteps = totalSteps;
                this.every = Math.max(1, totalSteps / 10);
                log.info("%s: training %d steps", procedure, totalSteps);
            }

            @Override
            public void onStep(int step, float loss, float learningRate) {
                if ((step + 1) % every == 0 || step + 1 == totalSteps) {
                    log.info("%s: step %d/%d loss %.4f learning rate %.2e", procedure, step + 1, totalSteps, loss,
                            learningRate);
                }
            }

            @Override
            public void onEpoch(EpochRecord epoch) {
                log.info("%s: epoch %d train loss %.4f, dev %.4f, %.1f s", procedure, epoch.epoch(),
                        epoch.trainLoss(), epoch.devMetric(), epoch.seconds());
            }

            @Override
            public void info(String message) {
                log.info("%s: %s", procedure, message);
            }
        };
    }

    /** Where the loop stands, for ernie.progress(): steps, loss, each epoch's dev score. */
    static TrainingListener of(TrainingJobs.Job job) {
        return new TrainingListener() {
            @Override
            public void onTrainingStart(int totalSteps, int firstStep) {
                job.stepsPlanned(totalSteps, firstStep);
            }

            @Override
            public void onStep(int step, float loss, float learningRate) {
                job.stepsDone(step + 1, loss);
            }

            @Override
            public void onEpoch(EpochRecord epoch) {
                job.devScore(epoch.devMetric());
            }
        };
    }
}
