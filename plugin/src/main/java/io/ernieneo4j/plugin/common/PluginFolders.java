package io.ernieneo4j.plugin.common;

import org.neo4j.graphdb.GraphDatabaseService;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the plugin keeps trained models, one folder per database, kind and model, under {@code -Dernie.modelDir}, {@code ERNIE_MODEL_DIR},
 * or {@code <data directory>/ernie/models}. Models survive a restart.
 */
public final class ModelDirectory {

    public static final String PROPERTY = "ernie.modelDir";
    public static final String ENV = "ERNIE_MODEL_DIR";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private ModelDirectory() {}

    public static Path root(GraphDatabaseService db) {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return PluginRuntime.dataDirectory(db).resolve("ernie").resolve("models");
    }

    /** The folder of one database's models of a kind (e.g. {@code transe}). */
    public static Path kind(GraphDatabaseService db, String kind) {
        return root(db).resolve(db.databaseName()).resolve(kind);
    }

    /** The folder of one model of a kind, after checking the name is a safe folder name. */
    public static Path of(GraphDatabaseService db, String kind, String modelName) {
        if (!NAME.matcher(modelName).matches()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `modelName` was `%s`, but must be 1-128 letters, digits, `_`, `.` or `-`, "
                            + "starting with a letter or digit.", modelName));
        }
        return kind(db, kind).resolve(modelName);
    }

    /**
     * The folder a configuration names by a path relative to an administrator-configured folder: the folder of
     * system property {@code property} (or environment variable {@code env}), else {@code fallback}. Anything that
     * leaves it (an absolute path, {@code ..}) or is the folder itself is refused, before anything is read or written.
     *
     * @param key  the configuration key that holds {@code relative}, for the message
     * @param what what the folder holds, for the message ("models folder")
     */
    public static Path inside(String relative, String key, String what, String property, String env, Path fallback) {
        String configured = System.getProperty(property, System.getenv(env));
        Path root = (configured == null || configured.isBlank() ? fallback : Path.of(configured))
                .toAbsolutePath().normalize();
        Path path = root.resolve(relative).normalize();
        if (relative.isBlank() || Path.of(relative).isAbsolute() || !path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%s`, but must name a folder inside the configured %s `%s` (set by %s).",
                    key, relative, what, root, property));
        }
        return path;
    }
}
