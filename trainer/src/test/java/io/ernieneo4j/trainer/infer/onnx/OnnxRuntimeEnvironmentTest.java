package io.ernieneo4j.trainer.infer.onnx;

import ai.onnxruntime.OrtEnvironment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ONNX Runtime 1.29's telemetry overflows a 1 MB stack on a long command line (docs/model-notes.md); a Neo4j server
 * need not set {@code ORT_DISABLE_TELEMETRY} for the plugin to survive it. Each case is a child JVM with a command
 * line of over 8 KB and the variable removed from its environment (this build sets it for its test JVMs). The
 * guards are asserted everywhere; the crash they guard against only where this machine's ONNX Runtime runs telemetry.
 */
class OnnxRuntimeEnvironmentTest {

    private static final String PADDING = "x".repeat(8_000);

    @Test
    void theCrashIsReproducedWhenTheEnvironmentIsCreatedOnTheMainThread() throws Exception {
        Child child = run("main-thread");
        assumeTelemetryRan(child);
        assertThat(child.exit()).as("exit status of the control (139: SIGSEGV), which printed:%n%s",
                child.output()).isEqualTo(139);
    }

    @Test
    void theEnvironmentOnALargeStackSurvivesTheTelemetry() throws Exception {
        Child child = run("large-stack");
        assertThat(child.exit()).as("exit status (139: SIGSEGV); output:%n%s", child.output()).isZero();
        assertThat(child.output()).contains("environment created");
        assumeTelemetryRan(child);
    }

    /**
     * Whether ONNX Runtime runs its telemetry depends on the machine (a CI container ran none: no crash and no log),
     * so the crash and its guard are only shown where the telemetry ran or the control crashed.
     */
    private static void assumeTelemetryRan(Child child) {
        assumeTrue(child.telemetryLog() || child.exit() == 139,
                "ONNX Runtime ran no telemetry on this machine (exit " + child.exit() + ", no /tmp/mat-debug log)");
    }

    @Test
    void theEnvironmentTurnsTheTelemetryOffWhenTheServerDidNot() throws Exception {
        Child child = run("plugin");
        assertThat(child.exit()).as("exit status; output:%n%s", child.output()).isZero();
        assertThat(child.output()).contains("telemetry off (ORT_DISABLE_TELEMETRY=1 set in the process)");
        assertThat(child.telemetryLog()).as("ONNX Runtime saw the variable: no telemetry").isFalse();
    }

    @Test
    void anAdministratorsSettingIsKept() throws Exception {
        Child child = run("plugin", "ORT_DISABLE_TELEMETRY", "1");
        assertThat(child.exit()).isZero();
        assertThat(child.output()).contains("telemetry as the server's environment says (ORT_DISABLE_TELEMETRY=1)");
    }

    @Test
    void aMissingJarIsNamed() throws Exception {
        assertThat(OnnxRuntimeCheck.missing()).isEmpty();
        try (URLClassLoader without = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThat(OnnxRuntimeCheck.missing(without)).hasValueSatisfying(message -> assertThat(message)
                    .contains("ONNX Runtime is not installed: put `onnxruntime-1.29.0.jar`")
                    .contains("com.microsoft.onnxruntime:onnxruntime:1.29.0").contains("plugins folder"));
        }
    }

    @Test
    void theStackFitsTheCommandLine() {
        assertThat(OnnxRuntimeEnvironment.stackBytes(0)).isEqualTo(8L << 20);
        // the tests module's 36 KB class path: 256 bytes a character measured, twice that given, plus 8 MB
        assertThat(OnnxRuntimeEnvironment.stackBytes(36_000)).isGreaterThan(2 * 256 * 36_000L);
        assertThat(OnnxRuntimeEnvironment.stackBytes(10_000_000)).isEqualTo(1L << 30);
    }

    /** @param telemetryLog whether the telemetry's debug log, the first file it writes, appeared (then deleted) */
    private record Child(int exit, String output, boolean telemetryLog) {}

    private static Child run(String mode, String... environment) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Probe.class.getName(), mode, PADDING));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(OnnxRuntimeEnvironment.TELEMETRY_VARIABLE);
        for (int i = 0; i < environment.length; i += 2) {
            builder.environment().put(environment[i], environment[i + 1]);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        boolean telemetryLog = Files.deleteIfExists(Path.of("/tmp", "mat-debug-" + process.pid() + ".log"));
        return new Child(exit, output, telemetryLog);
    }

    /** The child JVM. */
    public static final class Probe {

        private Probe() {}

        public static void main(String[] args) {
            switch (args[0]) {
                case "main-thread" -> OrtEnvironment.getEnvironment();
                case "large-stack" -> OnnxRuntimeEnvironment.createOnLargeStack();
                default -> {
                    OnnxRuntimeEnvironment.get();
                    System.out.println(OnnxRuntimeEnvironment.telemetry());
                }
            }
            System.out.println("environment created");
        }
    }
}
