package io.ernieneo4j.plugin.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.plugin.common.PluginFolders;
import org.neo4j.graphdb.GraphDatabaseService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an evaluation fitted on held-out data, saved in the model's folder so that the model is scored through it
 * by default: ernie.type.evaluate's temperature ({@link #CALIBRATION}) and ernie.relation.evaluate's fusion
 * ({@link #FUSION}), each the map the procedure yields. Read at every call, so a new save takes effect at once.
 */
public enum SavedScoring {
    CALIBRATION("calibration.json", "calibration"),
    FUSION("fusion.json", "fusion");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final String key;

    SavedScoring(String file, String key) {
        this.file = file;
        this.key = key;
    }

    public String file() {
        return file;
    }

    /** The keys of what is saved in a model folder, in this enum's order. */
    public static List<String> savedIn(Path folder) {
        return Arrays.stream(values()).filter(saved -> Files.isRegularFile(folder.resolve(saved.file)))
                .map(saved -> saved.key).toList();
    }

    /**
     * {@code given} when the call gave this key, else the map saved with the loaded model {@code modelName}, if any.
     */
    public Optional<Object> orSaved(Object given, GraphDatabaseService db, String modelName) {
        if (given != null) {
            return Optional.of(given);
        }
        Path saved = folder(db, modelName).resolve(file);
        if (!Files.isRegularFile(saved)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(saved.toFile(), new TypeReference<Map<String, Object>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException(String.format("The `%s` saved with model `%s` (%s) cannot be read: %s",
                    key, modelName, saved, e.getMessage()), e);
        }
    }

    /** Refuses {@code procedure}'s `save: true` when file writes are off: checked before the work, and by save. */
    public static void requireSavable(String procedure) {
        PluginFolders.requireFileWrites(procedure + " (save: true)");
    }

    /** Saves {@code map} in the loaded model's folder, replacing what was there, all or nothing. */
    public Path save(Map<String, Object> map, GraphDatabaseService db, String modelName, String procedure) {
        requireSavable(procedure);
        Path folder = folder(db, modelName);
        Path target = folder.resolve(file);
        try {
            Path partial = Files.createTempFile(folder, "." + file, ".partial");
            try {
                JSON.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), map);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.format("Cannot save the `%s` of model `%s` in %s: %s", key,
                    modelName, folder, e.getMessage()), e);
        }
        return target;
    }

    private static Path folder(GraphDatabaseService db, String modelName) {
        String path = ErnieModelCatalog.use(db.databaseName(), modelName, ErnieModelCatalog.LoadedModel::path);
        return PluginFolders.inside(db, PluginFolders.Folder.MODELS, path, "modelName");
    }
}
