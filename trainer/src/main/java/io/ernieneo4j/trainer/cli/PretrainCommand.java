package io.ernieneo4j.trainer.cli;

import ai.djl.Device;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.io.BundledMiniLm;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import io.ernieneo4j.trainer.pretrain.PretrainParameters;
import io.ernieneo4j.trainer.pretrain.PretrainRun;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.TrainingParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ernie-trainer pretrain}: masked LM + denoising entity auto-encoder over a corpus with aligned entities. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Pretrains ERNIE: masked LM (15%% of word pieces, 80%% [MASK] / 10%% random / 10%% kept, "
                + "decoder tied to the word embeddings) plus the denoising entity auto-encoder (each aligned "
                + "entity 5%% replaced by another of the batch, 15%% dropped, 80%% kept; every aligned piece "
                + "predicts its entity among the batch's unique entities); the two losses are summed. "
                + "Next-sentence prediction is not trained.",
                "Writes an `encoder` model folder that `finetune --init DIR` starts from.",
                "Record: {\"id\", \"text\", \"entities\": [{\"start\", \"end\", \"entity\"}]} (e.g. corpus/corpus.jsonl "
                        + "of `datasets wordnet`)."})
final class PretrainCommand implements Callable<Integer> {

    @Option(names = "--corpus", required = true, paramLabel = "FILE",
            description = "Texts with their entity mentions (JSON Lines), e.g. corpus/corpus.jsonl from `datasets`.")
    Path corpus;

    @Option(names = "--entities", required = true, paramLabel = "FILE",
            description = "Entity embeddings, one entity a line: id<TAB>v1 v2 ... (e.g. from `transe`).")
    Path entities;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: the encoder (ernie.json, ernie.params, tokenizer.json, task `encoder`), "
                    + "metrics.json, training.png and checkpoint/.")
    Path out;

    @Option(names = "--init", paramLabel = "PATH",
            description = "Starting weights: a BERT in ONNX (default: the bundled all-MiniLM-L6-v2) or a model folder.")
    Path init;

    @Option(names = "--architecture", defaultValue = "minilm",
            description = "Shape of an ONNX --init: minilm (6 x 384) or bert-base (12 x 768) (default: ${DEFAULT-VALUE}).")
    String architecture;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "Hugging Face tokenizer.json (default: the bundled MiniLM one).")
    Path tokenizer;

    @Option(names = "--max-length", defaultValue = "64",
            description = "Word pieces per text, [CLS] and [SEP] included; longer texts are cut (default: "
                    + "${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--mask-probability", defaultValue = "0.15",
            description = "Share of word pieces the masked LM predicts (default: ${DEFAULT-VALUE}).")
    float maskProbability;

    @Option(names = "--max-predictions", defaultValue = "20",
            description = "Masked-LM predictions per sequence at most (the reference: 40 at length 256) (default: "
                    + "${DEFAULT-VALUE}).")
    int maxPredictions;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the corpus (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32",
            description = "Sequences per step; dEA's candidates are this batch's unique entities (default: "
                    + "${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "5e-5",
            description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--warmup", defaultValue = "0.1",
            description = "Share of the steps warming up linearly; then linear decay to 0 (default: ${DEFAULT-VALUE}).")
    float warmup;

    @Option(names = "--weight-decay", defaultValue = "0.01",
            description = "AdamW decay of weight matrices; none on biases and LayerNorms (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--clip-norm", defaultValue = "1.0",
            description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    float clipNorm;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seeds batch order, masking, entity corruption, dropout and fresh weights (default: "
                    + "${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-steps", defaultValue = "0",
            description = "Also checkpoint every N steps, besides each epoch end (default: ${DEFAULT-VALUE}).")
    int checkpointSteps;

    @Option(names = "--resume", description = "Continue from the checkpoint in DIR/checkpoint (same options).")
    boolean resume;

    @Option(names = "--unknown-entities", defaultValue = "skip",
            description = "A mention of an entity missing from --entities: skip (counted and reported; WordNet "
                    + "synsets without any pointer have no TransE vector) or fail (with file and line) (default: "
                    + "${DEFAULT-VALUE}).")
    String unknownEntities;

    @Option(names = "--freeze-pretrained",
            description = "Keep the starting weights as they are: only what they lack (the K-Encoder's entity side, "
                    + "when starting from a plain BERT) and the MLM and dEA heads train. Teaches the entity side "
                    + "without moving the BERT away from its pretraining.")
    boolean freezePretrained;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws Exception {
        DjlRuntime.start(Path.of("target", "djl-cache"));
        Device chosen = DeviceChoice.resolve(device);
        Path tokenizerJson = tokenizer != null ? tokenizer : BundledMiniLm.tokenizerJson();
        EntityTable table = EntityTable.load(entities);
        PretrainParameters parameters = new PretrainParameters(TrainingParameters.builder().optEpochs(epochs)
                .optBatchSize(batchSize).optLearningRate(learningRate).optWarmupFraction(warmup)
                .optWeightDecay(weightDecay).optClipNorm(clipNorm).optPatience(0).optSeed(seed)
                .optCheckpointSteps(checkpointSteps).build(), maskProbability, maxPredictions, freezePretrained);
        Path start = InitOption.of(init);
        PretrainRun.Settings settings = new PretrainRun.Settings(start, InitOption.architecture(architecture),
                tokenizerJson, maxLength, UnknownEntities.valueOf(unknownEntities.toUpperCase(Locale.ROOT)),
                parameters, chosen);
        PretrainRun.Result result = PretrainRun.run(SourceLine.read(corpus, CorpusDocument.class), table, settings,
                new ModelOutput(out, tokenizerJson, maxLength, entities.getFileName().toString()), resume,
                new ProgressBarListener("pretrain"), Termination.ALWAYS);
        DatasetFiles.writeJson(out.resolve("metrics.json"), result.metrics(corpus.toString(), entities.toString(),
                start.toString(), settings));
        TrainingPlot.write(out.resolve("training.png"), "pretrain (MLM + dEA)", null, result.state().history());
        System.out.printf("Pretrained %d steps, last epoch loss %.4f%nWrote %s%n", result.state().step(),
                result.lastLoss(), out.toAbsolutePath());
        return 0;
    }
}
