package io.ernieneo4j.plugin.train;

import io.ernieneo4j.trainer.training.EpochRecord;
import io.ernieneo4j.trainer.training.TrainingListener;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The training runs going on in this JVM, one per model folder (the models folder serves every database): what
 * {@code ernie.progress()} lists, and what keeps a second call from training into the same folder at the same time.
 */
final class TrainingJobs {

    private static final Map<Path, Job> RUNNING = new ConcurrentHashMap<>();

    private TrainingJobs() {}

    /** Registers a run into {@code folder}; closing the job ends it. Refused while another run trains into it. */
    static Job start(Path folder, String database, String modelName, String procedure, int epochs) {
        Job job = new Job(folder, database, modelName, procedure, epochs);
        Job running = RUNNING.putIfAbsent(folder, job);
        if (running != null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`modelName`: `%s` is being trained by another call of %s in database `%s`, started %s "
                            + "(ernie.progress() there shows it); wait for it or terminate its transaction.",
                    modelName, running.procedure, running.database, running.startedAt));
        }
        return job;
    }

    /** The runs of {@code database}, oldest first. */
    static List<Job> of(String database) {
        return RUNNING.values().stream().filter(job -> job.database.equals(database))
                .sorted(Comparator.comparing(job -> job.startedAt)).toList();
    }

    /** One run: its phase and, once training, where the loop stands (written by one thread, read by any). */
    static final class Job implements AutoCloseable {
        final Path folder;
        final String database;
        final String modelName;
        final String procedure;
        final int epochs;
        final Instant startedAt = Instant.now();
        private final long startNanos = System.nanoTime();
        private volatile String phase = "reading the graph";
        private volatile int totalSteps;
        private volatile int firstStep;
        private volatile int stepsDone;
        private volatile long stepsStartNanos;
        private volatile double loss = Double.NaN;
        private volatile EpochRecord lastEpoch;

        private Job(Path folder, String database, String modelName, String procedure, int epochs) {
            this.folder = folder;
            this.database = database;
            this.modelName = modelName;
            this.procedure = procedure;
            this.epochs = epochs;
        }

        void phase(String phase) {
            this.phase = phase;
        }

        /** Follows the training loop: steps, loss and epochs. */
        TrainingListener listener() {
            return new TrainingListener() {
                @Override
                public void onTrainingStart(int total, int first) {
                    totalSteps = total;
                    firstStep = first;
                    stepsDone = first;
                    stepsStartNanos = System.nanoTime();
                    phase = first > 0 ? "training (resumed)" : "training";
                }

                @Override
                public void onStep(int step, float stepLoss, float learningRate) {
                    loss = stepLoss;
                    stepsDone = step + 1;
                }

                @Override
                public void onEpoch(EpochRecord epoch) {
                    lastEpoch = epoch;
                }
            };
        }

        ErnieTrainProc.ProgressResult snapshot() {
            int total = totalSteps;
            int done = stepsDone;
            long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
            Long eta = null;
            int stepsThisCall = done - firstStep;
            if (total > 0 && stepsThisCall > 0) {
                double millisPerStep = (System.nanoTime() - stepsStartNanos) / 1e6 / stepsThisCall;
                eta = Math.round(millisPerStep * (total - done));
            }
            long epoch = total > 0 ? Math.min(epochs, 1 + (long) done * epochs / total) : 0;
            EpochRecord last = lastEpoch;
            return new ErnieTrainProc.ProgressResult(modelName, procedure, phase, epoch, epochs, done, total,
                    total > 0 ? (double) done / total : 0.0, Double.isNaN(loss) ? null : loss,
                    last == null ? null : last.devMetric(), startedAt.toString(), elapsed, eta);
        }

        @Override
        public void close() {
            RUNNING.remove(folder, this);
        }
    }
}
