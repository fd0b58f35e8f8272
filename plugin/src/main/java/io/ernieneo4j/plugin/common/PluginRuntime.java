package io.ernieneo4j.plugin.common;

import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.engine.EngineInfo;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;

/** What the plugin needs from its host: its own version, Neo4j's data directory, and DJL started inside it. */
public final class PluginRuntime {

    private static final String VERSION = readVersion();

    private PluginRuntime() {}

    /** The plugin's Maven version. */
    public static String version() {
        return VERSION;
    }

    /**
     * DJL's engine, started on first use. Its cache folder defaults to {@code <data directory>/ernie/djl-cache}
     * unless {@code -Dernie.djl.cacheDir} or {@code ERNIE_DJL_CACHE_DIR} says otherwise.
     */
    public static EngineInfo engine(GraphDatabaseService db) {
        return DjlRuntime.started().orElseGet(() -> DjlRuntime.start(dataDirectory(db).resolve("ernie").resolve("djl-cache")));
    }

    /** Neo4j's {@code server.directories.data}. */
    public static Path dataDirectory(GraphDatabaseService db) {
        // Internal API, kept to this one place: the public API has no way to ask for the data directory.
        Config config = ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(Config.class);
        return config.get(GraphDatabaseSettings.data_directory);
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
