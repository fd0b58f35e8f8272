package io.ernieneo4j.plugin.common;

import io.ernieneo4j.trainer.run.Progress;
import org.neo4j.procedure.Description;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The training runs going on in this JVM (ERNIE fine-tuning, TransE): what {@code ernie.progress()} lists, and what
 * keeps a second call from training the same model at the same time. A run is registered under a key: the folder it
 * trains into, which is the same for every database when the folder is; or a fresh object for a run that stores
 * nothing.
 */
public final class TrainingJobs {

    private static final Map<Object, Job> RUNNING = new ConcurrentHashMap<>();

    private TrainingJobs() {}

    /** Registers a run under {@code key}; closing the job ends it. Refused while another run holds the key. */
    public static Job start(Object key, String database, String modelName, String procedure, int epochs) {
        Job job = new Job(key, database, modelName, procedure, epochs);
        Job running = RUNNING.putIfAbsent(key, job);
        if (running != null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`modelName`: `%s` is being trained by another call of %s in database `%s`, started %s "
                            + "(ernie.progress() there shows it); wait for it or terminate its transaction.",
                    modelName, running.procedure, running.database, running.startedAt));
        }
        return job;
    }

    /** The runs of {@code database}, oldest first. */
    public static List<Job> of(String database) {
        return RUNNING.values().stream().filter(job -> job.database.equals(database))
                .sorted(Comparator.comparing(job -> job.startedAt)).toList();
    }

    /** One run: its phase and, once training, where the loop stands (written by one thread, read by any). */
    public static final class Job implements AutoCloseable {
        final Object key;
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
        private volatile Double devScore;

        private Job(Object key, String database, String modelName, String procedure, int epochs) {
            this.key = key;
            this.database = database;
            this.modelName = modelName;
            this.procedure = procedure;
            this.epochs = epochs;
        }

        public void phase(String phase) {
            this.phase = phase;
        }

        /** {@code delegate}, and each epoch it reports as the run's step: TransE's loop, whose steps are epochs. */
        public Progress epochs(Progress delegate) {
            return new Progress() {
                @Override
                public void info(String message) {
                    delegate.info(message);
                }

                @Override
                public void epoch(String task, int epoch, int total, double epochLoss, double triplesPerSecond) {
                    delegate.epoch(task, epoch, total, epochLoss, triplesPerSecond);
                    if (totalSteps == 0) {
                        stepsStartNanos = System.nanoTime();
                        phase = "training";
                    }
                    totalSteps = total;
                    stepsDone = epoch;
                    loss = epochLoss;
                }
            };
        }

        /** Training starts: {@code total} steps planned, {@code first} of them done already (a resumed run). */
        public void stepsPlanned(int total, int first) {
            totalSteps = total;
            firstStep = first;
            stepsDone = first;
            stepsStartNanos = System.nanoTime();
            phase = first > 0 ? "training (resumed)" : "training";
        }

        /** {@code done} steps taken, the last with {@code stepLoss}. */
        public void stepsDone(int done, double stepLoss) {
            loss = stepLoss;
            stepsDone = done;
        }

        /** An epoch ended with {@code score} on dev. */
        public void devScore(double score) {
            devScore = score;
        }

        public ProgressResult snapshot() {
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
            return new ProgressResult(modelName, procedure, phase, epoch, epochs, done, total,
                    total > 0 ? (double) done / total : 0.0, Double.isNaN(loss) ? null : loss,
                    devScore, startedAt.toString(), elapsed, eta);
        }

        @Override
        public void close() {
            RUNNING.remove(key, this);
        }
    }

    public record ProgressResult(
            @Description("The model being trained (null for a run that stores none).") String modelName,
            @Description("The procedure training it.") String procedure,
            @Description("`reading the graph`, `training`, `training (resumed)`, `writing` or `loading`.")
            String phase,
            @Description("The epoch it is in (1-based; 0 before training starts).") long epoch,
            @Description("Epochs planned (early stopping may end it sooner).") long epochs,
            @Description("Optimiser steps done (epochs for TransE), a resumed run's earlier steps included.")
            long step,
            @Description("Steps planned.") long totalSteps,
            @Description("step / totalSteps.") double progress,
            @Description("The last step's (TransE: epoch's) training loss.") Double loss,
            @Description("The last finished epoch's dev score (ERNIE).") Double devScore,
            @Description("When the call started.") String startedAt,
            @Description("Milliseconds since then.") long elapsedMillis,
            @Description("Milliseconds left at this call's speed so far (null before its first step).")
            Long etaMillis) {}
}
