package io.ernieneo4j.tests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the Spark job ({@code io.ernieneo4j.spark.ErnieSparkJob}) through Spark's own spark-submit entry point
 * ({@code SparkSubmit --master local[N] --class ...}) in a JVM of its own: its class path (Spark, the connector with its own Bolt driver 4.4,
 * Spark's Jackson 2.15, DJL) cannot share a JVM with the tests' (driver 6, Jackson 2.22, the plugin's DJL natives
 * already loaded by the embedded server). The child runs on the tests' own JDK; on JDK 23+ Hadoop's user lookup
 * fails unless SPARK_USER is set, which this sets. Loopback only.
 */
public final class SparkJob {

    /** The module's build folder: its classes and the class path it wrote ({@code classpath.txt}). */
    public static final String TARGET_PROPERTY = "ernie.spark.target";

    private static final Pattern SUMMARY = Pattern.compile("ernie-spark: (\\d+) documents, (\\d+) MENTIONS written, "
            + "(\\d+) mentions typed \\((\\d+) too long for the model\\), (\\d+) entities typed; dictionary of (\\d+) "
            + "entities; (\\d+) ms \\((\\d+) reading the dictionary, (\\d+) linking and typing, (\\d+) writing\\)");

    private static final Pattern RELATIONS = Pattern.compile("; (\\d+) mention pairs classified \\((\\d+) too long "
            + "for the model\\), (\\d+) facts predicted \\((\\d+) merged\\): (\\d+) relationships created, (\\d+) "
            + "updated, (\\d+) already known, (\\d+) rejected");

    /**
     * What the job printed: its summary's numbers, and its output for failures.
     *
     * @param relations its relation classification's numbers; null when it ran without a relation model
     */
    public record Result(int exitCode, String output, long documents, long mentions, long examples, long tooLong,
                         long entitiesTyped, long dictionarySize, long millis, long dictionaryMillis,
                         long computeMillis, long writeMillis, Relations relations) {
    }

    /** The summary's relation part, as ernie.relation.write's columns count. */
    public record Relations(long examples, long tooLong, long predictions, long merged, long created, long updated,
                            long alreadyKnown, long rejected) {
    }

    /**
     * A job jar built with {@code -Pspark-job} ({@code spark/target/ernie-neo4j-spark-*-job.jar}): when set, the job
     * runs from it, on Spark's jars alone, as spark-submit runs it on a cluster; else from the module's classes.
     */
    public static final String JOB_JAR_PROPERTY = "ernie.spark.jobJar";
    private static final List<String> JOB_BRINGS = List.of("/trainer/target/", "/ernie-neo4j-trainer", "/ai/djl/",
            "/org/neo4j/", "/net/sf/extjwnl/", "/info/picocli/");

    private SparkJob() {}

    /** The JVM options Spark 3.5 needs on Java 17+ (its launcher's own list) and the DJL natives need. */
    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-XX:+IgnoreUnrecognizedVMOptions",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
                "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
                "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        return options;
    }

    /**
     * Runs the job with {@code cores} local cores and the given {@code --key value} options, in {@code workDir}
     * (its argument file, log configuration and output go there), and waits at most {@code timeoutSeconds}.
     */
    public static Result run(int cores, Map<String, String> options, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path target = Path.of(System.getProperty(TARGET_PROPERTY, "../spark/target")).toAbsolutePath();
        Path classpath = target.resolve("classpath.txt");
        if (!Files.isRegularFile(classpath)) {
            throw new IllegalStateException("No " + classpath + ": build the spark module first (`./ernie.sh mvn -pl "
                    + "tests -am test` builds it).");
        }
        Files.createDirectories(workDir);
        Path log4j = workDir.resolve("log4j2.properties");
        Files.writeString(log4j, """
                rootLogger.level = warn
                rootLogger.appenderRef.stderr.ref = console
                appender.console.type = Console
                appender.console.name = console
                appender.console.target = SYSTEM_ERR
                appender.console.layout.type = PatternLayout
                appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
                """);
        List<String> arguments = new ArrayList<>(jvmOptions());
        arguments.addAll(List.of("-Xmx2g", "-Dlog4j2.configurationFile=" + log4j.toUri(), "-Dai.djl.offline=true"));
        String djl = System.getProperty("ernie.dir.djl");
        if (djl != null) {
            arguments.add("-Dernie.dir.djl=" + djl);
        }
        // the job jar of `-Pspark-job` when one is named: submitted as a cluster gets it, onto Spark's own jars
        String jobJar = System.getProperty(JOB_JAR_PROPERTY, "");
        arguments.add("-cp");
        arguments.add(jobJar.isEmpty()
                ? target.resolve("classes") + java.io.File.pathSeparator + Files.readString(classpath).trim()
                : sparkDistribution(target));
        // Spark's own spark-submit entry point, in client mode
        arguments.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[" + cores + "]",
                "--class", "io.ernieneo4j.spark.ErnieSparkJob", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.sql.shuffle.partitions=" + cores, "--conf", "spark.default.parallelism=" + cores,
                jobJar.isEmpty() ? "spark-internal" : Path.of(jobJar).toAbsolutePath().toString()));
        options.forEach((key, value) -> {
            arguments.add("--" + key);
            arguments.add(value);
        });
        // an argument file: the class path is long
        Path argumentFile = workDir.resolve("java-arguments");
        Files.write(argumentFile, arguments.stream().map(SparkJob::quote).toList(), StandardCharsets.UTF_8);
        Path output = workDir.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + argumentFile).redirectErrorStream(true).redirectOutput(output.toFile()).directory(workDir.toFile());
        builder.environment().put("SPARK_USER", System.getProperty("user.name", "ernie"));
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("The Spark job ran over " + timeoutSeconds + " s; its output:\n"
                    + tail(Files.readString(output)));
        }
        String printed = Files.readString(output);
        Matcher m = SUMMARY.matcher(printed);
        if (process.exitValue() != 0 || !m.find()) {
            return new Result(process.exitValue(), printed, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, null);
        }
        Matcher r = RELATIONS.matcher(printed);
        Relations relations = !r.find(m.end()) || r.start() != m.end() ? null
                : new Relations(Long.parseLong(r.group(1)), Long.parseLong(r.group(2)), Long.parseLong(r.group(3)),
                Long.parseLong(r.group(4)), Long.parseLong(r.group(5)), Long.parseLong(r.group(6)),
                Long.parseLong(r.group(7)), Long.parseLong(r.group(8)));
        return new Result(0, printed, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                Long.parseLong(m.group(6)), Long.parseLong(m.group(7)), Long.parseLong(m.group(8)),
                Long.parseLong(m.group(9)), Long.parseLong(m.group(10)), relations);
    }

    /**
     * A stand-in for a Spark 3.5 distribution's class path, without one: the module's class path less what only the
     * job brings (the trainer, DJL, the connector and its Bolt driver, WordNet's data), which must then come from the
     * job jar.
     */
    private static String sparkDistribution(Path target) throws IOException {
        List<String> jars = new ArrayList<>();
        for (String jar : Files.readString(target.resolve("classpath.txt")).trim().split(java.io.File.pathSeparator)) {
            if (JOB_BRINGS.stream().noneMatch(jar::contains)) {
                jars.add(jar);
            }
        }
        return String.join(java.io.File.pathSeparator, jars);
    }

    /** The last lines of a long output, for a failure message. */
    public static String tail(String output) {
        String[] lines = output.split("\n");
        // the first exceptions' own lines: a long stack trace pushes them out of the tail
        List<String> causes = java.util.Arrays.stream(lines).filter(l -> l.contains("Exception: ")).limit(5).toList();
        return String.join("\n", causes) + "\n...\n"
                + String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
    }

    /** An argument as a java argument file wants it: quoted, backslashes and quotes escaped. */
    private static String quote(String argument) {
        return "\"" + argument.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
