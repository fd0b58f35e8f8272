package io.ernieneo4j.tests.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Prints a benchmark's figures and writes them, with the machine they came from, to {@code results/<name>.json}. */
public final class BenchmarkReport {

    /** Where results go: {@code -Dernie.results.dir}, else {@code tests/benchmarks/results} of the checkout. */
    public static final String RESULTS_DIR_PROPERTY = "ernie.results.dir";

    private final String name;
    private final String command;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    public BenchmarkReport(String name, String command) {
        this.name = name;
        this.command = command;
    }

    /** A benchmark's arguments: Maven's exec plugin hands {@code -Dbenchmark.args} over as one string. */
    public static String[] arguments(String[] args) {
        String joined = String.join(" ", args).trim();
        return joined.isEmpty() ? new String[0] : joined.split("\\s+");
    }

    public BenchmarkReport put(String figure, Object value) {
        figures.put(figure, value);
        System.out.printf("  %-36s %s%n", figure, value);
        return this;
    }

    public Path write() throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", name);
        report.put("command", command);
        report.put("date", Instant.now().toString());
        report.put("machine", machine());
        report.put("figures", figures);
        Path dir = Path.of(System.getProperty(RESULTS_DIR_PROPERTY, "tests/benchmarks/results"));
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        System.out.println("Wrote " + file.toAbsolutePath());
        return file;
    }

    static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel().orElse(System.getProperty("os.arch")));
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryGiB", Math.round(physicalMemoryBytes() / (1024.0 * 1024 * 1024)));
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return machine;
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long physicalMemoryBytes() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean bean ? bean.getTotalMemorySize() : -1;
    }
}
