package io.ernieneo4j.trainer.linking;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.AdamW;
import io.ernieneo4j.trainer.training.LearningRateSchedule;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingLoop;
import io.ernieneo4j.trainer.training.TrainingParameters;
import io.ernieneo4j.trainer.training.TrainingState;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes a linking model's encoder (a plain BERT such as the bundled MiniLM) as a bi-encoder, as BLINK and BEM
 * do: a sentence and the description of the entity it mentions are encoded apart by the same encoder, mean-pooled
 * to unit vectors, and the loss is the cross-entropy of the gold description among the batch's descriptions, scored
 * by {@code scale * cosine}. A batch holds each sentence's gold description and up to {@code hardNegatives} of its
 * mention's other candidates (first by prior), so every sentence is also scored against the other sentences' gold
 * and hard negatives (in-batch negatives, each distinct description once). The plugin reads the result unchanged:
 * the same encoder encodes sentences and descriptions there.
 *
 * <p>Training runs in the shared {@link TrainingLoop} (AdamW with BERT's groups, warm-up then linear decay, gradient
 * clipping, dropout seeded per step, checkpoints): an "epoch" of the loop is a round of {@code steps / rounds}
 * steps over a seeded shuffle of the examples, after which the encoder is scored on dev (the two weights of
 * {@link SenseScorer} fitted there, accuracy of the fitted combination) and kept when it is the best so far. The
 * kept encoder's weights are fitted again on dev at the end and written as {@link LinkingModelFiles#FILE}.
 */
public final class LinkingFinetuner {

