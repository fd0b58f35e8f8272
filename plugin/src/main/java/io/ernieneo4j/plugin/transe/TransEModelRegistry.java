package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.trainer.transe.TransEModelFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stored TransE models, loaded from their folders on first use and kept in memory while their files are unchanged
 * (a retrain replaces the folder and so the cache entry).
 */
public final class TransEModelRegistry {

    private record Cached(long modified, TransEModelFiles.NamedModel model) {}

    private static final Map<Path, Cached> CACHE = new ConcurrentHashMap<>();

    private TransEModelRegistry() {}

    /** Fails with a message that says how to get a model when {@code dir} holds none. */
    static void requireExists(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "No TransE model `%s` exists; train one with ernie.transe.train({modelName: '%s', ...}) "
                            + "(ernie.transe.model.list shows the stored ones).", name, name));
        }
    }

    /** The stored model {@code name} of this database. */
    public static TransEModelFiles.NamedModel load(org.neo4j.graphdb.GraphDatabaseService db, String name) {
        return load(io.ernieneo4j.plugin.common.PluginFolders.storedModel(db, TransEFeature.MODEL_KIND, name), name);
    }

    static TransEModelFiles.NamedModel load(Path dir, String name) {
        requireExists(dir, name);
        try {
            long modified = Files.getLastModifiedTime(dir.resolve("vectors.bin")).toMillis();
            Cached cached = CACHE.get(dir);
            if (cached == null || cached.modified() != modified) {
                cached = new Cached(modified, TransEModelFiles.read(dir));
                CACHE.put(dir, cached);
            }
            return cached.model();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read TransE model `" + name + "`: " + e.getMessage(), e);
        }
    }

    static void invalidate(Path dir) {
        CACHE.remove(dir);
    }
}
