package io.ernieneo4j.tests.settings;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The intra-op threads PyTorch runs the plugin's inference with: half the cores by default, what
 * {@code ernie.inference.threads} says otherwise. Each case starts DJL in a JVM of its own (PyTorch's thread counts
 * are per process and set once) and reads the counts PyTorch reports, as {@code ernie.version()} does.
 */
class EngineThreadsTest {

    @Test
    void halfTheCoresByDefault() throws Exception {
        Map<String, String> probe = probe(Map.of());
        int cores = Integer.parseInt(probe.get("cores"));
        assertThat(probe).containsEntry("threads", Integer.toString(Math.max(1, cores / 2)))
                .containsEntry("interopThreads", "1")
                .containsEntry("numThreadsProperty", Integer.toString(Math.max(1, cores / 2)))
                .doesNotContainKey("warning");
    }

    @Test
    void theSettingOverridesTheDefault() throws Exception {
        Map<String, String> probe = probe(Map.of("ERNIE_INFERENCE_THREADS", "3"));
        assertThat(probe).containsEntry("threads", "3").containsEntry("interopThreads", "1");
    }

    /** The probe's {@code key=value} lines, run with the given environment and no ernie setting inherited. */
    private static Map<String, String> probe(Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                EngineThreadsProbe.class.getName(), djlCache().toString()));
        builder.environment().keySet().removeIf(name -> name.startsWith("ERNIE_"));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // a safety net against a hung child, not a timing assertion
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Map<String, String> values = new LinkedHashMap<>();
        output.lines().filter(l -> l.matches("[A-Za-z]+=.*"))
                .forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return values;
    }

    /** The DJL cache the build already unpacked the natives into. */
    private static Path djlCache() {
        String configured = System.getProperty("ernie.dir.djl");
        return configured != null ? Path.of(configured) : Path.of("target", "djl-cache").toAbsolutePath();
    }
}
