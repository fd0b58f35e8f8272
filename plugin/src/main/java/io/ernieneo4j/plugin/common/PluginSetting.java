package io.ernieneo4j.plugin.common;

import org.neo4j.logging.Log;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every setting of the plugin (docs/configuration.md lists them). Each is read when it is needed, from the JVM system
 * property of its name ({@code -Dernie.dir.models=…}, on a server in {@code server.jvm.additional}) or, when that is
 * unset, from the environment variable of the same name in upper case with underscores ({@code ERNIE_DIR_MODELS}).
 * Names of earlier releases still work as deprecated aliases, with a warning logged once per JVM.
 *
 * <p>System properties and environment variables rather than {@code neo4j.conf} entries: Neo4j refuses unknown
 * {@code neo4j.conf} keys, and declaring our own needs its internal settings API in the plugin jar.
 */
public enum PluginSetting {

    /** The folder {@code ernie.model.load} reads ERNIE models from. */
    DIR_MODELS("ernie.dir.models", "ernie.models.dir", "ERNIE_MODELS_DIR"),
    /** The folder the plugin keeps its TransE models in. */
    DIR_TRANSE("ernie.dir.transe", "ernie.modelDir", "ERNIE_MODEL_DIR"),
    /** The folder OpenKE / Fast-TransX files are exported to and imported from. */
    DIR_OPENKE("ernie.dir.openke", "ernie.openke.dir", "ERNIE_OPENKE_DIR"),
    /** The folder {@code ernie.dataset.export} writes into. */
    DIR_DATASETS("ernie.dir.datasets", "ernie.datasets.dir", "ERNIE_DATASETS_DIR"),
    /** The folder DJL unpacks PyTorch's natives into. */
    DIR_DJL("ernie.dir.djl", "ernie.djl.cacheDir", "ERNIE_DJL_CACHE_DIR"),
    /** PyTorch's intra-op threads: the cores one inference batch keeps busy. */
    INFERENCE_THREADS("ernie.inference.threads", "ernie.djl.threads", "ERNIE_DJL_THREADS"),
    /** Batches each loaded ERNIE model runs at once. */
    INFERENCE_SLOTS("ernie.inference.slots", null, null),
    /** Whether procedures may write or delete files on the server. */
    FILES_WRITE_ENABLED("ernie.files.write.enabled", null, null);

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String key;
    private final String deprecatedProperty;
    private final String deprecatedEnv;

    PluginSetting(String key, String deprecatedProperty, String deprecatedEnv) {
        this.key = key;
        this.deprecatedProperty = deprecatedProperty;
        this.deprecatedEnv = deprecatedEnv;
    }

    /** The system property, e.g. {@code ernie.dir.models}. */
    public String key() {
        return key;
    }

    /** The environment variable read when the system property is unset, e.g. {@code ERNIE_DIR_MODELS}. */
    public String env() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The system property of earlier releases, still read, or empty. */
    public Optional<String> deprecatedProperty() {
        return Optional.ofNullable(deprecatedProperty);
    }

    /** The environment variable of earlier releases, still read, or empty. */
    public Optional<String> deprecatedEnv() {
        return Optional.ofNullable(deprecatedEnv);
    }

    /**
     * The value set, or empty: the system property, else the environment variable, else a deprecated name, which
     * logs a warning to {@code log} once per JVM (also when it is ignored because the new name is set).
     */
    public Optional<String> value(Log log) {
        Optional<String> current = nonBlank(System.getProperty(key)).or(() -> nonBlank(System.getenv(env())));
        Optional<String> deprecated = deprecatedProperty().flatMap(p -> nonBlank(System.getProperty(p)).map(v -> p))
                .or(() -> deprecatedEnv().flatMap(e -> nonBlank(System.getenv(e)).map(v -> e)));
        if (deprecated.isEmpty()) {
            return current;
        }
        String name = deprecated.get();
        String value = name.equals(deprecatedProperty) ? System.getProperty(name) : System.getenv(name);
        if (WARNED.add(name)) {
            log.warn(current.isPresent()
                    ? String.format(Locale.ROOT, "ernie: `%s` is deprecated and ignored because `%s` is set; "
                            + "remove `%s`.", name, key, name)
                    : String.format(Locale.ROOT, "ernie: `%s` is deprecated; set `%s` (or %s) instead. "
                            + "Using its value `%s`.", name, key, env(), value));
        }
        return current.or(() -> Optional.of(value.trim()));
    }

    /** A whole number >= 1, or {@code defaultValue} when unset; anything else is an error naming the setting. */
    public int wholeNumber(Log log, int defaultValue) {
        Optional<String> value = value(log);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value.get());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "Value for `%s` was `%s`, but must be a whole number >= 1.", key, value.get()));
    }

    /** {@code true} or {@code false} (any case), or {@code defaultValue} when unset. */
    public boolean bool(Log log, boolean defaultValue) {
        Optional<String> value = value(log);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%s`, but must be `true` or `false`.", key, value.get()));
        };
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank()).map(String::trim);
    }
}
