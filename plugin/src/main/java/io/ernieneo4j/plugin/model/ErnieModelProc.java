package io.ernieneo4j.plugin.model;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.plugin.common.PluginRuntime;
import io.ernieneo4j.plugin.transe.TransEModelRegistry;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.infer.ErnieInference;
import io.ernieneo4j.trainer.infer.InferenceModel;
import io.ernieneo4j.trainer.infer.PyTorchInference;
import io.ernieneo4j.trainer.infer.engines.EngineChoice;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The registry of loaded ERNIE models (GDS's {@code gds.model.*} habits): load, list, drop. */
public class ErnieModelProc {

    private static final Set<String> KEYS = Set.of("path", "device", "engine", "quantization", "replace");
    /** How deep under the models folder stored model folders are looked for. */
    private static final int STORED_DEPTH = 4;

    @Context
    public GraphDatabaseService db;

    @Context
    public Log log;

    @Procedure(name = "ernie.model.load", mode = Mode.READ)
    @Description("Loads an ERNIE model directory (ernie.json, ernie.params, tokenizer.json) from the folder the "
            + "administrator configured (`ernie.dir.models`) on `engine` 'pytorch', 'onnxruntime' or 'auto' and "
            + "`device` 'auto', 'cpu' or 'gpu', with the entity "
            + "vectors of the TransE model it expects, which must exist in this database with the same dimension (none for a "
            + "model trained with `--no-entities`). "
            + "Reads files and holds the model in the server's memory until ernie.model.drop; on 'onnxruntime' "
            + "(or 'auto') a folder without an exported graph gets one (model.onnx, or model.int8.onnx with "
            + "`quantization` 'int8', when file writes are on; else a temporary file).")
    public Stream<ModelResult> load(
            @Name(value = "name", description = "The name calls refer to the model by.") String name,
            @Name(value = "configuration", description = "`path` (relative to ernie.dir.models; required), "
                    + "`engine` ('pytorch'; 'onnxruntime' needs ONNX Runtime's jar beside the plugin; 'auto' takes "
                    + "it when it can run the model), `quantization` ('none'; 'int8': the encoder's weights in int8 "
                    + "on ONNX Runtime, faster on the CPU at a small accuracy cost, see docs/onnx.md), `device` "
                    + "('auto'), `replace` (false).")
            Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, KEYS);
        String deviceSetting = config.oneOf("device", DeviceChoice.AUTO,
                List.of(DeviceChoice.AUTO, DeviceChoice.CPU, DeviceChoice.GPU));
        String engine = config.oneOf("engine", ErnieInference.PYTORCH, EngineChoice.SETTINGS);
        Quantization quantization = Quantization.of("quantization",
                config.oneOf("quantization", Quantization.NONE.code(), Quantization.CODES));
        ErnieModelCatalog.LoadedModel model = load(db, name, config.requireString("path"), engine, quantization,
                deviceSetting, config.bool("replace", false));
        log.info("ernie: model `%s` loaded from `%s` on %s", name, model.path(), model.loaded().detail());
        return Stream.of(result(model, PluginFolders.root(db, PluginFolders.Folder.MODELS)));
    }

    /**
     * Loads the model directory {@code path} (relative to ernie.dir.models) on PyTorch with its TransE model's
     * vectors and registers it under {@code name}; ernie.type.train and ernie.relation.train register what they
     * trained with it.
     *
     * @param deviceSetting 'auto', 'cpu' or 'gpu'
     */
    public static ErnieModelCatalog.LoadedModel load(GraphDatabaseService db, String name, String path,
                                                     String deviceSetting, boolean replace) {
        return load(db, name, path, ErnieInference.PYTORCH, Quantization.NONE, deviceSetting, replace);
    }

    /**
     * As ernie.model.load does: the model directory {@code path} on {@code engine} ({@link EngineChoice#SETTINGS})
     * with its weights as {@code quantization}, with its TransE model's vectors, registered under {@code name}.
     */
    static ErnieModelCatalog.LoadedModel load(GraphDatabaseService db, String name, String path, String engine,
                                              Quantization quantization, String deviceSetting, boolean replace) {
        Path directory = PluginFolders.inside(db, PluginFolders.Folder.MODELS, path, "path");
        ErnieManifest manifest;
        try {
            manifest = ModelDirectory.readManifest(directory);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot load ERNIE model from `" + path + "`: "
                    + e.getMessage(), e);
        }
        String transeName = manifest.entities().transeModel();
        // a model trained without entity input (the --no-entities baseline) needs no TransE model
        TransEModelFiles.NamedModel transe = manifest.entities().used() ? TransEModelRegistry.load(db, transeName) : null;
        if (transe != null && transe.model().dimensions() != manifest.entities().dimension()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "ERNIE model `%s` expects %d-d entity vectors, but TransE model `%s` has %d dimensions.",
                    name, manifest.entities().dimension(), transeName, transe.model().dimensions()));
        }
        PluginRuntime.engine(db);
        // a graph exported at load goes into the model folder only where procedures may write files
        EngineChoice.Request request = new EngineChoice.Request(engine, deviceSetting,
                PluginFolders.fileWritesEnabled() ? EngineChoice.GraphPlace.MODEL_FOLDER
                        : EngineChoice.GraphPlace.TEMPORARY,
                PluginRuntime.inferenceThreads(PluginRuntime.userLog(db)), quantization);
        ErnieModelCatalog.LoadedModel model = DjlRuntime.call(() -> {
            InferenceModel loaded;
            try {
                loaded = EngineChoice.load(directory, request);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot load ERNIE model `" + name + "`: " + e.getMessage(), e);
            }
            EntityTable entities = null;
            EntityKey entityKey = EntityKey.elementId();
            if (transe != null) {
                float[][] vectors = new float[transe.entities().size()][];
                for (int i = 0; i < vectors.length; i++) {
                    vectors[i] = transe.model().entity(i);
                }
                entities = EntityTable.of(transe.entities(), vectors);
                entityKey = EntityKey.parse(transe.manifest().entityKey());
            }
            long parameters = loaded.inference() instanceof PyTorchInference pytorch
                    ? pytorch.model().parameters().values().stream().mapToLong(p -> p.getArray().size()).sum()
                    : ErnieModel.parameterCount(manifest.architecture(), manifest.task(), manifest.labels().size());
            return ErnieModelCatalog.create(db.databaseName(), name, path, loaded,
                    entities, entityKey, loaded.device(), parameters);
        });
        ErnieModelCatalog.put(model, replace);
        return model;
    }

    @Procedure(name = "ernie.model.list", mode = Mode.READ)
    @Description("Lists the ERNIE models loaded for this database (task, labels, parameters, engine, device, memory, when "
            + "each was loaded), then the model folders stored in the models folder that are not loaded (`loaded` "
            + "false; ernie.model.load loads one by its path), as GDS's model catalog lists stored models.")
    public Stream<ModelResult> list() {
        List<ErnieModelCatalog.LoadedModel> loaded = ErnieModelCatalog.list(db.databaseName());
        Path models = PluginFolders.root(db, PluginFolders.Folder.MODELS);
        Set<String> loadedPaths = new HashSet<>();
        loaded.forEach(m -> loadedPaths.add(m.path()));
        Stream<ModelResult> stored = storedFolders(models).stream()
                .filter(path -> !loadedPaths.contains(path))
                .flatMap(path -> stored(models, path).stream());
        return Stream.concat(loaded.stream().map(m -> result(m, models)), stored);
    }

    /** The folders under {@code models} holding an ernie.json, relative and sorted; hidden folders are skipped. */
    private static List<String> storedFolders(Path models) {
        if (!Files.isDirectory(models)) {
            return List.of();
        }
        try (Stream<Path> manifests = Files.find(models, STORED_DEPTH, (file, attributes) ->
                attributes.isRegularFile() && file.getFileName().toString().equals(ModelDirectory.MANIFEST))) {
            return manifests.map(Path::getParent).filter(folder -> !folder.equals(models))
                    .map(folder -> models.relativize(folder))
                    .filter(relative -> StreamSupport.stream(relative.spliterator(), false)
                            .noneMatch(part -> part.toString().startsWith(".")))
                    .map(relative -> relative.toString().replace(File.separatorChar, '/'))
                    .sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** A stored, unloaded model as its manifest describes it; none when the manifest cannot be read. */
    private static Optional<ModelResult> stored(Path models, String path) {
        try {
            ErnieManifest manifest = ModelDirectory.readManifest(models.resolve(path));
            long parameters = ErnieModel.parameterCount(manifest.architecture(), manifest.task(),
                    manifest.labels().size());
            return Optional.of(new ModelResult(path, path, manifest.task().code(), manifest.labels(),
                    parameters, parameters * Float.BYTES, null, null, null, null, manifest.entities().transeModel(), 0,
                    null, 0,
                    false, true, SavedScoring.savedIn(models.resolve(path))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Procedure(name = "ernie.model.drop", mode = Mode.READ)
    @Description("Unloads an ERNIE model, after the calls using it finish, and frees its memory; its files stay.")
    public Stream<ModelResult> drop(@Name(value = "name", description = "A loaded model.") String name) {
        ErnieModelCatalog.LoadedModel dropped = ErnieModelCatalog.drop(db.databaseName(), name);
        return Stream.of(result(dropped, PluginFolders.root(db, PluginFolders.Folder.MODELS)));
    }

    /** A loaded model's row; {@code models} is the models folder its path is relative to. */
    private static ModelResult result(ErnieModelCatalog.LoadedModel m, Path models) {
        ErnieManifest manifest = m.loaded().manifest();
        Path folder = models.resolve(m.path());
        return new ModelResult(m.name(), m.path(), manifest.task().code(), manifest.labels(), m.parameters(),
                m.loaded().inference().weightBytes(), m.device(), m.loaded().engine(),
                m.loaded().quantization().code(), m.loaded().detail(),
                manifest.entities().transeModel(),
                m.entities() == null ? 0 : m.entities().size(),
                m.loadedAt().toString(), m.slots(), true, Files.isDirectory(folder), SavedScoring.savedIn(folder));
    }

    public record ModelResult(
            @Description("The model's name.") String modelName,
            @Description("Its folder, relative to ernie.dir.models.") String path,
            @Description("`typing`, `relation` or `encoder`.") String task,
            @Description("The labels it predicts.") List<String> labels,
            @Description("Trainable parameters.") long parameters,
            @Description("Bytes of its weights as the engine holds them (int8 weights take one byte; for a stored "
                    + "folder, four a parameter).") long memoryBytes,
            @Description("`cpu` or `gpu`.") String device,
            @Description("What runs it: `pytorch` (DJL's PyTorch engine) or `onnxruntime` (its ONNX graph on ONNX "
                    + "Runtime).") String engine,
            @Description("How its weights are stored: `none` (float32) or `int8` (the encoder's, on ONNX Runtime).")
            String quantization,
            @Description("How it was loaded: the engine's version and threads, why `auto` chose it, where its ONNX "
                    + "graph came from (exported at load into the model folder or a temporary file).")
            String engineDetail,
            @Description("The TransE model its entity vectors come from; `none` for a model trained without entity "
                    + "input (`--no-entities`).") String transeModel,
            @Description("Entities with a vector.") long entities,
            @Description("When it was loaded.") String loadedAt,
            @Description("Batches it runs at once, whatever the number of callers (the others wait their turn).")
            long inferenceSlots,
            @Description("Whether it is loaded (a stored folder that is not: false, with no device).") boolean loaded,
            @Description("Whether its folder is in the models folder (it survives a restart).") boolean stored,
            @Description("What an evaluation saved with it and calls use by default: `calibration` "
                    + "(ernie.type.evaluate), `fusion` (ernie.relation.evaluate).") List<String> savedScoring) {}
}
