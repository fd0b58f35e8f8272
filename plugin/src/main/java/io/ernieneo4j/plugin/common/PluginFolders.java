package io.ernieneo4j.plugin.common;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.NullLog;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Every folder the plugin reads or writes on the server: each is its {@link PluginSetting} when set, else a folder
 * under {@code <Neo4j data directory>/ernie}. Procedures that take a folder from their configuration get one inside
 * these, never elsewhere; procedures that write or delete files ask {@link #requireFileWrites} first.
 */
public final class PluginFolders {

    /** A folder of the plugin: the setting that moves it, its default under {@code <data>/ernie}, what it holds. */
    public enum Folder {
        MODELS(PluginSetting.DIR_MODELS, "ernie-models", "models folder"),
        TRANSE(PluginSetting.DIR_TRANSE, "models", "TransE models folder"),
        OPENKE(PluginSetting.DIR_OPENKE, "openke", "OpenKE folder"),
        DATASETS(PluginSetting.DIR_DATASETS, "datasets", "datasets folder"),
        DJL(PluginSetting.DIR_DJL, "djl-cache", "DJL cache folder");

        private final PluginSetting setting;
        private final String defaultName;
        private final String description;

        Folder(PluginSetting setting, String defaultName, String description) {
            this.setting = setting;
            this.defaultName = defaultName;
            this.description = description;
        }

        public PluginSetting setting() {
            return setting;
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private PluginFolders() {}

    /** The folder as configured, or its default under {@code <data directory>/ernie}; absolute and normalised. */
    public static Path root(GraphDatabaseService db, Folder folder) {
        return folder.setting.value(PluginRuntime.userLog(db)).map(Path::of)
                .orElseGet(() -> PluginRuntime.dataDirectory(db).resolve("ernie").resolve(folder.defaultName))
                .toAbsolutePath().normalize();
    }

    /** The folder of one database's stored models of a kind (e.g. {@code transe}); they survive a restart. */
    public static Path storedModels(GraphDatabaseService db, String kind) {
        return root(db, Folder.TRANSE).resolve(db.databaseName()).resolve(kind);
    }

    /** The folder of one stored model of a kind, after checking the name is a safe folder name. */
    public static Path storedModel(GraphDatabaseService db, String kind, String modelName) {
        if (!NAME.matcher(modelName).matches()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `modelName` was `%s`, but must be 1-128 letters, digits, `_`, `.` or `-`, "
                            + "starting with a letter or digit.", modelName));
        }
        return storedModels(db, kind).resolve(modelName);
    }

    /**
     * The folder a configuration names by a path relative to one of the plugin's folders. Anything that leaves it
     * (an absolute path, {@code ..}) or is the folder itself is refused, before anything is read or written.
     *
     * @param key the configuration key that holds {@code relative}, for the message
     */
    public static Path inside(GraphDatabaseService db, Folder folder, String relative, String key) {
        Path root = root(db, folder);
        Path path = root.resolve(relative).normalize();
        if (relative.isBlank() || Path.of(relative).isAbsolute() || !path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%s`, but must name a folder inside the configured %s `%s` (set by `%s`).",
                    key, relative, folder.description, root, folder.setting.key()));
        }
        return path;
    }

    /** Whether {@link PluginSetting#FILES_WRITE_ENABLED} lets procedures write or delete files (default: yes). */
    public static boolean fileWritesEnabled() {
        // a new setting without a deprecated name: nothing to warn about
        return PluginSetting.FILES_WRITE_ENABLED.bool(NullLog.getInstance(), true);
    }

    /** Refuses, before anything is read or written, a procedure that writes or deletes files when they are off. */
    public static void requireFileWrites(String procedure) {
        if (!fileWritesEnabled()) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "`%s` writes or deletes files on the server, which this server turns off: `%s` is `false`. "
                            + "An administrator may allow it with `-D%s=true` (or %s=true).", procedure,
                    PluginSetting.FILES_WRITE_ENABLED.key(), PluginSetting.FILES_WRITE_ENABLED.key(),
                    PluginSetting.FILES_WRITE_ENABLED.env()));
        }
    }
}
