package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.infer.Evaluator;
import io.ernieneo4j.trainer.infer.ExampleEncoder;
import io.ernieneo4j.trainer.infer.InferenceModel;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.TaskMetrics;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import io.ernieneo4j.trainer.infer.engines.EngineChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ernie-trainer evaluate}: scores fine-tuned models on a test file, ERNIE and its baseline side by side. */
@Command(name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {"Scores a fine-tuned model on a JSON Lines file: typing — strict accuracy, micro and macro "
                + "F1; relations — micro and macro F1, per-class P/R/F1, confusion matrix.",
                "With --baseline (a model trained with --no-entities), both are scored and reported together."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The ERNIE model folder.")
    Path model;

    @Option(names = "--entities", required = true, paramLabel = "FILE",
            description = "The entity table the model was trained with.")
    Path entities;

    @Option(names = "--baseline", paramLabel = "DIR",
            description = "A model of the same task trained with --no-entities; scored without entity input.")
    Path baseline;

    @Option(names = "--test", required = true, paramLabel = "FILE", description = "Examples to score (JSON Lines).")
    Path test;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the scores here (default: DIR/test-metrics.json).")
    Path out;

    @Option(names = "--threshold", defaultValue = "0", description = "Typing: logit a type must exceed "
            + "(default: ${DEFAULT-VALUE}).")
    float threshold;

    @Option(names = "--unknown-entities", defaultValue = "fail",
            description = "fail (with file and line) or skip (counted) (default: ${DEFAULT-VALUE}).")
    String unknownEntities;

    @Option(names = "--batch-size", defaultValue = "64", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--engine", defaultValue = "pytorch", description = "pytorch, onnxruntime or auto, as "
            + "ernie.model.load takes it; a missing ONNX graph is exported into the model folder (default: "
            + "${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--quantization", defaultValue = "none", description = "none or int8 (the encoder's weights, on "
            + "onnxruntime), to measure what int8 costs (default: ${DEFAULT-VALUE}).")
    String quantization;

    @Override
    public Integer call() throws Exception {
        Quantization weights = Quantization.of("--quantization", quantization);
        DjlRuntime.start(Path.of("target", "djl-cache"));
        DeviceChoice.resolve(device); // a bad setting fails here, naming the key, before anything loads
        EntityTable table = EntityTable.load(entities);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("test", test.toString());
        report.put("engine", engine);
        report.put("quantization", weights.code());
        report.put("ernie", score(model, table, weights));
        if (baseline != null) {
            report.put("noEntities", score(baseline, null, weights));
        }
        Path file = out != null ? out : model.resolve("test-metrics.json");
        DatasetFiles.writeJson(file, report);
        System.out.println("Wrote " + file.toAbsolutePath());
        return 0;
    }

    private TaskMetrics score(Path directory, EntityTable table, Quantization weights) throws Exception {
        EngineChoice.Request request = new EngineChoice.Request(engine, device, EngineChoice.GraphPlace.MODEL_FOLDER,
                DjlRuntime.started().orElseThrow().threads(), weights);
        try (InferenceModel loaded = EngineChoice.load(directory, request)) {
            if (table != null) {
                ModelDirectory.requireEntities(loaded.manifest(), table);
            }
            System.out.printf(Locale.ROOT, "%s: %s%n", directory, loaded.detail());
            LabelSet labels = new LabelSet(loaded.manifest().labels());
            ExampleEncoder encoder = new ExampleEncoder(loaded.tokenizer(), labels, table,
                    UnknownEntities.valueOf(unknownEntities.toUpperCase(Locale.ROOT)));
            List<EncodedExample> examples = loaded.manifest().task() == ErnieTask.TYPING
                    ? encoder.typing(SourceLine.read(test, TypingExample.class))
                    : encoder.relation(SourceLine.read(test, RelationExample.class));
            TaskMetrics metrics = Evaluator.evaluate(loaded.inference(), table, labels, examples, batchSize,
                    threshold);
            // left-out examples are not scored: say how many, so that a score is not read as covering them
            System.out.printf(Locale.ROOT, "%s%s: %d test examples scored; longer than %d word pieces: %s%n",
                    directory, table == null ? " (no entities)" : "", examples.size(),
                    loaded.manifest().maxLength(), encoder.counts().lengths());
            System.out.printf(Locale.ROOT, "%s%s: %s%n", directory, table == null ? " (no entities)" : "",
                    metrics.summary());
            return metrics;
        }
    }
}