    /** A mention: its sentence, its candidates' descriptions and log priors (by prior), and which one is right. */
    public record Example(String sentence, List<String> descriptions, double[] logPriors, int gold) {
        public Example {
            descriptions = List.copyOf(descriptions);
            if (gold < 0 || gold >= descriptions.size() || logPriors.length != descriptions.size()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "An example needs its gold among %d descriptions with as many log priors, got gold %d and "
                                + "%d log priors.", descriptions.size(), gold, logPriors.length));
            }
        }
    }

    /**
     * @param training      batch size (sentences per step), peak learning rate, warm-up share, weight decay, clipping,
     *                      patience (in rounds) and seed; its {@code epochs} is the number of rounds, each ending in
     *                      a dev evaluation
     * @param steps         optimiser steps in all
     * @param hardNegatives a mention's other candidates (first by prior) put in its batch, at most
     * @param maxLength     word pieces a training sentence or description is cut to
     * @param scale         the logits are {@code scale * cosine} (sentence-transformers' 20)
     * @param trainDescriptions whether gradients flow through the description side too; without, descriptions are
     *                      encoded by the current encoder without gradients (cheaper per step)
     * @param frozenLayers  -1 trains every parameter; 0 keeps the embeddings as they are, N the embeddings and the
     *                      first N layers (no gradient is computed for them, so a step costs less)
     */
    public record Parameters(TrainingParameters training, int steps, int hardNegatives, int maxLength, float scale,
                             boolean trainDescriptions, int frozenLayers) {
        public Parameters {
            if (steps < training.epochs()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Value for `steps` was `%d`, but must be at least the number of rounds (%d).", steps,
                        training.epochs()));
            }
            if (frozenLayers < -1) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Value for `frozenLayers` was `%d`, but must be at least -1.", frozenLayers));
            }
            if (hardNegatives < 0 || maxLength < 8 || !(scale > 0)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Need hardNegatives >= 0, maxLength >= 8 and scale > 0, got %d, %d and %s.", hardNegatives,
                        maxLength, scale));
            }
        }

        int stepsPerRound() {
            return steps / training.epochs();
        }

        /** Whether the parameter of this name is kept as it is. */
        boolean frozen(String name) {
            if (name.startsWith("pooler.")) {
                return true; // mean pooling does not use it (an ONNX export without one leaves it fresh)
            }
            if (frozenLayers < 0) {
                return false;
            }
            if (name.startsWith("embeddings.")) {
                return true;
            }
            for (int layer = 0; layer < frozenLayers; layer++) {
                if (name.startsWith("encoder.layer." + layer + ".")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A dev score: the fitted weights, the accuracy of their combination and of the similarity alone. */
    public record DevScore(SenseScorer scorer, double accuracy, double similarityAccuracy) {}

    /**
     * @param state       the loop's last state (history: one record per round, its dev metric the accuracy)
     * @param before      the dev score of the encoder as it started
     * @param best        the dev score of the kept encoder, whose weights are written
     * @param examples    training examples
     * @param seconds     wall time of the training rounds (evaluations included)
     */
    public record Result(TrainingState state, DevScore before, DevScore best, int examples, double seconds) {}

    private final ErnieModel model;
    private final WordPieceTokenizer tokenizer;
    private final Parameters parameters;
    private final TrainingListener listener;
    private final Termination termination;
    private final Map<String, TokenizedText> pieces = new HashMap<>();

    /**
     * @param tokenizer the model's tokenizer, opened with the evaluation length ({@link LinkingModelFiles#MAX_LENGTH});
     *                  training texts are cut to {@code parameters.maxLength()} here
     */
    public LinkingFinetuner(ErnieModel model, WordPieceTokenizer tokenizer, Parameters parameters,
                            TrainingListener listener, Termination termination) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.parameters = parameters;
        this.listener = listener;
        this.termination = termination;
    }

    /**
     * Trains on {@code train}, keeps the encoder that scores best on {@code dev} in {@code output.directory()} with its
     * fitted {@link LinkingModelFiles#FILE}. Run inside {@code DjlRuntime.call}.
     */
    public Result fit(List<Example> train, List<Example> dev, ModelOutput output, boolean resume) throws IOException {
        if (train.isEmpty() || dev.isEmpty()) {
            throw new IllegalArgumentException("Fine-tuning a linking model needs training and dev examples.");
        }
        TrainingParameters training = parameters.training();
        LearningRateSchedule schedule = LearningRateSchedule.warmupThenLinearDecay(training.learningRate(),
                training.warmupFraction(), parameters.stepsPerRound() * training.epochs());
        AdamW optimizer = new AdamW(model.parameters(), parameters::frozen, training.weightDecay(),
                training.clipNorm());
        TrainingLoop loop = new TrainingLoop(model, List.of(), optimizer, schedule, training.seed(),
                training.checkpointSteps(), listener, termination);
        DevScore before = score(dev);
        listener.info(String.format(Locale.ROOT, "before training, dev: accuracy %.4f (similarity alone %.4f)",
                before.accuracy(), before.similarityAccuracy()));
        DevScore[] last = new DevScore[2];
        long start = System.nanoTime();
        Rounds rounds = new Rounds(train.size(), training.batchSize(), parameters.stepsPerRound(), training.seed());
        // no gradient is computed for what stays as it is
        model.parameters().forEach((name, p) -> p.getArray().setRequiresGradient(!parameters.frozen(name)));
        TrainingState state;
        try {
            state = train(loop, rounds, train, dev, output, resume, last);
        } finally {
            model.parameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        listener.onTrainingEnd();
        // the kept encoder's score, from the evaluation that kept it (a resumed run that kept nothing new scores it)
        DevScore best = last[1];
        if (best == null) {
            try (ModelDirectory.Loaded kept = ModelDirectory.load(output.directory(), model.device())) {
                best = new LinkingFinetuner(kept.model(), tokenizer, parameters, listener, termination).score(dev);
            }
        }
        LinkingModelFiles.save(output.directory(), best.scorer());
        return new Result(state, before, best, train.size(), seconds);
    }

    private TrainingState train(TrainingLoop loop, Rounds rounds, List<Example> train, List<Example> dev,
                                ModelOutput output, boolean resume, DevScore[] last) throws IOException {
        TrainingParameters training = parameters.training();
        return loop.run(new TrainingLoop.Work() {
            @Override
            public List<int[]> batches(int epoch) {
                return rounds.round(epoch);
            }

            @Override
            public NDArray loss(int[] batch, NDManager scope, int step) {
                return batchLoss(pick(train, batch), scope, true);
            }

            @Override
            public long pieces(int[] batch) {
                long sum = 0;
                for (int i : batch) {
                    Example e = train.get(i);
                    sum += trainingPieces(e.sentence()).length();
                    for (String d : negatives(e)) {
                        sum += trainingPieces(d).length();
                    }
                }
                return sum;
            }

            @Override
            public int examples() {
                return parameters.stepsPerRound() * training.batchSize();
            }

            @Override
            public double evaluate(int epoch) {
                DevScore score = score(dev);
                last[0] = score;
                listener.info(String.format(Locale.ROOT, "round %d dev: accuracy %.4f (similarity alone %.4f), "
                        + "alpha %.3f, beta %.3f", epoch + 1, score.accuracy(), score.similarityAccuracy(),
                        score.scorer().alpha(), score.scorer().beta()));
                return score.accuracy();
            }

            @Override
            public void keep() throws IOException {
                last[1] = last[0];
                ModelDirectory.save(model, tokenizer.file(), LinkingModelFiles.MAX_LENGTH,
                        ErnieManifest.EntityEmbeddings.NONE, output.training(), output.directory());
            }

            @Override
            public boolean stop(TrainingState current) {
                return training.patience() > 0 && current.epochsWithoutGain() >= training.patience();
            }
        }, training.epochs(), output, resume);
    }

    /**
     * The batch's loss: each sentence against every distinct description of the batch (its gold, its hard
     * negatives, the other sentences' ones), cross-entropy of its gold at {@code scale * cosine}.
     */
    NDArray batchLoss(List<Example> batch, NDManager scope, boolean training) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        int[] gold = new int[batch.size()];
        List<String> sentences = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            Example e = batch.get(b);
            sentences.add(e.sentence());
            gold[b] = columns.computeIfAbsent(e.descriptions().get(e.gold()), k -> columns.size());
            for (String negative : negatives(e)) {
                columns.computeIfAbsent(negative, k -> columns.size());
            }
        }
        NDArray s = embed(sentences, scope, training);
        List<String> descriptions = new ArrayList<>(columns.keySet());
        NDArray d = embed(descriptions, scope, training && parameters.trainDescriptions());
        NDArray logits = s.matMul(d.transpose()).mul(parameters.scale());
        float[] targets = new float[batch.size() * descriptions.size()];
        for (int b = 0; b < gold.length; b++) {
            targets[b * descriptions.size() + gold[b]] = 1f;
        }
        NDArray target = scope.create(targets, new Shape(batch.size(), descriptions.size()));
        return logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
    }

    /** The loss of {@code examples} as one batch, without dropout or gradients. Run inside {@code DjlRuntime.call}. */
    public double loss(List<Example> examples) {
        try (NDManager scope = model.manager().newSubManager()) {
            return batchLoss(examples, scope, false).getFloat();
        }
    }

    /** The mention's other candidates' descriptions put in its batch: the first {@code hardNegatives} by prior. */
    private List<String> negatives(Example e) {
        List<String> negatives = new ArrayList<>(parameters.hardNegatives());
        for (int k = 0; k < e.descriptions().size() && negatives.size() < parameters.hardNegatives(); k++) {
            if (k != e.gold() && !e.descriptions().get(k).equals(e.descriptions().get(e.gold()))) {
                negatives.add(e.descriptions().get(k));
            }
        }
        return negatives;
    }

    /**
     * Unit mean-pooled vectors (texts, hidden) of {@code texts} cut to the training length: in training mode
     * (dropout, recorded for the backward pass) when {@code trained}, else as inference on the current weights.
     */
    private NDArray embed(List<String> texts, NDManager scope, boolean trained) {
        List<TokenizedText> tokenized = texts.stream().map(this::trainingPieces).toList();
        EncoderBatch batch = EncoderBatch.tokens(tokenized);
        NDList inputs = batch.toNDList(scope);
        NDArray states = trained
                ? model.encoder().forward(new ParameterStore(model.manager(), false), inputs, true).get(0)
                : model.predict(inputs).get(0);
        NDArray mask = inputs.get(2).toType(DataType.FLOAT32, false).expandDims(2);
        NDArray mean = states.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}));
        return mean.div(mean.square().sum(new int[] {1}, true).sqrt().add(1e-12f));
    }

    private TokenizedText trainingPieces(String text) {
        return pieces.computeIfAbsent(text, t -> cut(tokenizer.encode(t), parameters.maxLength()));
    }

    /** The first {@code maxLength - 1} pieces and [SEP], as the tokenizer cuts. */
    static TokenizedText cut(TokenizedText whole, int maxLength) {
        if (whole.length() <= maxLength) {
            return whole;
        }
        long[] ids = java.util.Arrays.copyOf(whole.ids(), maxLength);
        int[] starts = java.util.Arrays.copyOf(whole.starts(), maxLength);
        int[] ends = java.util.Arrays.copyOf(whole.ends(), maxLength);
        ids[maxLength - 1] = whole.ids()[whole.length() - 1];
        starts[maxLength - 1] = -1;
        ends[maxLength - 1] = -1;
        return new TokenizedText(whole.text(), ids, starts, ends);
    }

    /**
     * Scores the encoder as it is now on {@code examples} as the plugin reads them (full length, no dropout): the
     * two weights fitted on them by maximum likelihood, and the share of them whose best candidate is the gold.
     */
    public DevScore score(List<Example> examples) {
        List<SenseScorer.Choice> choices = choices(new TextEncoder(model, tokenizer), examples);
        SenseScorer fitted = SenseScorer.fit(choices);
        return new DevScore(fitted, accuracy(fitted, choices), accuracy(new SenseScorer(1, 0), choices));
    }

    /** Each example's log priors and cosines between its sentence and its candidates' descriptions. */
    public static List<SenseScorer.Choice> choices(TextEncoder encoder, List<Example> examples) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        examples.forEach(e -> e.descriptions().forEach(d -> rows.computeIfAbsent(d, k -> rows.size())));
        float[][] descriptions = encoder.encode(new ArrayList<>(rows.keySet()));
        float[][] sentences = encoder.encode(examples.stream().map(Example::sentence).toList());
        List<SenseScorer.Choice> choices = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            double[] similarities = new double[e.descriptions().size()];
            for (int k = 0; k < similarities.length; k++) {
                similarities[k] = TextEncoder.dot(sentences[i], descriptions[rows.get(e.descriptions().get(k))]);
            }
            choices.add(new SenseScorer.Choice(e.logPriors(), similarities, e.gold()));
        }
        return choices;
    }

    static double accuracy(SenseScorer scorer, List<SenseScorer.Choice> choices) {
        int right = 0;
        for (SenseScorer.Choice c : choices) {
            right += scorer.best(c.logPriors(), c.similarities()) == c.gold() ? 1 : 0;
        }
        return (double) right / choices.size();
    }

    private static List<Example> pick(List<Example> examples, int[] indices) {
        List<Example> picked = new ArrayList<>(indices.length);
        for (int i : indices) {
            picked.add(examples.get(i));
        }
        return picked;
    }

    /**
     * The batches of each round: consecutive batches of an endless sequence of passes over the examples, each pass
     * a shuffle seeded by the run's seed and its number, so that a resumed round repeats an unbroken one.
     */
    static final class Rounds {
        private final int examples;
        private final int batchSize;
        private final int stepsPerRound;
        private final long seed;

        Rounds(int examples, int batchSize, int stepsPerRound, long seed) {
            this.examples = examples;
            this.batchSize = Math.min(batchSize, examples);
            this.stepsPerRound = stepsPerRound;
            this.seed = seed;
        }

        List<int[]> round(int round) {
            int batchesPerPass = examples / batchSize;
            List<int[]> batches = new ArrayList<>(stepsPerRound);
            int pass = -1;
            List<Integer> order = List.of();
            for (long g = (long) round * stepsPerRound; g < (long) (round + 1) * stepsPerRound; g++) {
                int p = Math.toIntExact(g / batchesPerPass);
                if (p != pass) {
                    pass = p;
                    List<Integer> shuffled = new ArrayList<>(examples);
                    for (int i = 0; i < examples; i++) {
                        shuffled.add(i);
                    }
                    Collections.shuffle(shuffled, new Random(seed * 1_000_003L + p));
                    order = shuffled;
                }
                int from = Math.toIntExact(g % batchesPerPass) * batchSize;
                int[] batch = new int[batchSize];
                for (int b = 0; b < batchSize; b++) {
                    batch[b] = order.get(from + b);
                }
                batches.add(batch);
            }
            return batches;
        }
    }

    /** Where {@link #fit} writes: the model folder, its tokenizer, what the examples came from. */
    public static ModelOutput output(Path directory, Path tokenizerJson, Map<String, Object> training) {
        return new ModelOutput(directory, tokenizerJson, LinkingModelFiles.MAX_LENGTH,
                ErnieManifest.EntityEmbeddings.NONE, training);
    }
}
