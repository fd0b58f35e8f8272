package io.ernieneo4j.trainer.finetune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieConfig;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.AdamW;
import io.ernieneo4j.trainer.training.EpochRecord;
import io.ernieneo4j.trainer.training.LearningRateSchedule;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingState;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Fine-tunes an ERNIE classifier (typing or relation) on encoded examples: length-sorted batches, AdamW with
 * warm-up and linear decay, gradient clipping, a dev evaluation after each epoch, the best model saved, early
 * stopping, and checkpoints a later run resumes from exactly (batch order and dropout are seeded by step).
 */
public final class Finetuner {

    private final ErnieModel model;
    private final EntityTable entities;
    private final LabelSet labels;
    private final FinetuneParameters parameters;
    private final TrainingListener listener;
    private final Termination termination;

    /** What a run ended with. */
    public record Result(TrainingState state, TaskMetrics bestDev) {}

    /**
     * @param entities the frozen entity table, or null to train without entity input
     */
    public Finetuner(ErnieModel model, EntityTable entities, LabelSet labels, FinetuneParameters parameters,
                     TrainingListener listener, Termination termination) {
        if (model.labels().size() != labels.size()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "The model has %d labels, the task %d.", model.labels().size(), labels.size()));
        }
        this.model = model;
        this.entities = entities;
        this.labels = labels;
        this.parameters = parameters;
        this.listener = listener;
        this.termination = termination;
    }

    /**
     * The reference's optimiser leaves out the last layer's entity output ({@code output.dense_ent},
     * {@code output.LayerNorm_ent}): nothing reads it.
     */
    public static Predicate<String> unusedEntityOutput(ErnieConfig config) {
        String last = "encoder.layer." + (config.layers() - 1) + ".output.";
        return name -> name.startsWith(last + "dense_ent.") || name.startsWith(last + "LayerNorm_ent.");
    }

    /**
     * Trains on {@code train}, evaluates on {@code dev} after each epoch and keeps the best model in
     * {@code output.directory()}.
     *
     * @param resume continue from the checkpoint in {@code output.checkpoint()}
     */
    public Result fit(List<EncodedExample> train, List<EncodedExample> dev, ModelOutput output, boolean resume)
            throws IOException {
        if (train.isEmpty() || dev.isEmpty()) {
            throw new IllegalArgumentException("Fine-tuning needs training and dev examples.");
        }
        int batchesPerEpoch = BatchPlan.batchesPerEpoch(train.size(), parameters.batchSize());
        LearningRateSchedule schedule = LearningRateSchedule.warmupThenLinearDecay(parameters.learningRate(),
                parameters.warmupFraction(), parameters.epochs() * batchesPerEpoch);
        AdamW optimizer = new AdamW(model.parameters(), unusedEntityOutput(model.config()),
                parameters.weightDecay(), parameters.clipNorm());
        TrainingState state = resume ? restore(output, optimizer) : TrainingState.start(parameters.seed());
        int[] lengths = train.stream().mapToInt(EncodedExample::length).toArray();
        listener.onTrainingStart(schedule.totalSteps(), state.step());
        while (state.nextEpoch() < parameters.epochs() && !stopsEarly(state)) {
            List<int[]> batches = BatchPlan.training(lengths, parameters.batchSize(), parameters.seed(),
                    state.nextEpoch());
            long pieces = 0;
            long start = System.nanoTime();
            while (state.nextBatch() < batches.size()) {
                termination.assertRunning();
                List<EncodedExample> batch = Batches.pick(train, batches.get(state.nextBatch()));
                float rate = schedule.rate(state.step());
                float loss = trainStep(batch, optimizer, rate, state.step());
                pieces += batch.stream().mapToInt(EncodedExample::length).sum();
                state = state.afterStep(loss);
                listener.onStep(state.step() - 1, loss, rate);
                if (parameters.checkpointSteps() > 0 && state.step() % parameters.checkpointSteps() == 0
                        && state.nextBatch() < batches.size()) {
                    checkpoint(output, optimizer, state);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            TaskMetrics devMetrics = evaluate(dev);
            EpochRecord record = new EpochRecord(state.nextEpoch() + 1, state.lossSum() / batches.size(),
                    devMetrics.headline(), seconds, train.size() / seconds, (double) pieces / train.size());
            if (state.isGain(record.devMetric())) {
                ModelDirectory.save(model, output.tokenizerJson(), output.maxLength(), output.transeModel(),
                        output.directory());
            }
            state = state.afterEpoch(record);
            listener.onEpoch(record);
            listener.info(String.format(Locale.ROOT, "epoch %d dev: %s", record.epoch(), devMetrics.summary()));
            checkpoint(output, optimizer, state);
        }
        if (stopsEarly(state) && state.nextEpoch() < parameters.epochs()) {
            listener.info(String.format(Locale.ROOT, "Stopped early after epoch %d: no better dev score for %d "
                    + "epochs (best %.4f at epoch %d).", state.nextEpoch(), state.epochsWithoutGain(),
                    state.bestMetric(), state.bestEpoch()));
        }
        listener.onTrainingEnd();
        return new Result(state, bestDev(dev, output));
    }

    /** Scores the model as it is now on {@code examples}. */
    public TaskMetrics evaluate(List<EncodedExample> examples) {
        return Evaluator.evaluate(model, entities, labels, examples, parameters.evalBatchSize(),
                parameters.threshold());
    }

    private boolean stopsEarly(TrainingState state) {
        return parameters.patience() > 0 && state.epochsWithoutGain() >= parameters.patience();
    }

    /** Forward, loss, backward and one optimiser step; returns the batch's loss. */
    private float trainStep(List<EncodedExample> batch, AdamW optimizer, float learningRate, int step) {
        Engine engine = model.manager().getEngine();
        // dropout draws from the engine's generator: seeding it per step makes a resumed run repeat an unbroken one
        engine.setRandomSeed((int) (parameters.seed() * 31 + step));
        try (NDManager scope = model.manager().newSubManager()) {
            float loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray logits = model.logits(Batches.inputs(model.config(), batch, entities).toNDList(scope), true);
                NDArray batchLoss = Objective.loss(model.task(), logits, batch);
                collector.backward(batchLoss);
                loss = batchLoss.getFloat();
            }
            float norm = optimizer.step(learningRate);
            if (!Float.isFinite(norm)) {
                listener.info(String.format(Locale.ROOT,
                        "Step %d: gradient norm %s, the update was skipped (loss %s).", step, norm, loss));
            }
            return loss;
        }
    }

    /** The best model's dev scores: re-evaluated from the saved directory, so they are the shipped model's. */
    private TaskMetrics bestDev(List<EncodedExample> dev, ModelOutput output) throws IOException {
        try (ModelDirectory.Loaded best = ModelDirectory.load(output.directory(), model.device())) {
            return Evaluator.evaluate(best.model(), entities, labels, dev, parameters.evalBatchSize(),
                    parameters.threshold());
        }
    }

    private void checkpoint(ModelOutput output, AdamW optimizer, TrainingState state) throws IOException {
        Path directory = output.checkpoint();
        ModelDirectory.save(model, output.tokenizerJson(), output.maxLength(), output.transeModel(), directory);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(directory.resolve(ModelOutput.OPTIMIZER)), 1 << 20))) {
            optimizer.save(out);
        }
        // the state last: it names a complete checkpoint
        state.write(directory);
    }

    private TrainingState restore(ModelOutput output, AdamW optimizer) throws IOException {
        Path directory = output.checkpoint();
        TrainingState state = TrainingState.read(directory, parameters.seed());
        try (ModelDirectory.Loaded saved = ModelDirectory.load(directory, model.device())) {
            for (Map.Entry<String, Parameter> entry : model.parameters().entrySet()) {
                NDArray stored = saved.model().parameters().get(entry.getKey()).getArray();
                entry.getValue().getArray().set(stored.toByteBuffer());
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
