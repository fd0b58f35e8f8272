package io.ernieneo4j.trainer.finetune;

import ai.djl.Device;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.infer.ExampleEncoder;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.StartingWeights;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingParameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One fine-tuning run from records to a saved model, as {@code ernie-trainer finetune} and the plugin's
 * {@code ernie.type.train} and {@code ernie.relation.train} run it: a seeded sample of the records, the labels of
 * the training records, the examples encoded, the starting weights loaded, {@link Finetuner#fit}, and what
 * {@code metrics.json} records. Where the records come from (files, the graph) is the caller's business.
 */
public final class FinetuneRun {

    private FinetuneRun() {}

    /**
     * The records of one task, with how to read their labels and encode them.
     *
     * @param train records to train on
     * @param dev   records scored after each epoch
     */
    public record Examples<T>(ErnieTask task, List<SourceLine<T>> train, List<SourceLine<T>> dev,
                              Function<T, List<String>> labelsOf,
                              BiFunction<ExampleEncoder, List<SourceLine<T>>, List<EncodedExample>> encoding) {

        public static Examples<TypingExample> typing(List<SourceLine<TypingExample>> train,
                                                     List<SourceLine<TypingExample>> dev) {
            return new Examples<>(ErnieTask.TYPING, train, dev, TypingExample::labels, ExampleEncoder::typing);
        }

        public static Examples<RelationExample> relation(List<SourceLine<RelationExample>> train,
                                                         List<SourceLine<RelationExample>> dev) {
            return new Examples<>(ErnieTask.RELATION, train, dev, r -> List.of(r.label()), ExampleEncoder::relation);
        }

        /** The distinct labels of the training records: the head's labels (a train limit samples only examples). */
        public int labelCount() {
            return (int) train.stream().flatMap(line -> labelsOf.apply(line.record()).stream()).distinct().count();
        }
    }

    /**
     * How a run reads its examples and where it starts.
     *
     * @param init            the starting weights ({@link StartingWeights}: an ONNX BERT, a model folder, a
     *                        reference folder)
     * @param architecture    the shape of an ONNX {@code init}, with its entity scale
     * @param tokenizerJson   the Hugging Face tokenizer the texts are cut with
     * @param maxLength       word pieces per text, markers included
     * @param trainLimit      a seeded sample of this many training records, 0 = all
     * @param devLimit        the same for dev
     * @param unknownEntities what a mention of an entity missing from the entity table does
     */
    public record Settings(Path init, ErnieConfig architecture, Path tokenizerJson, int maxLength, int trainLimit,
                           int devLimit, UnknownEntities unknownEntities, TrainingParameters parameters,
                           Device device) {}

    /**
     * Examples of one split longer than the maximum length: read through a window around their mention(s), or left
     * out because their mentions alone do not fit.
     */
    public record Lengths(int windowed, int tooLong) {
        @Override
        public String toString() {
            return windowed + " windowed, " + tooLong + " left out";
        }
    }

    /**
     * What a run did.
     *
     * @param labels       the head's labels, in logit order
     * @param alignment    how the mentions met the entity table ("no entity input" without one)
     * @param entityScale  the entity scale of the model trained
     * @param fit          the training state and the best epoch's dev scores
     */
    public record Result(ErnieTask task, List<String> labels, int trainExamples, int devExamples, String alignment,
                         Lengths trainLengths, Lengths devLengths, float entityScale, Finetuner.Result fit) {

        /**
         * The record {@code metrics.json} holds.
         *
         * @param entities where the entity vectors came from, in words
         * @param init     where the weights started from, in words
         */
        public Map<String, Object> metrics(String entities, String init, Settings settings) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("task", task.code());
            metrics.put("entities", entities);
            metrics.put("init", init);
            metrics.put("entityScale", entityScale);
            metrics.put("trainExamples", trainExamples);
            metrics.put("devExamples", devExamples);
            metrics.put("alignment", alignment);
            metrics.put("maxLength", settings.maxLength());
            metrics.put("trainLengths", trainLengths);
            metrics.put("devLengths", devLengths);
            metrics.put("parameters", settings.parameters());
            metrics.put("bestEpoch", fit.state().bestEpoch());
            metrics.put("dev", fit.bestDev());
            metrics.put("history", fit.state().history());
            return metrics;
        }
    }

    /**
     * Encodes the examples, loads the starting weights and fine-tunes them into {@code output}.
     *
     * @param entities the frozen entity table, or null for the baseline without entity input
     * @param resume   continue from the checkpoint in {@code output.checkpoint()}
     */
    public static <T> Result run(Examples<T> examples, EntityTable entities, Settings settings, ModelOutput output,
                                 boolean resume, TrainingListener listener, Termination termination)
            throws IOException {
        TrainingParameters parameters = settings.parameters();
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.open(settings.tokenizerJson(), settings.maxLength())) {
            List<SourceLine<T>> train = sample(examples.train(), settings.trainLimit(), parameters.seed());
            List<SourceLine<T>> dev = sample(examples.dev(), settings.devLimit(), parameters.seed());
            // the labels of every training record, not only the sample's: a dev example whose label the sample
            // happens to miss is still one the model can predict
            LabelSet labels = new LabelSet(examples.train().stream()
                    .flatMap(l -> examples.labelsOf().apply(l.record()).stream()).toList());
            ExampleEncoder encoder = new ExampleEncoder(tokenizer, labels, entities, settings.unknownEntities());
            List<EncodedExample> encodedTrain = examples.encoding().apply(encoder, train);
            Lengths trainLengths = new Lengths(encoder.counts().windowedExamples(),
                    encoder.counts().tooLongExamples());
            List<EncodedExample> encodedDev = examples.encoding().apply(encoder, dev);
            Lengths devLengths = new Lengths(encoder.counts().windowedExamples() - trainLengths.windowed(),
                    encoder.counts().tooLongExamples() - trainLengths.tooLong());
            String alignment = entities == null ? "no entity input" : encoder.counts().toString();
            String task = examples.task().code();
            listener.info(String.format(Locale.ROOT, "%s: %d train, %d dev examples, %d labels; %s",
                    task, encodedTrain.size(), encodedDev.size(), labels.size(), alignment));
            listener.info(String.format(Locale.ROOT, "longer than %d word pieces: train %s; dev %s",
                    settings.maxLength(), trainLengths, devLengths));
            try (ErnieModel model = StartingWeights.load(settings.init(), settings.architecture(), examples.task(),
                    labels.names(), settings.device(), parameters.seed())) {
                Finetuner.Result fit = new Finetuner(model, entities, labels, parameters, listener, termination)
                        .fit(encodedTrain, encodedDev, output, resume);
                return new Result(examples.task(), labels.names(), encodedTrain.size(), encodedDev.size(),
                        alignment, trainLengths, devLengths, model.config().entityScale(), fit);
            }
        }
    }

    /** A seeded sample of {@code limit} records, or all of them when {@code limit} is 0 or not smaller. */
    private static <T> List<SourceLine<T>> sample(List<SourceLine<T>> records, int limit, long seed) {
        if (limit <= 0 || limit >= records.size()) {
            return records;
        }
        List<SourceLine<T>> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(seed));
        return shuffled.subList(0, limit);
    }
}
