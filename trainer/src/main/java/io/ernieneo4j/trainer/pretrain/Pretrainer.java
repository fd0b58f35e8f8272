package io.ernieneo4j.trainer.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.PretrainedWeights;
import io.ernieneo4j.trainer.ernie.nn.EntityPredictionHead;
import io.ernieneo4j.trainer.ernie.nn.MaskedLmHead;
import io.ernieneo4j.trainer.ernie.nn.ParameterNames;
import io.ernieneo4j.trainer.infer.BatchPlan;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.AdamW;
import io.ernieneo4j.trainer.training.LearningRateSchedule;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingLoop;
import io.ernieneo4j.trainer.training.TrainingParameters;
import io.ernieneo4j.trainer.training.TrainingState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Pretrains an ERNIE encoder with ERNIE's objectives, summed: masked LM (BERT's 15%, 80/10/10, decoder tied to the
 * word embeddings) and the denoising entity auto-encoder (5% replace / 15% drop / 80% keep, each aligned piece
 * predicts its entity among the batch's unique entities). Next-sentence prediction is not trained. The loop,
 * optimiser, schedule and checkpoints are fine-tuning's ({@link TrainingLoop}); masking and corruption are drawn
 * from a generator seeded by step, so a resumed run repeats an unbroken one. The encoder is saved after every epoch
 * as an {@code encoder} model directory, which {@code finetune --init} starts from.
 */
public final class Pretrainer {

    private final ErnieModel model;
    private final EntityTable entities;
    private final PretrainParameters parameters;
    private final TrainingListener listener;
    private final Termination termination;
    private final MaskedLmHead maskedLm;
    private final EntityPredictionHead entityPrediction;
    private final Map<String, Parameter> trained;

    /** The batch's two losses, apart. */
    public record Losses(NDArray maskedLm, NDArray entities, int maskedPieces, int entityPredictions) {
        public NDArray total() {
            return entities == null ? maskedLm : maskedLm.add(entities);
        }
    }

    public Pretrainer(ErnieModel model, EntityTable entities, PretrainParameters parameters,
                      TrainingListener listener, Termination termination) {
        if (model.task() != ErnieTask.ENCODER || !model.config().hasKnowledgeEncoder()) {
            throw new IllegalArgumentException("Pretraining needs an ERNIE `encoder` model (with a knowledge encoder).");
        }
        if (entities.dim() != model.config().entityDim()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "The entity table has %d dimensions, the model %d.", entities.dim(), model.config().entityDim()));
        }
        this.model = model;
        this.entities = entities;
        this.parameters = parameters;
        this.listener = listener;
        this.termination = termination;
        ErnieConfig config = model.config();
        this.maskedLm = new MaskedLmHead(config, model.encoder().wordEmbeddings());
        this.entityPrediction = new EntityPredictionHead(config);
        Shape states = new Shape(1, config.hiddenSize());
        maskedLm.initialize(model.manager(), DataType.FLOAT32, states);
        entityPrediction.initialize(model.manager(), DataType.FLOAT32, states, new Shape(1, config.entityDim()));
        Map<String, Parameter> heads = new LinkedHashMap<>(ParameterNames.of("cls.predictions", maskedLm));
        heads.putAll(ParameterNames.of("cls.predictions_ent", entityPrediction));
        PretrainedWeights.initialiseAll(heads, parameters.training().seed());
        Map<String, Parameter> all = new LinkedHashMap<>(model.parameters());
        all.putAll(heads);
        this.trained = all;
    }

    /**
     * The parameters of the two heads pretraining adds to an encoder of {@code config}: the masked-LM transform and
     * per-word bias (its decoder is the tied word table) and the dEA transform.
     */
    public static long headParameterCount(ErnieConfig config) {
        long h = config.hiddenSize();
        long e = config.entityDim();
        return (h * h + h) + 2 * h + config.vocabSize() + (h * e + e) + 2 * e;
    }

    /** Every trained parameter by name: the encoder's and the two heads'. */
    public Map<String, Parameter> parameters() {
        return trained;
    }

    /** Trains on {@code corpus}; the encoder goes to {@code output.directory()} after each epoch. */
    public TrainingState fit(List<EncodedExample> corpus, ModelOutput output, boolean resume) throws IOException {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("Pretraining needs at least one text.");
        }
        TrainingParameters training = parameters.training();
        int batchesPerEpoch = BatchPlan.batchesPerEpoch(corpus.size(), training.batchSize());
        LearningRateSchedule schedule = LearningRateSchedule.warmupThenLinearDecay(training.learningRate(),
                training.warmupFraction(), training.epochs() * batchesPerEpoch);
        Predicate<String> frozen = model.config().unusedEntityOutput();
        if (parameters.freezePretrained()) {
            Set<String> provided = new HashSet<>(model.parameters().keySet());
            provided.removeAll(model.untrainedParameters());
            frozen = frozen.or(provided::contains);
        }
        AdamW optimizer = new AdamW(trained, frozen, training.weightDecay(), training.clipNorm());
        TrainingLoop loop = new TrainingLoop(model, List.of(maskedLm, entityPrediction), optimizer, schedule,
                training.seed(), training.checkpointSteps(), listener, termination);
        int[] lengths = corpus.stream().mapToInt(EncodedExample::length).toArray();
        TrainingState state = loop.run(new TrainingLoop.Work() {
            @Override
            public List<int[]> batches(int epoch) {
                return BatchPlan.training(lengths, training.batchSize(), training.seed(), epoch);
            }

            @Override
            public NDArray loss(int[] indices, NDManager scope, int step) {
                return losses(pick(corpus, indices), scope, step, true).total();
            }

            @Override
            public long pieces(int[] indices) {
                return Arrays.stream(indices).mapToLong(i -> corpus.get(i).length()).sum();
            }

            @Override
            public int examples() {
                return corpus.size();
            }

            @Override
            public double evaluate(int epoch) {
                return Double.NaN;
            }

            @Override
            public void keep() throws IOException {
                ModelDirectory.save(model, output.tokenizerJson(), output.maxLength(), output.transeModel(),
                        output.training(), output.directory());
            }
        }, training.epochs(), output, resume);
        listener.onTrainingEnd();
        return state;
    }

    /**
     * The masked-LM and dEA losses (means over their predictions) of {@code batch}, masked and corrupted with a
     * generator seeded by {@code step}; with {@code training}, dropout is on.
     */
    public Losses losses(List<EncodedExample> batch, NDManager scope, int step, boolean training) {
        Random random = new Random(parameters.training().seed() * 1_000_003L + step);
        ErnieConfig config = model.config();
        List<TokenizedText> texts = new ArrayList<>(batch.size());
        List<MlmMasking.Masked> masks = new ArrayList<>(batch.size());
        for (EncodedExample example : batch) {
            TokenizedText pieces = example.pieces();
            MlmMasking.Masked masked = MlmMasking.mask(pieces.ids(), parameters.maskProbability(),
                    parameters.maxPredictions(), config.vocabSize(), random);
            masks.add(masked);
            texts.add(new TokenizedText(pieces.text(), masked.ids(), pieces.starts(), pieces.ends()));
        }
        EntityCorruption.Corrupted corrupted = EntityCorruption.corrupt(
                batch.stream().map(EncodedExample::entityRows).toList(), random);
        EncoderBatch inputs = EncoderBatch.withEntities(texts, corrupted.rows(), entities);
        ParameterStore store = new ParameterStore(model.manager(), false);
        NDArray sequence = model.encoder().forward(store, inputs.toNDList(scope), training).get(0);
        int hidden = config.hiddenSize();
        NDArray flat = sequence.reshape(-1, hidden);

        List<Long> rows = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        for (int b = 0; b < masks.size(); b++) {
            MlmMasking.Masked masked = masks.get(b);
            for (int i = 0; i < masked.positions().length; i++) {
                rows.add((long) b * inputs.length() + masked.positions()[i]);
                labels.add(masked.labels()[i]);
            }
        }
        NDArray mlmLogits = maskedLm.forward(store, new NDList(gatherRows(scope, flat, rows, hidden)), training)
                .head();
        NDArray mlmLoss = crossEntropy(scope, mlmLogits, labels);

        NDArray entityLoss = null;
        if (corrupted.predictions() > 0) {
            List<Long> aligned = new ArrayList<>();
            List<Long> targets = new ArrayList<>();
            for (int p = 0; p < corrupted.predictions(); p++) {
                aligned.add((long) corrupted.sequences()[p] * inputs.length() + corrupted.pieces()[p]);
                targets.add((long) corrupted.targets()[p]);
            }
            NDArray candidates = entities.vectors(scope, corrupted.candidates());
            NDArray entityLogits = entityPrediction.forward(store,
                    new NDList(gatherRows(scope, flat, aligned, hidden), candidates), training).head();
            entityLoss = crossEntropy(scope, entityLogits, targets);
        }
        return new Losses(mlmLoss, entityLoss, labels.size(), corrupted.predictions());
    }

    /** Rows {@code rows} of {@code flat} (n, hidden) as (rows, hidden). */
    private static NDArray gatherRows(NDManager scope, NDArray flat, List<Long> rows, int hidden) {
        long[] index = new long[rows.size() * hidden];
        for (int r = 0; r < rows.size(); r++) {
            Arrays.fill(index, r * hidden, (r + 1) * hidden, rows.get(r));
        }
        return flat.gather(scope.create(index, new Shape(rows.size(), hidden)).toDevice(flat.getDevice(), false), 0);
    }

    /** Mean softmax cross-entropy of {@code logits} (N, classes) against the class indices {@code targets}. */
    private static NDArray crossEntropy(NDManager scope, NDArray logits, List<Long> targets) {
        long[] index = targets.stream().mapToLong(Long::longValue).toArray();
        NDArray picked = logits.logSoftmax(1).gather(
                scope.create(index, new Shape(index.length, 1)).toDevice(logits.getDevice(), false), 1);
        return picked.mean().neg();
    }

    private static List<EncodedExample> pick(List<EncodedExample> corpus, int[] indices) {
        return Arrays.stream(indices).mapToObj(corpus::get).toList();
    }
}
