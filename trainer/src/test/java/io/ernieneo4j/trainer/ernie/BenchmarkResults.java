package io.ernieneo4j.trainer.ernie;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer-side twin of {@code tests/.../BenchmarkReport}, for the benchmarks that cannot run on the tests
 * module's class path (see {@link ErnieThroughputBenchmark}; also {@code linking.LinkingBenchmark}): prints figures and
 * writes them, in the same JSON shape, to {@code -Dernie.results.dir} (default {@code ../tests/benchmarks/results},
 * the trainer module's view of it).
 */
public final class BenchmarkResults {

    private final String name;
    private final String command;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    public BenchmarkResults(String name, String command) {
        this.name = name;
        this.command = command;
    }

    public BenchmarkResults put(String figure, Object value) {
        figures.put(figure, value);
        System.out.printf("  %-40s %s%n", figure, value);
        return this;
    }

    public void write() throws IOException {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElse(System.getProperty("os.arch")));
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", name);
        report.put("command", command);
        report.put("date", Instant.now().toString());
        report.put("machine", machine);
        report.put("figures", figures);
        Path dir = Path.of(System.getProperty("ernie.results.dir", "../tests/benchmarks/results"));
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        System.out.println("Wrote " + file.toAbsolutePath());
    }

    /** The arguments, which Maven hands over as one string. */
    public static String[] arguments(String[] commandLine) {
        String joined = String.join(" ", commandLine).trim();
        return joined.isEmpty() ? new String[0] : joined.split("\\s+");
    }

    /** The system load average over the last minute, to two decimals. */
    public static double loadAverage() {
        return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
    }
}
