package io.ernieneo4j.tests.server;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo: an embedded Neo4j with the ernie plugin (from a plugins folder, as users deploy it), GDS and Neo4j
 * Browser, its databases kept in a persistent folder, then the demo pipeline of {@code cypher/demo.cypher} run
 * through Bolt: the statements before the first {@code ernie.model.load}, the script's shell steps (fine-tuning ERNIE
 * with the trainer's command line, in a JVM of its own, for each model its data folder does not hold yet), then the
 * rest. It prints the Browser URL and the script's last three queries, and keeps serving until Ctrl-C.
 *
 * <pre>
 * DemoServer --plugins DIR --data DIR [--script FILE] [--trainer DIR] [--bolt-port 7687] [--http-port 7474] [--exit]
 * </pre>
 */
public final class DemoServer {

    /** Set when the demo is stopping: a training run that ends then is not resumed. */
    private static final AtomicBoolean STOPPING = new AtomicBoolean();

    private DemoServer() {}

    /**
     * Command-line options; a port below 0 lets the harness pick a free one.
     *
     * @param trainer the trainer module's {@code target} folder ({@code classes} and {@code classpath.txt}), which
     *                the training steps run from
     */
    public record Options(Path plugins, Path data, Path script, int boltPort, int httpPort, boolean exitAfterPipeline,
                          Path trainer) {

        public static Options parse(String[] args) {
            Path plugins = null;
            Path data = Path.of("demo-data");
            Path script = null;
            Path trainer = null;
            int bolt = 7687;
            int http = 7474;
            boolean exit = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--plugins" -> plugins = Path.of(args[++i]);
                    case "--data" -> data = Path.of(args[++i]);
                    case "--script" -> script = Path.of(args[++i]);
                    case "--trainer" -> trainer = Path.of(args[++i]);
                    case "--bolt-port" -> bolt = Integer.parseInt(args[++i]);
                    case "--http-port" -> http = Integer.parseInt(args[++i]);
                    case "--exit" -> exit = true;
                    default -> throw new IllegalArgumentException("Unknown option " + args[i]
                            + "; usage: DemoServer --plugins DIR --data DIR [--script FILE] [--trainer DIR] "
                            + "[--bolt-port N] [--http-port N] [--exit]");
                }
            }
            if (plugins == null) {
                throw new IllegalArgumentException("--plugins DIR is required: the folder with the plugin jar");
            }
            if (script == null) {
                script = findDemoScript(data);
            }
            if (trainer == null) {
                trainer = script.toAbsolutePath().getParent().resolveSibling("trainer").resolve("target");
            }
            return new Options(plugins, data, script, bolt, http, exit, trainer);
        }

        /** Neo4j's data directory ({@code server.directories.data}): {@code <data>} in the script's shell steps. */
        public Path neo4jData() {
            return data.resolve("databases").toAbsolutePath();
        }

        /** {@code cypher/demo.cypher} of the checkout: beside the data folder, or above the working directory. */
        private static Path findDemoScript(Path data) {
            for (Path dir = data.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("cypher").resolve("demo.cypher");
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            return Path.of("cypher", "demo.cypher");
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        EmbeddedNeo4j server = start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Neo4j ...");
            server.close();
            stopped.countDown();
        }, "demo-shutdown"));
        long start = System.nanoTime();
        Pipeline pipeline = Pipeline.read(options.script());
        System.out.println("Running the demo pipeline " + options.script() + " ("
                + (pipeline.beforeTraining().size() + pipeline.afterTraining().size()) + " statements, "
                + pipeline.training().size() + " training steps)");
        runStatements(server, pipeline.beforeTraining());
        train(options, pipeline.training());
        runStatements(server, pipeline.afterTraining());
        System.out.printf(Locale.ROOT, "%n  Pipeline done in %.1f s.%n  Neo4j Browser:  %s%n"
                        + "  Bolt:           %s%n  Data folder:    %s%n"
                        + "  Auth is off: the Browser link connects by itself; should Browser show its login form, "
                        + "pick Authentication type \"No authentication\", then Connect.%n"
                        + "  Ctrl-C stops the server.%n",
                (System.nanoTime() - start) / 1e9, browserUrl(server.httpUri(), server.boltUri()),
                server.boltUri(), options.data().toAbsolutePath());
        List<String> queries = pipeline.afterTraining().subList(Math.max(0, pipeline.afterTraining().size() - 3),
                pipeline.afterTraining().size());
        System.out.println("\n  Three queries to paste into Neo4j Browser:");
        for (String query : queries) {
            System.out.println("\n    " + query.replace("\n", "\n    ") + ";");
        }
        System.out.println();
        if (options.exitAfterPipeline()) {
            System.exit(0);
        }
        stopped.await();
    }

    /**
     * Neo4j Browser's address with its URL parameters set for a server without auth: {@code dbms} (the Bolt URL of
     * the connect form) and {@code preselectAuthMethod=NO_AUTH} (its "No authentication" type, with which Browser
     * connects as soon as it opens), as the Browser bundled here (5.24) reads them; see
     * https://neo4j.com/docs/browser-manual/current/operations/browser-url-parameters/.
     */
    static String browserUrl(URI http, URI bolt) {
        return http.toString().replaceAll("/$", "") + "/browser/?dbms=" + bolt.toString().replaceAll("/$", "")
                + "&preselectAuthMethod=NO_AUTH";
    }

    public static EmbeddedNeo4j start(Options options) throws Exception {
        Files.createDirectories(options.data());
        System.out.println("Starting Neo4j with the ernie plugin from " + options.plugins().toAbsolutePath() + " ...");
        return EmbeddedNeo4j.builder(options.data().resolve("harness"))
                .pluginsDir(options.plugins())
                .dataDir(options.data().resolve("databases"))
                .ports(options.boltPort(), options.httpPort())
                .start();
    }

    /**
     * The demo script in three parts: the statements before the first that loads an ERNIE model (data, TransE,
     * linking, export), the shell commands of its {@code // $} lines (training), and the statements after.
     */
    public record Pipeline(List<String> beforeTraining, List<String> training, List<String> afterTraining) {

        public static Pipeline read(Path script) throws IOException {
            List<String> statements = CypherScript.statements(script);
            int split = 0;
            while (split < statements.size() && !statements.get(split).contains("ernie.model.load")) {
                split++;
            }
            return new Pipeline(statements.subList(0, split), CypherScript.shellCommands(script),
                    statements.subList(split, statements.size()));
        }
    }

    /**
     * Runs each {@code ./ernie.sh trainer ...} command of the script, {@code <data>} being Neo4j's data directory, as
     * {@code ./ernie.sh trainer} does (the trainer's main class on its class path, in a JVM of its own), unless its
     * {@code --out} folder holds a finished model ({@code metrics.json}, written last); a run that was interrupted
     * resumes from its checkpoint.
     */
    static void train(Options options, List<String> commands) throws Exception {
        for (String command : commands) {
            List<String> words = new ArrayList<>(Arrays.asList(
                    command.replace("<data>", options.neo4jData().toString()).split(" ")));
            if (words.size() < 3 || !words.get(0).equals("./ernie.sh") || !words.get(1).equals("trainer")) {
                throw new IllegalArgumentException("A shell step of the demo script must be `./ernie.sh trainer ...`, "
                        + "got: " + command);
            }
            List<String> arguments = words.subList(2, words.size());
            int out = arguments.indexOf("--out");
            Path model = Path.of(arguments.get(out + 1));
            if (Files.isRegularFile(model.resolve("metrics.json"))) {
                System.out.println("\n$ " + command + "\n  (skipped: " + model + " holds the trained model)");
                continue;
            }
            if (Files.isDirectory(model.resolve("checkpoint"))) {
                arguments = new ArrayList<>(arguments);
                arguments.add("--resume");
            }
            System.out.println("\n$ " + command + (arguments.contains("--resume") ? " --resume" : ""));
            long start = System.nanoTime();
            List<String> java = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx4g",
                    "-Dernie.dir.djl=" + options.neo4jData().resolve("ernie").resolve("djl-cache")));
            if (Runtime.version().feature() >= 23) {
                java.add("--sun-misc-unsafe-memory-access=allow");
            }
            java.addAll(List.of("-cp", trainerClassPath(options.trainer()), "io.ernieneo4j.trainer.cli.ErnieTrainer"));
            java.addAll(arguments);
            int exit = run(java);
            if (exit != 0 && !STOPPING.get() && !java.contains("--resume")
                    && Files.isDirectory(model.resolve("checkpoint"))) {
                // once, from the last epoch's checkpoint: the run is repeated exactly from there
                System.out.println("  (training stopped with exit code " + exit + "; resuming from its checkpoint)");
                java.add("--resume");
                exit = run(java);
            }
            if (exit != 0) {
                throw new IllegalStateException("Training failed (exit code " + exit + "): " + command);
            }
            System.out.printf(Locale.ROOT, "  (trained in %.1f s)%n", (System.nanoTime() - start) / 1e9);
        }
    }

    /** Runs a command with the demo's terminal, stopped with the demo (Ctrl-C, SIGTERM). */
    private static int run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        AtomicReference<Process> running = new AtomicReference<>();
        Thread stop = new Thread(() -> {
            STOPPING.set(true);
            Process process = running.get();
            if (process != null) {
                process.destroy();
            }
        }, "demo-training-stop");
        Runtime.getRuntime().addShutdownHook(stop);   // refused while the demo stops: nothing is started then
        try {
            Process process = builder.start();
            running.set(process);
            if (STOPPING.get()) {
                process.destroy();
            }
            return process.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook stops the training
            }
        }
    }

    private static String trainerClassPath(Path trainer) throws IOException {
        Path classes = trainer.resolve("classes");
        Path classPath = trainer.resolve("classpath.txt");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(classPath)) {
            throw new IOException("The trainer is not built in " + trainer.toAbsolutePath()
                    + " (classes/ and classpath.txt): run ./ernie.sh demo, which builds it, or pass --trainer DIR.");
        }
        return classes.toAbsolutePath() + java.io.File.pathSeparator + Files.readString(classPath).strip();
    }

    /** Runs each statement through Bolt and prints its rows. */
    public static void runStatements(EmbeddedNeo4j server, List<String> statements) {
        try (Driver driver = GraphDatabase.driver(server.boltUri(), AuthTokens.none());
             Session session = driver.session()) {
            for (String statement : statements) {
                System.out.println("\nneo4j> " + statement.replace("\n", "\n       ") + ";");
                long start = System.nanoTime();
                Result result = session.run(statement);
                List<Record> rows = result.list();
                for (Record row : rows.subList(0, Math.min(rows.size(), 10))) {
                    System.out.println("  " + row.asMap());
                }
                if (rows.size() > 10) {
                    System.out.println("  ... " + (rows.size() - 10) + " more rows");
                }
                System.out.printf(Locale.ROOT, "  (%d rows, %.1f s)%n", rows.size(), (System.nanoTime() - start) / 1e9);
            }
        }
    }
}
