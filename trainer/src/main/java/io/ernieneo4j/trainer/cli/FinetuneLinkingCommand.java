package io.ernieneo4j.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import ai.djl.Device;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.BundledMiniLm;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import io.ernieneo4j.trainer.linking.LinkingFinetuner;
import io.ernieneo4j.trainer.linking.LinkingModelFiles;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.EpochRecord;
import io.ernieneo4j.trainer.training.TrainingParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "finetune-linking",
        mixinStandardHelpOptions = true,
        description = {"Fine-tunes the bundled all-MiniLM-L6-v2 for ernie.align.* `model` on WordNet's example "
                + "sentences (the training part of LinkingBenchmark's split by synset): a bi-encoder of sentence and "
                + "`lemma, lemma: definition`, in-batch and hard negatives (the mention's other senses). Writes a "
                + "linking model folder as linking-model does (encoder + linking.json with the weights refitted on "
                + "dev) and finetune-linking.json (what the run did).",
                "Evaluate it with ./ernie.sh benchmark LinkingBenchmark 0 0 0 <folder>."})
final class FinetuneLinkingCommand implements Callable<Integer> {

    /** The split's seed: LinkingBenchmark's and AlignBenchmark's. */
    static final long SPLIT_SEED = 42;
    static final String SUMMARY = "finetune-linking.json";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model folder to write.")
    Path out;

    @Option(names = "--train-examples", defaultValue = "0",
            description = "Train on the mentions of the first this many training sentences of the split "
                    + "(synsets in shuffled order), 0 = all (default: ${DEFAULT-VALUE}).")
    int trainExamples;

    @Option(names = "--dev-examples", defaultValue = "1500",
            description = "Score dev on the first this many dev sentences, 0 = all (default: ${DEFAULT-VALUE}).")
    int devExamples;

