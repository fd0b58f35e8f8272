package io.ernieneo4j.trainer.infer.onnx;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether ONNX Runtime's Java API can be loaded here, without loading it: this class names none of its types, so it
 * runs where the jar is absent (the plugin's jar does not carry it; an administrator drops it beside the plugin).
 */
public final class OnnxRuntimeCheck {

    /** The version this build is compiled and tested against. */
    public static final String VERSION = "1.29.0";
    /** The jar to install, as Maven Central names it. */
    public static final String JAR = "onnxruntime-" + VERSION + ".jar";
    public static final String COORDINATES = "com.microsoft.onnxruntime:onnxruntime:" + VERSION;
    /** The GPU build (CUDA provider), one jar in place of {@link #JAR}, also on Maven Central. */
    public static final String GPU_JAR = "onnxruntime_gpu-" + VERSION + ".jar";
    public static final String GPU_ARTIFACT = "com.microsoft.onnxruntime:onnxruntime_gpu:" + VERSION;

    private static final String ENVIRONMENT_CLASS = "ai.onnxruntime.OrtEnvironment";

    private OnnxRuntimeCheck() {}

    /** Empty when ONNX Runtime is there for {@code loader}; else why not, and what to install. */
    public static Optional<String> missing(ClassLoader loader) {
        try {
            Class.forName(ENVIRONMENT_CLASS, false, loader);
            return Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of(String.format(Locale.ROOT,
                    "ONNX Runtime is not installed: put `%s` (Maven Central, `%s`; the CPU build) in the server's "
                            + "plugins folder beside the ERNIE plugin and restart the server", JAR, COORDINATES));
        }
    }

    /** {@link #missing} for the class loader that loaded the trainer (the plugin's, in a server). */
    public static Optional<String> missing() {
        return missing(OnnxRuntimeCheck.class.getClassLoader());
    }
}
