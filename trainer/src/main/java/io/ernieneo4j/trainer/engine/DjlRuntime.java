package io.ernieneo4j.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Starts DJL's PyTorch engine offline, from the natives on the class path, inside a host that is not DJL's own
 * (a Neo4j plugin, a command line).
 *
 * <p>Every entry point into DJL goes through {@link #call}: DJL finds its engines and native resources through the
 * thread context class loader, which inside a database procedure is the server's, not the plugin's.
 *
 * <p>What it changes is JVM-wide, and once per JVM: DJL reads its settings from system properties, which
 * {@link #start} sets where they are unset (listed in {@link EngineInfo#systemPropertiesSet()}), and PyTorch's thread
 * counts are per process.
 */
public final class DjlRuntime {

    /** System property (or environment variable {@link #CACHE_DIR_ENV}) naming DJL's cache folder. */
    public static final String CACHE_DIR_PROPERTY = "ernie.dir.djl";
    public static final String CACHE_DIR_ENV = "ERNIE_DIR_DJL";
    /** Deprecated names of the cache folder's setting, still read. */
    static final String DEPRECATED_CACHE_DIR_PROPERTY = "ernie.djl.cacheDir";
    static final String DEPRECATED_CACHE_DIR_ENV = "ERNIE_DJL_CACHE_DIR";
    /** Deprecated names of the intra-op threads' setting, still read by {@link #start(Path)}. */
    static final String DEPRECATED_THREADS_PROPERTY = "ernie.djl.threads";
    static final String DEPRECATED_THREADS_ENV = "ERNIE_DJL_THREADS";
    /** DJL's own settings of PyTorch's thread counts; a value the user set wins over the host's. */
    static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
    static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    static final String ENGINE_NAME = "PyTorch";
    private static final System.Logger LOGGER = System.getLogger(DjlRuntime.class.getName());

    private static volatile EngineInfo started;

    private DjlRuntime() {}

    /**
     * For the command line and tests: {@link #start(Path, int)} with the cache folder of {@link #CACHE_DIR_PROPERTY}
     * or {@link #CACHE_DIR_ENV} (else {@code defaultCacheDir}) and one intra-op thread per core, as training wants.
     *
     * @param defaultCacheDir the cache folder when no setting names one
     */
    public static EngineInfo start(Path defaultCacheDir) {
        Path cacheDir = setting(CACHE_DIR_PROPERTY, CACHE_DIR_ENV)
                .or(() -> deprecatedSetting(DEPRECATED_CACHE_DIR_PROPERTY, DEPRECATED_CACHE_DIR_ENV, CACHE_DIR_PROPERTY))
                .map(Path::of).orElse(defaultCacheDir);
        int threads = deprecatedSetting(DEPRECATED_THREADS_PROPERTY, DEPRECATED_THREADS_ENV, NUM_THREADS)
                .map(DjlRuntime::parseThreads)
                .orElse(Runtime.getRuntime().availableProcessors());
        return start(cacheDir, threads);
    }

    /**
     * Configures DJL (offline, no tracking, cache folder, threads) and starts the engine with a tiny array operation,
     * once per JVM; later calls return what the first one found, whatever they ask for.
     *
     * @param cacheDir where DJL unpacks its natives
     * @param threads  PyTorch's intra-op threads, unless {@code -Dai.djl.pytorch.num_threads} says otherwise
     */
    public static EngineInfo start(Path cacheDir, int threads) {
        EngineInfo info = started;
        if (info != null) {
            return info;
        }
        synchronized (DjlRuntime.class) {
            if (started == null) {
                Path absolute = cacheDir.toAbsolutePath();
                Map<String, String> set = configure(absolute, threads);
                started = call(() -> probe(absolute, set));
            }
            return started;
        }
    }

    /** The engine as started, or empty before {@link #start}. */
    public static Optional<EngineInfo> started() {
        return Optional.ofNullable(started);
    }

    /** Runs a DJL entry point with this library's class loader as the thread context class loader. */
    public static <T> T call(Supplier<T> djlWork) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(DjlRuntime.class.getClassLoader());
        try {
            return djlWork.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Sets DJL's system properties where unset, and returns those it set. */
    private static Map<String, String> configure(Path cacheDir, int threads) {
        try {
            Files.createDirectories(cacheDir);
        } catch (Exception e) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "Cannot create DJL's cache folder `%s` (set `%s` or %s to a writable folder): %s",
                    cacheDir, CACHE_DIR_PROPERTY, CACHE_DIR_ENV, e.getMessage()), e);
        }
        Map<String, String> set = new LinkedHashMap<>();
        // A user's own -D settings win; these are defaults that keep DJL offline and quiet.
        setDefault(set, "DJL_CACHE_DIR", cacheDir.toString());
        setDefault(set, "ENGINE_CACHE_DIR", cacheDir.toString());
        setDefault(set, "ai.djl.offline", "true");
        setDefault(set, "OPT_OUT_TRACKING", "true");
        // The tokenizers binding would pick (and try to download) a CUDA flavour on a GPU host.
        setDefault(set, "RUST_FLAVOR", "cpu");
        setDefault(set, NUM_THREADS, Integer.toString(threads));
        // One inter-op thread: the models run no independent operators in parallel worth a second pool.
        setDefault(set, NUM_INTEROP_THREADS, "1");
        setDefault(set, "ai.djl.default_engine", ENGINE_NAME);
        return Collections.unmodifiableMap(set);
    }

    private static EngineInfo probe(Path cacheDir, Map<String, String> set) {
        Engine engine = Engine.getEngine(ENGINE_NAME);
        try (NDManager manager = engine.newBaseManager()) {
            NDArray probe = manager.create(new float[] {1f, 2f, 3f}).mul(2f).sum();
            float sum = probe.getFloat();
            if (sum != 12f) {
                throw new IllegalStateException("PyTorch engine answered 2*(1+2+3) = " + sum);
            }
            return new EngineInfo(
                    engine.getEngineName(),
                    engine.getVersion(),
                    Engine.getDjlVersion(),
                    manager.getDevice().getDeviceType(),
                    engine.getGpuCount(),
                    JniUtils.getNumThreads(),
                    JniUtils.getNumInteropThreads(),
                    cacheDir,
                    set);
        }
    }

    private static int parseThreads(String value) {
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "Value for `%s` was `%s`, but must be a whole number of threads >= 1.", DEPRECATED_THREADS_PROPERTY,
                value));
    }

    private static Optional<String> setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    /** A setting under a name of earlier releases, with a warning that says what replaces it. */
    private static Optional<String> deprecatedSetting(String property, String env, String replacement) {
        Optional<String> value = setting(property, env);
        value.ifPresent(v -> LOGGER.log(System.Logger.Level.WARNING, String.format(Locale.ROOT,
                "`%s` (%s) is deprecated; set `%s` instead.", property, env, replacement)));
        return value;
    }

    private static void setDefault(Map<String, String> set, String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
            set.put(key, value);
        }
    }
}
