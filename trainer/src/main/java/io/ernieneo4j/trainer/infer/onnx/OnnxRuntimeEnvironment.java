package io.ernieneo4j.trainer.infer.onnx;

import ai.onnxruntime.OrtEnvironment;
import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ONNX Runtime's one environment in this JVM, created so that its telemetry cannot end the JVM.
 *
 * <p>ONNX Runtime 1.29 starts a telemetry client when the first environment is created (Linux, macOS); collecting
 * its system information, it matches {@code /proc/self/cmdline} with a recursive {@code std::regex} that takes
 * about 256 bytes of stack per character, so a command line over about 3.9 KB overflows a 1 MB thread stack and the
 * JVM dies of a SIGSEGV with no hs_err file (docs/model-notes.md). A Neo4j server's command line can be that long
 * (its class path and JVM options). {@code ORT_DISABLE_TELEMETRY=1} in the process environment, read when the
 * environment is created, skips the telemetry altogether (no system information, no device id file, no upload).
 * So, before creating it:
 * <ol>
 *   <li>when the variable is not set, it is set in the process's own environment ({@code setenv(3)} through JNA;
 *   {@link System#getenv} does not see it, ONNX Runtime's {@code getenv} does); an administrator who sets it
 *   (to anything) keeps that value;</li>
 *   <li>whatever the variable says, the environment is created on a thread whose stack fits the regex over this
 *   JVM's command line, so the telemetry, if it runs, cannot overflow it.</li>
 * </ol>
 */
public final class OnnxRuntimeEnvironment {

    public static final String TELEMETRY_VARIABLE = "ORT_DISABLE_TELEMETRY";
    /** Stack bytes per command-line character: twice what the regex was measured to take. */
    private static final long STACK_PER_CHARACTER = 512;
    private static final long MIN_STACK = 8L << 20;
    private static final long MAX_STACK = 1L << 30;

    private static OrtEnvironment environment;
    private static String telemetry;

    private OnnxRuntimeEnvironment() {}

    /** The environment, created on first use (see the class description). */
    public static synchronized OrtEnvironment get() {
        if (environment == null) {
            telemetry = disableTelemetry();
            environment = createOnLargeStack();
        }
        return environment;
    }

    /** What was done about ONNX Runtime's telemetry when the environment was created; null before. */
    public static synchronized String telemetry() {
        return telemetry;
    }

    private static String disableTelemetry() {
        String set = System.getenv(TELEMETRY_VARIABLE);
        if (set != null) {
            return String.format(Locale.ROOT, "telemetry as the server's environment says (%s=%s)",
                    TELEMETRY_VARIABLE, set);
        }
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return "telemetry as ONNX Runtime's Windows build does it (ETW, recorded only when a trace session runs)";
        }
        try {
            int status = CLibrary.INSTANCE.setenv(TELEMETRY_VARIABLE, "1", 0);
            return status == 0 ? String.format(Locale.ROOT, "telemetry off (%s=1 set in the process)",
                    TELEMETRY_VARIABLE)
                    : String.format(Locale.ROOT, "telemetry may run: setenv(%s) failed; set %s=1 in the server's "
                    + "environment", TELEMETRY_VARIABLE, TELEMETRY_VARIABLE);
        } catch (LinkageError e) { // no JNA or no C library: the large stack still keeps the JVM alive
            return String.format(Locale.ROOT, "telemetry may run: %s could not be set (%s); set %s=1 in the "
                    + "server's environment", TELEMETRY_VARIABLE, e.getMessage(), TELEMETRY_VARIABLE);
        }
    }

    static OrtEnvironment createOnLargeStack() {
        AtomicReference<OrtEnvironment> created = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                created.set(OrtEnvironment.getEnvironment());
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "ernie-onnxruntime-environment", stackBytes(commandLineLength()));
        thread.start();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // the environment is process-wide: finish creating it
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failed.get() instanceof RuntimeException runtime) throw runtime;
        if (failed.get() instanceof Error error) throw error;
        if (failed.get() != null) throw new IllegalStateException(failed.get());
        return created.get();
    }

    /** The stack a thread needs to run the telemetry's regex over a command line of {@code characters}. */
    static long stackBytes(long characters) {
        return Math.min(MAX_STACK, Math.max(MIN_STACK, MIN_STACK + STACK_PER_CHARACTER * characters));
    }

    /** This JVM's command line as the telemetry reads it; 0 where there is no {@code /proc}. */
    static long commandLineLength() {
        try {
            return Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private interface CLibrary extends Library {
        CLibrary INSTANCE = Native.load("c", CLibrary.class);

        int setenv(String name, String value, int overwrite);
    }
}
