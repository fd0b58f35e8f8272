package io.ernieneo4j.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.ernieneo4j.trainer.data.Folders;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.run.Termination;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop every objective shares (fine-tuning, pretraining): epochs of planned batches, one AdamW step a
 * batch with dropout reseeded per step, checkpoints ({@code checkpoint/}: the model, extra blocks such as
 * pretraining heads, the optimiser's moments, {@code state.json}) that a later run resumes from exactly, and an
 * evaluation after each epoch that decides whether the model is kept.
 */
public final class TrainingLoop {

    /** File of the extra blocks' parameters in a checkpoint. */
    public static final String EXTRA = "heads.params";

    /** What one objective contributes to the loop. */
    public interface Work {
        /** The batches of 0-based {@code epoch}, as indices into the training examples. */
        List<int[]> batches(int epoch);

        /** The batch's loss (a scalar), computed in training mode on {@code scope}; {@code step} is 0-based. */
        NDArray loss(int[] batch, NDManager scope, int step);

        /** Word pieces in the batch (padding excluded), for the throughput record. */
        long pieces(int[] batch);

        /** Training examples an epoch passes over. */
        int examples();

        /** Scores the model after an epoch: the dev headline metric, or NaN without a dev set. */
        double evaluate(int epoch);

        /** Keeps the model as it is now (called when {@link #evaluate} beat the best so far, always without dev). */
        void keep() throws IOException;

        /** Whether to stop before the next epoch (early stopping). */
        default boolean stop(TrainingState state) {
            return false;
        }
    }

    private final ErnieModel model;
    private final List<Block> extraBlocks;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final long seed;
    private final int checkpointSteps;
    private final TrainingListener listener;
    private final Termination termination;

    /**
     * @param extraBlocks blocks trained with the model but not part of it (e.g. pretraining heads): checkpointed too
     */
    public TrainingLoop(ErnieModel model, List<Block> extraBlocks, AdamW optimizer, LearningRateSchedule schedule,
                        long seed, int checkpointSteps, TrainingListener listener, Termination termination) {
        this.model = model;
        this.extraBlocks = List.copyOf(extraBlocks);
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.seed = seed;
        this.checkpointSteps = checkpointSteps;
        this.listener = listener;
        this.termination = termination;
    }

    /** Runs {@code epochs} epochs (fewer when {@code work} stops early), from the start or the checkpoint. */
    public TrainingState run(Work work, int epochs, ModelOutput output, boolean resume) throws IOException {
        TrainingState state = resume ? restore(output) : TrainingState.start(seed);
        listener.onTrainingStart(schedule.totalSteps(), state.step());
        while (state.nextEpoch() < epochs && !work.stop(state)) {
            List<int[]> batches = work.batches(state.nextEpoch());
            // the whole epoch's, so that an epoch resumed half way reports what an unbroken one does
            long pieces = batches.stream().mapToLong(work::pieces).sum();
            long start = System.nanoTime();
            while (state.nextBatch() < batches.size()) {
                if (!termination.running()) {
                    stopped(output, state);
                }
                int[] batch = batches.get(state.nextBatch());
                float rate = schedule.rate(state.step());
                float loss = step(work, batch, rate, state.step());
                state = state.afterStep(loss);
                listener.onStep(state.step() - 1, loss, rate);
                if (checkpointSteps > 0 && state.step() % checkpointSteps == 0
                        && state.nextBatch() < batches.size()) {
                    checkpoint(output, state);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double metric = work.evaluate(state.nextEpoch());
            EpochRecord record = new EpochRecord(state.nextEpoch() + 1, state.lossSum() / batches.size(), metric,
                    seconds, work.examples() / seconds, (double) pieces / work.examples());
            if (state.isGain(record.devMetric())) {
                work.keep();
            }
            state = state.afterEpoch(record);
            listener.onEpoch(record);
            checkpoint(output, state);
        }
        return state;
    }

    /**
     * Stops a terminated run between two steps: a checkpoint of where it stands first (unless nothing was trained),
     * so that a resumed run goes on from this very step.
     */
    private void stopped(ModelOutput output, TrainingState state) throws IOException {
        if (state.step() > 0) {
            checkpoint(output, state);
            listener.info(String.format(Locale.ROOT, "Terminated before step %d; checkpoint written", state.step()));
        }
        throw new Termination.TerminatedException();
    }

    /** Forward, loss, backward and one optimiser step; returns the batch's loss. */
    private float step(Work work, int[] batch, float learningRate, int step) {
        Engine engine = model.manager().getEngine();
        // dropout draws from the engine's generator: seeding it per step makes a resumed run repeat an unbroken one
        engine.setRandomSeed((int) (seed * 31 + step));
        try (NDManager scope = model.manager().newSubManager()) {
            float loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray batchLoss = work.loss(batch, scope, step);
                collector.backward(batchLoss);
                loss = batchLoss.getFloat();
            }
            float norm = optimizer.step(learningRate);
            if (!Float.isFinite(norm)) {
                List<String> names = optimizer.nonFiniteGradients();
                listener.info(String.format(Locale.ROOT,
                        "Step %d: gradient norm %s, the update was skipped (loss %s); not finite in %d parameters: %s",
                        step, norm, loss, names.size(), names.subList(0, Math.min(5, names.size()))));
            }
            return loss;
        }
    }

    /**
     * Writes the checkpoint whole into a folder beside it, then swaps it in: a run stopped or killed while writing
     * leaves the previous checkpoint (or none), never new weights beside an older optimizer state and step.
     */
    private void checkpoint(ModelOutput output, TrainingState state) throws IOException {
        Path target = output.checkpoint();
        Path directory = target.resolveSibling(target.getFileName() + ".partial");
        Path previous = target.resolveSibling(target.getFileName() + ".previous");
        Folders.delete(directory);
        writeCheckpoint(directory, output, state);
        Folders.delete(previous);
        if (Files.exists(target)) {
            Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(directory, target, StandardCopyOption.ATOMIC_MOVE);
        Folders.delete(previous);
    }

    private void writeCheckpoint(Path directory, ModelOutput output, TrainingState state) throws IOException {
        ModelDirectory.save(model, output.tokenizerJson(), output.maxLength(), output.transeModel(),
                output.training(), directory);
        if (!extraBlocks.isEmpty()) {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(directory.resolve(EXTRA)), 1 << 20))) {
                for (Parameter parameter : extraParameters()) {
                    float[] values = parameter.getArray().toFloatArray();
                    out.writeInt(values.length);
                    for (float value : values) {
                        out.writeFloat(value);
                    }
                }
            }
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(directory.resolve(ModelOutput.OPTIMIZER)), 1 << 20))) {
            optimizer.save(out);
        }
        // the state last: it names a complete checkpoint
        state.write(directory);
    }

    /** The extra blocks' own parameters (a tied one, such as the masked-LM decoder, belongs to the model). */
    private List<Parameter> extraParameters() {
        java.util.Set<Parameter> own = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        own.addAll(model.parameters().values());
        return extraBlocks.stream().flatMap(block -> block.getParameters().values().stream())
                .filter(parameter -> !own.contains(parameter)).toList();
    }

    private TrainingState restore(ModelOutput output) throws IOException {
        Path directory = output.checkpoint();
        TrainingState state = TrainingState.read(directory, seed);
        try (ModelDirectory.Loaded saved = ModelDirectory.load(directory, model.device())) {
            for (Map.Entry<String, Parameter> entry : model.parameters().entrySet()) {
                NDArray stored = saved.model().parameters().get(entry.getKey()).getArray();
                entry.getValue().getArray().set(stored.toByteBuffer());
            }
        }
        if (!extraBlocks.isEmpty()) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                    Files.newInputStream(directory.resolve(EXTRA)), 1 << 20))) {
                for (Parameter parameter : extraParameters()) {
                    NDArray array = parameter.getArray();
                    int length = in.readInt();
                    if (length != array.size()) {
                        throw new IOException(String.format(Locale.ROOT,
                                "`%s` does not match: `%s` has %d values stored, %d expected.",
                                directory.resolve(EXTRA), parameter.getName(), length, array.size()));
                    }
                    float[] values = new float[length];
                    for (int i = 0; i < length; i++) {
                        values[i] = in.readFloat();
                    }
                    array.set(values);
                }
            }
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                Files.newInputStream(directory.resolve(ModelOutput.OPTIMIZER)), 1 << 20))) {
            optimizer.load(in);
        }
        listener.info(String.format(Locale.ROOT, "Resumed from `%s` at epoch %d, batch %d (step %d).",
                directory, state.nextEpoch() + 1, state.nextBatch(), state.step()));
        return state;
    }
}
