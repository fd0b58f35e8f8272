package io.ernieneo4j.plugin.common;

import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.engine.EngineInfo;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Log;
import org.neo4j.logging.NullLog;
import org.neo4j.logging.internal.LogService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the plugin needs from its host: its own version, Neo4j's data directory and log, and DJL started inside it
 * with the plugin's thread settings.
 */
public final class PluginRuntime {

    private static final String VERSION = readVersion();
    private static final AtomicBoolean ENGINE_LOGGED = new AtomicBoolean();

    private PluginRuntime() {}

    /** The plugin's Maven version. */
    public static String version() {
        return VERSION;
    }

    /**
     * DJL's engine, started on first use in this JVM with {@link #inferenceThreads} intra-op threads and its cache in
     * {@link PluginFolders.Folder#DJL}.
     */
    public static EngineInfo engine(GraphDatabaseService db) {
        return DjlRuntime.started()
                .orElseGet(() -> engine(PluginFolders.root(db, PluginFolders.Folder.DJL), userLog(db)));
    }

    /**
     * DJL's engine, started on first use in this JVM with {@link #inferenceThreads} intra-op threads and its cache in
     * {@code djlCacheDir}. What it set JVM-wide is logged once to {@code log} (docs/configuration.md lists it).
     */
    public static EngineInfo engine(Path djlCacheDir, Log log) {
        EngineInfo info = DjlRuntime.start(djlCacheDir, inferenceThreads(log));
        if (ENGINE_LOGGED.compareAndSet(false, true)) {
            log.info("ernie: started %s %s on %s with %d intra-op and %d inter-op threads; JVM system properties "
                            + "set: %s", info.engineName(), info.engineVersion(), info.device(), info.threads(),
                    info.interopThreads(), info.systemPropertiesSet());
        }
        return info;
    }

    /**
     * PyTorch's intra-op threads for inference: {@link PluginSetting#INFERENCE_THREADS}, else half the cores (at
     * least 1), so that a batch leaves the other half to the database's own queries.
     */
    public static int inferenceThreads(Log log) {
        int halfTheCores = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return PluginSetting.INFERENCE_THREADS.wholeNumber(log, halfTheCores);
    }

    /**
     * Batches each loaded ERNIE model runs at once: {@link PluginSetting#INFERENCE_SLOTS}, else 1 (each batch
     * already keeps {@link #inferenceThreads} cores busy).
     */
    public static int inferenceSlots() {
        // a setting without a deprecated name: nothing to warn about
        return PluginSetting.INFERENCE_SLOTS.wholeNumber(NullLog.getInstance(), 1);
    }

    /** Neo4j's {@code server.directories.data}. */
    public static Path dataDirectory(GraphDatabaseService db) {
        // Internal API, kept to this one place: the public API has no way to ask for the data directory.
        return resolve(db, Config.class).get(GraphDatabaseSettings.data_directory);
    }

    /** Neo4j's user log ({@code neo4j.log}), for messages that are not about one procedure call. */
    public static Log userLog(GraphDatabaseService db) {
        return resolve(db, LogService.class).getUserLog(PluginRuntime.class);
    }

    private static <T> T resolve(GraphDatabaseService db, Class<T> type) {
        return ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(type);
    }

    private static String readVersion() {
        try (InputStream in = PluginRuntime.class.getResourceAsStream("/io/ernieneo4j/plugin/plugin.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("The plugin jar lacks its plugin.properties", e));
        }
    }
}
