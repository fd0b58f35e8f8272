package io.ernieneo4j.trainer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.infer.BatchPlan;
import io.ernieneo4j.trainer.infer.Batches;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.infer.Evaluator;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.infer.TaskMetrics;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.AdamW;
import io.ernieneo4j.trainer.training.LearningRateSchedule;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingLoop;
import io.ernieneo4j.trainer.training.TrainingParameters;
import io.ernieneo4j.trainer.training.TrainingState;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
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
    private final TrainingParameters parameters;
    private final TrainingListener listener;
    private final Termination termination;

    /** What a run ended with. */
    public record Result(TrainingState state, TaskMetrics bestDev) {}

    /**
     * @param entities the frozen entity table, or null to train without entity input
     */
    public Finetuner(ErnieModel model, EntityTable entities, LabelSet labels, TrainingParameters parameters,
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
        AdamW optimizer = new AdamW(model.parameters(), model.config().unusedEntityOutput(),
                parameters.weightDecay(), parameters.clipNorm(), model.untrainedParameters()::contains,
                parameters.headRateFactor());
        TrainingLoop loop = new TrainingLoop(model, List.of(), optimizer, schedule, parameters.seed(),
                parameters.checkpointSteps(), listener, termination);
        int[] lengths = train.stream().mapToInt(EncodedExample::length).toArray();
        TrainingState state = loop.run(new TrainingLoop.Work() {
            @Override
            public List<int[]> batches(int epoch) {
                return BatchPlan.training(lengths, parameters.batchSize(), parameters.seed(), epoch);
            }

            @Override
            public NDArray loss(int[] indices, NDManager scope, int step) {
                List<EncodedExample> batch = Batches.pick(train, indices);
                NDArray logits = model.logits(Batches.inputs(model.config(), batch, entities).toNDList(scope), true);
                return Objective.loss(model.task(), logits, batch);
            }

            @Override
            public long pieces(int[] indices) {
                return Batches.pick(train, indices).stream().mapToInt(EncodedExample::length).sum();
            }

            @Override
            public int examples() {
                return train.size();
            }

            @Override
            public double evaluate(int epoch) {
                TaskMetrics devMetrics = Finetuner.this.evaluate(dev);
                listener.info(String.format(Locale.ROOT, "epoch %d dev: %s", epoch + 1, devMetrics.summary()));
                return devMetrics.headline();
            }

            @Override
            public void keep() throws IOException {
                ModelDirectory.save(model, output.tokenizerJson(), output.maxLength(), output.transeModel(),
                        output.training(), output.directory());
            }

            @Override
            public boolean stop(TrainingState current) {
                return stopsEarly(current);
            }
        }, parameters.epochs(), output, resume);
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

    /** The best model's dev scores: re-evaluated from the saved directory, so they are the shipped model's. */
    private TaskMetrics bestDev(List<EncodedExample> dev, ModelOutput output) throws IOException {
        try (ModelDirectory.Loaded best = ModelDirectory.load(output.directory(), model.device())) {
            return Evaluator.evaluate(best.model(), entities, labels, dev, parameters.evalBatchSize(),
                    parameters.threshold());
        }
    }
}
