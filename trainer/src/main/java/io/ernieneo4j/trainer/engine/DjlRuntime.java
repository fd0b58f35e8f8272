package io.ernieneo4j.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Starts DJL's PyTorch engine offline, from the natives on the class path, inside a host that is not DJL's own
 * (a Neo4j plugin, a command line).
 *
 * <p>Every entry point into DJL goes through {@link #call}: DJL finds its engines and native resources through the
 * thread context class loader, which inside a database procedure is the server's, not the plugin's.
 */
public final class DjlRuntime {

    /** System property (or environment variable {@link #CACHE_DIR_ENV}) naming DJL's cache folder. */
    public static final String CACHE_DIR_PROPERTY = "ernie.djl.cacheDir";
    public static final String CACHE_DIR_ENV = "ERNIE_DJL_CACHE_DIR";
    /** System property (or environment variable {@link #THREADS_ENV}) with the intra-op thread count. */
    public static final String THREADS_PROPERTY = "ernie.djl.threads";
    public static final String THREADS_ENV = "ERNIE_DJL_THREADS";

    static final String ENGINE_NAME = "PyTorch";

    private static volatile EngineInfo started;

    private DjlRuntime() {}

    /**
     * Configures DJL (offline, no tracking, cache folder, threads) and starts the engine with a tiny array operation,
     * once per JVM; later calls return what the first one found.
     *
     * @param defaultCacheDir the cache folder when neither {@link #CACHE_DIR_PROPERTY} nor {@link #CACHE_DIR_ENV} is set
     */
    public static EngineInfo start(Path defaultCacheDir) {
        EngineInfo info = started;
        if (info != null) {
            return info;
        }
        synchronized (DjlRuntime.class) {
            if (started == null) {
                Path cacheDir = setting(CACHE_DIR_PROPERTY, CACHE_DIR_ENV).map(Path::of).orElse(defaultCacheDir);
                int threads = setting(THREADS_PROPERTY, THREADS_ENV)
                        .map(DjlRuntime::parseThreads)
                        .orElse(Runtime.getRuntime().availableProcessors());
                configure(cacheDir.toAbsolutePath(), threads);
                started = call(() -> probe(cacheDir.toAbsolutePath(), threads));
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

    private static void configure(Path cacheDir, int threads) {
        try {
            Files.createDirectories(cacheDir);
        } catch (Exception e) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "Cannot create DJL's cache folder `%s` (set `%s` or %s to a writable folder): %s",
                    cacheDir, CACHE_DIR_PROPERTY, CACHE_DIR_ENV, e.getMessage()), e);
        }
        // A user's own -D settings win; these are defaults that keep DJL offline and quiet.
        setDefault("DJL_CACHE_DIR", cacheDir.toString());
        setDefault("ENGINE_CACHE_DIR", cacheDir.toString());
        setDefault("ai.djl.offline", "true");
        setDefault("OPT_OUT_TRACKING", "true");
        // The tokenizers binding would pick (and try to download) a CUDA flavour on a GPU host.
        setDefault("RUST_FLAVOR", "cpu");
        setDefault("ai.djl.pytorch.num_threads", Integer.toString(threads));
        setDefault("ai.djl.pytorch.num_interop_threads", "1");
        setDefault("ai.djl.default_engine", ENGINE_NAME);
    }

    private static EngineInfo probe(Path cacheDir, int threads) {
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
                    Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", Integer.toString(threads))),
                    cacheDir);
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
                "Value for `%s` was `%s`, but must be a whole number of threads >= 1.", THREADS_PROPERTY, value));
    }

    private static Optional<String> setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
