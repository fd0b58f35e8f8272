package io.ernieneo4j.trainer.cli;

import ai.djl.Device;
import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.BundledMiniLm;
import io.ernieneo4j.trainer.ernie.onnx.OnnxExport;
import io.ernieneo4j.trainer.finetune.FinetuneRun;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.TrainingParameters;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/** {@code ernie-trainer finetune typing|relation}: fine-tunes ERNIE (or the no-entity baseline) on JSON Lines. */
@Command(name = "finetune",
        mixinStandardHelpOptions = true,
        description = "Fine-tunes ERNIE on entity typing or relation classification.",
        subcommands = {FinetuneCommand.Typing.class, FinetuneCommand.Relation.class})
final class FinetuneCommand {

    /** Where the entity input comes from: a table, or nowhere (the baseline). */
    static final class EntityInput {
        @Option(names = "--entities", required = true, paramLabel = "FILE",
                description = "Entity embeddings, one entity a line: id<TAB>v1 v2 ... (e.g. from `transe`).")
        Path entities;

        @Option(names = "--no-entities", required = true,
                description = "The baseline: the same architecture and schedule with no entity input.")
        boolean none;
    }

    /** The options both tasks share. */
    static final class Options {
        @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training examples (JSON Lines).")
        Path train;

        @Option(names = "--dev", required = true, paramLabel = "FILE",
                description = "Dev examples (JSON Lines): scored after each epoch; the best epoch's model is kept.")
        Path dev;

        @ArgGroup(exclusive = true, multiplicity = "1")
        EntityInput entityInput;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Output folder: the model the plugin loads (ernie.json, ernie.params, tokenizer.json), "
                        + "metrics.json, training.png and checkpoint/.")
        Path out;

        @Option(names = "--init", paramLabel = "PATH",
                description = "Starting weights: a BERT in ONNX (default: the bundled all-MiniLM-L6-v2), a model "
                        + "folder written by `pretrain`, or thunlp's ERNIE folder (ernie_config.json and its "
                        + "weights converted to model.safetensors; see docs/reference-checkpoint.md).")
        Path init;

        @Option(names = "--architecture", defaultValue = "minilm",
                description = "Shape of an ONNX --init: minilm (6 x 384) or bert-base (12 x 768) "
                        + "(default: ${DEFAULT-VALUE}).")
        String architecture;

        @Option(names = "--entity-scale", defaultValue = "1",
                description = "Multiplies the entity vectors on their way into an ONNX --init's fresh entity side; "
                        + "a model folder keeps its own. TransE vectors have unit norm, so 10 (√100) feeds each "
                        + "component at unit scale, which the fresh entity side learns from faster; 1 is the "
                        + "reference (default: ${DEFAULT-VALUE}).")
        float entityScale;

        @Option(names = "--tokenizer", paramLabel = "FILE",
                description = "Hugging Face tokenizer.json (default: the bundled MiniLM one, bert-base-uncased's "
                        + "vocabulary).")
        Path tokenizer;

        @Option(names = "--max-length", defaultValue = "64",
                description = "Word pieces per text, markers included (default: ${DEFAULT-VALUE}).")
        int maxLength;