    @Option(names = "--steps", defaultValue = "270", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Dev evaluations, evenly spaced; the best-scoring encoder is kept (default: "
                    + "${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--batch-size", defaultValue = "32",
            description = "Sentences per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--hard-negatives", defaultValue = "3",
            description = "Other candidates of a mention (first by prior) in its batch (default: ${DEFAULT-VALUE}).")
    int hardNegatives;

    @Option(names = "--max-length", defaultValue = "48",
            description = "Word pieces a training text is cut to (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--learning-rate", defaultValue = "5e-5",
            description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--warmup", defaultValue = "0.1",
            description = "Share of the steps warming up linearly, then linear decay (default: ${DEFAULT-VALUE}).")
    float warmup;

    @Option(names = "--scale", defaultValue = "20",
            description = "Logits are scale * cosine (default: ${DEFAULT-VALUE}).")
    float scale;

    @Option(names = "--train-descriptions", defaultValue = "true", arity = "1",
            description = "Gradients through the description side too; false encodes descriptions without them "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean trainDescriptions;

    @Option(names = "--frozen-layers", defaultValue = "3",
            description = "-1 trains every weight; 0 keeps the embeddings as they are, N the embeddings and the first "
                    + "N of the 6 layers (cheaper steps) (default: ${DEFAULT-VALUE}).")
    int frozenLayers;

    @Option(names = "--patience", defaultValue = "0",
            description = "Stop after this many rounds without a better dev score, 0 = never (default: "
                    + "${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seeds batch order and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--keep-checkpoint", description = "Keep checkpoint/ (model and optimiser state) in the folder.")
    boolean keepCheckpoint;

    @Override
    public Integer call() throws Exception {
        TrainingParameters training = TrainingParameters.builder().optEpochs(rounds).optBatchSize(batchSize)
                .optLearningRate(learningRate).optWarmupFraction(warmup).optPatience(patience).optSeed(seed)
                .build();
        LinkingFinetuner.Parameters parameters = new LinkingFinetuner.Parameters(training, steps, hardNegatives,
                maxLength, scale, trainDescriptions, frozenLayers);
        double loadAtStart = loadAverage();
        WordNetSenseExamples wordNet = WordNetSenseExamples.load(SPLIT_SEED);
        List<LinkingFinetuner.Example> train = wordNet.finetuningExamples(wordNet.train(trainExamples));
        List<LinkingFinetuner.Example> dev = wordNet.finetuningExamples(wordNet.dev(devExamples));
        System.out.printf(Locale.ROOT, "%d training mentions, %d dev mentions (ambiguous, gold among the "
                + "candidates).%n", train.size(), dev.size());
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("examples", "WordNet 3.0 example sentences, train part of the split by synset (seed 42)");
        source.put("trainMentions", train.size());
        Path onnx = BundledMiniLm.onnx();
        Path tokenizerJson = BundledMiniLm.tokenizerJson();
        DjlRuntime.start(Path.of("target", "djl-cache"));
        Device on = DjlRuntime.call(() -> DeviceChoice.resolve(device));
        LinkingFinetuner.Result result = DjlRuntime.call(() -> {
            try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(onnx);
                 ErnieModel model = ErnieModel.fromCheckpoint(ErnieConfig.miniLm().plainBert(), on,
                         checkpoint, name -> name.startsWith("pooler."), 42);
                 WordPieceTokenizer tokenizer = WordPieceTokenizer.open(tokenizerJson, LinkingModelFiles.MAX_LENGTH)) {
                return new LinkingFinetuner(model, tokenizer, parameters, new ProgressBarListener("finetune-linking"),
                        Termination.ALWAYS).fit(train, dev, LinkingFinetuner.output(out, tokenizerJson, source),
                        false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!keepCheckpoint) {
            deleteTree(out.resolve("checkpoint"));
        }
        int stepsTaken = result.state().step();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("command", "./ernie.sh trainer "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        summary.put("trainMentions", train.size());
        summary.put("devMentions", dev.size());
        summary.put("steps", stepsTaken);
        summary.put("examplesSeen", (long) stepsTaken * batchSize);
        summary.put("trainingSeconds", round1(result.seconds()));
        summary.put("examplesPerSecond", round1(stepsTaken * (double) batchSize / result.seconds()));
        summary.put("loadAverageAtStart", loadAtStart);
        summary.put("loadAverageAtEnd", loadAverage());
        summary.put("threads", DjlRuntime.started().orElseThrow().threads());
        summary.put("device", on.toString());
        Map<String, Object> used = new LinkedHashMap<>();
        used.put("steps", steps);
        used.put("rounds", rounds);
        used.put("batchSize", batchSize);
        used.put("hardNegatives", hardNegatives);
        used.put("maxLength", maxLength);
        used.put("learningRate", learningRate);
        used.put("warmup", warmup);
        used.put("scale", scale);
        used.put("trainDescriptions", trainDescriptions);
        used.put("frozenLayers", frozenLayers);
        used.put("seed", seed);
        summary.put("parameters", used);
        summary.put("devBefore", Map.of("accuracy", result.before().accuracy(), "similarityAccuracy",
                result.before().similarityAccuracy()));
        summary.put("devBest", Map.of("accuracy", result.best().accuracy(), "similarityAccuracy",
                result.best().similarityAccuracy(), "alpha", result.best().scorer().alpha(),
                "beta", result.best().scorer().beta()));
        summary.put("rounds", result.state().history().stream().map(EpochRecord::devMetric).toList());
        summary.put("roundLosses", result.state().history().stream().map(EpochRecord::trainLoss).toList());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve(SUMMARY).toFile(),
                summary);
        System.out.printf(Locale.ROOT, "Linking model written to %s: dev accuracy %.4f (before %.4f), alpha %.3f, "
                        + "beta %.3f; %d steps in %.0f s.%n", out, result.best().accuracy(),
                result.before().accuracy(), result.best().scorer().alpha(), result.best().scorer().beta(), stepsTaken,
                result.seconds());
        return 0;
    }

    private static double loadAverage() {
        return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
    }

    private static double round1(double x) {
        return Math.round(x * 10) / 10.0;
    }

    private static void deleteTree(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