        @Option(names = "--epochs", defaultValue = "3", description = "Epochs at most (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--batch-size", defaultValue = "32",
                description = "Sequences per step (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--learning-rate", defaultValue = "5e-5",
                description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}).")
        float learningRate;

        @Option(names = "--head-learning-rate", defaultValue = "1e-3",
                description = "Peak learning rate of what the starting weights do not hold: the task head, a pooler "
                        + "the checkpoint lacks (all-MiniLM has none), the entity side when starting from a plain "
                        + "BERT; 0 = --learning-rate (default: ${DEFAULT-VALUE}).")
        float headLearningRate;

        @Option(names = "--warmup", defaultValue = "0.1",
                description = "Share of the steps warming up linearly; then linear decay to 0 (default: "
                        + "${DEFAULT-VALUE}).")
        float warmup;

        @Option(names = "--weight-decay", defaultValue = "0.01",
                description = "AdamW decay of weight matrices; none on biases and LayerNorms (default: "
                        + "${DEFAULT-VALUE}).")
        float weightDecay;

        @Option(names = "--clip-norm", defaultValue = "1.0",
                description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
        float clipNorm;

        @Option(names = "--patience", defaultValue = "2",
                description = "Stop after this many epochs without a better dev score, 0 = never (default: "
                        + "${DEFAULT-VALUE}).")
        int patience;

        @Option(names = "--seed", defaultValue = "42",
                description = "Seeds batch order, dropout and fresh weights (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--train-limit", defaultValue = "0",
                description = "Train on a seeded sample of this many examples, 0 = all (default: ${DEFAULT-VALUE}).")
        int trainLimit;

        @Option(names = "--dev-limit", defaultValue = "0",
                description = "Score dev on a seeded sample of this many examples, 0 = all (default: "
                        + "${DEFAULT-VALUE}).")
        int devLimit;

        @Option(names = "--transe-model", paramLabel = "NAME",
                description = "The database's TransE model the --entities vectors come from, recorded in ernie.json: "
                        + "ernie.model.load gives the model that model's vectors (ernie.dataset.export's "
                        + "`modelName`; default: the --entities file name).")
        String transeModel;

        @Option(names = "--checkpoint-steps", defaultValue = "0",
                description = "Also checkpoint every N steps, besides each epoch end (default: ${DEFAULT-VALUE}).")
        int checkpointSteps;

        @Option(names = "--resume", description = "Continue from the checkpoint in DIR/checkpoint (same options).")
        boolean resume;

        @Option(names = "--unknown-entities", defaultValue = "fail",
                description = "A mention of an entity missing from --entities: fail (with file and line) or skip "
                        + "(counted and reported) (default: ${DEFAULT-VALUE}).")
        String unknownEntities;

        @Option(names = "--export-onnx", description = "Also write the trained model as an ONNX graph, "
                + "DIR/model.onnx, for ernie.model.load's `engine: 'onnxruntime'` (as export-onnx does).")
        boolean exportOnnx;

        @Option(names = "--export-onnx-int8", description = "Also write it with int8 encoder weights, "
                + "DIR/model.int8.onnx, for `quantization: 'int8'` (as export-onnx --quantization int8 does).")
        boolean exportOnnxInt8;

        @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
        String device;
    }

    @Command(name = "typing", mixinStandardHelpOptions = true,
            description = {"Entity typing: the mention wrapped in [ENT] markers, multi-label (sigmoid + binary "
                    + "cross-entropy), classified from the pooled [CLS]; dev score: micro F1.",
                    "Record: {\"id\", \"text\", \"mention\": {\"start\", \"end\", \"entity\"}, \"labels\": [...], "
                            + "\"entities\": [mentions]}."})
    static final class Typing implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--threshold", defaultValue = "0",
                description = "A type is predicted when its logit exceeds this; with none, the top type "
                        + "(default: ${DEFAULT-VALUE}).")
        float threshold;

        @Override
        public Integer call() throws Exception {
            return run(ErnieTask.TYPING, options, threshold);
        }
    }

    @Command(name = "relation", mixinStandardHelpOptions = true,
            description = {"Relation classification: [HD] around the head mention, [TL] around the tail, "
                    + "single-label (softmax + cross-entropy) from the pooled [CLS]; dev score: macro F1. A "
                    + "`no_relation` label is the negative class of micro scores.",
                    "Record: {\"id\", \"text\", \"head\": mention, \"tail\": mention, \"label\", "
                            + "\"entities\": [mentions]}."})
    static final class Relation implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() throws Exception {
            return run(ErnieTask.RELATION, options, 0f);
        }
    }

    static int run(ErnieTask task, Options o, float threshold) throws Exception {
        DjlRuntime.start(Path.of("target", "djl-cache"));
        Device device = DeviceChoice.resolve(o.device);
        Path tokenizerJson = o.tokenizer != null ? o.tokenizer : BundledMiniLm.tokenizerJson();
        EntityTable entities = o.entityInput.none ? null : EntityTable.load(o.entityInput.entities);
        TrainingParameters parameters = TrainingParameters.builder().optEpochs(o.epochs).optBatchSize(o.batchSize)
                .optLearningRate(o.learningRate).optHeadLearningRate(o.headLearningRate)
                .optWarmupFraction(o.warmup).optWeightDecay(o.weightDecay).optClipNorm(o.clipNorm)
                .optPatience(o.patience).optSeed(o.seed).optCheckpointSteps(o.checkpointSteps)
                .optThreshold(threshold).build();
        FinetuneRun.Examples<?> examples = task == ErnieTask.TYPING
                ? FinetuneRun.Examples.typing(SourceLine.read(o.train, TypingExample.class),
                SourceLine.read(o.dev, TypingExample.class))
                : FinetuneRun.Examples.relation(SourceLine.read(o.train, RelationExample.class),
                SourceLine.read(o.dev, RelationExample.class));
        Path init = InitOption.of(o.init);
        ErnieConfig architecture = InitOption.architecture(o.architecture).withEntityScale(o.entityScale);
        FinetuneRun.Settings settings = new FinetuneRun.Settings(init, architecture, tokenizerJson, o.maxLength,
                o.trainLimit, o.devLimit, UnknownEntities.valueOf(o.unknownEntities.toUpperCase(Locale.ROOT)),
                parameters, device);
        String transe = entities == null ? ErnieManifest.EntityEmbeddings.NONE : o.transeModel != null ? o.transeModel
                : o.entityInput.entities.getFileName().toString();
        FinetuneRun.Result result = FinetuneRun.run(examples, entities, settings,
                new ModelOutput(o.out, tokenizerJson, o.maxLength, transe, DatasetFiles.provenance(o.train)),
                o.resume, new ProgressBarListener(task.code()), Termination.ALWAYS);
        DatasetFiles.writeJson(o.out.resolve("metrics.json"), result.metrics(
                entities == null ? "none (--no-entities)" : o.entityInput.entities.toString(), init.toString(),
                settings));
        TrainingPlot.write(o.out.resolve("training.png"), task.code() + (entities == null
                ? " (no entities)" : " (ERNIE)"), task == ErnieTask.TYPING ? "micro F1" : "macro F1",
                result.fit().state().history());
        System.out.printf("Best dev (epoch %d): %s%nWrote %s%n", result.fit().state().bestEpoch(),
                result.fit().bestDev().summary(), o.out.toAbsolutePath());
        for (Quantization weights : Quantization.values()) {
            if (weights == Quantization.NONE ? o.exportOnnx : o.exportOnnxInt8) {
                OnnxExport.Result export = DjlRuntime.call(() -> {
                    try {
                        return OnnxExport.export(o.out, null, weights);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                System.out.printf("ONNX graph (%s weights) written to %s%n", weights.code(), export.file());
            }
        }
        return 0;
    }
}
