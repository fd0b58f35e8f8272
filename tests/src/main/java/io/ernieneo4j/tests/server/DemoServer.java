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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The demo: an embedded Neo4j with the ernie plugin (from a plugins folder, as users deploy it), GDS and Neo4j
 * Browser, its databases kept in a persistent folder, then the demo pipeline of {@code cypher/demo.cypher} run
 * through Bolt, fine-tuning of ERNIE included (in the database). It prints the Browser URL and the script's last
 * three queries, and keeps serving until Ctrl-C.
 *
 * <pre>
 * DemoServer --plugins DIR --data DIR [--script FILE] [--bolt-port 7687] [--http-port 7474] [--exit]
 * </pre>
 */
public final class DemoServer {

    private DemoServer() {}

    /** Command-line options; a port below 0 lets the harness pick a free one. */
    public record Options(Path plugins, Path data, Path script, int boltPort, int httpPort,
                          boolean exitAfterPipeline) {

        public static Options parse(String[] args) {
            Path plugins = null;
            Path data = Path.of("demo-data");
            Path script = null;
            int bolt = 7687;
            int http = 7474;
            boolean exit = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--plugins" -> plugins = Path.of(args[++i]);
                    case "--data" -> data = Path.of(args[++i]);
                    case "--script" -> script = Path.of(args[++i]);
                    case "--bolt-port" -> bolt = Integer.parseInt(args[++i]);
                    case "--http-port" -> http = Integer.parseInt(args[++i]);
                    case "--exit" -> exit = true;
                    default -> throw new IllegalArgumentException("Unknown option " + args[i]
                            + "; usage: DemoServer --plugins DIR --data DIR [--script FILE] "
                            + "[--bolt-port N] [--http-port N] [--exit]");
                }
            }
            if (plugins == null) {
                throw new IllegalArgumentException("--plugins DIR is required: the folder with the plugin jar");
            }
            if (script == null) {
                script = findDemoScript(data);
            }
            return new Options(plugins, data, script, bolt, http, exit);
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
        // the demo's server runs no other queries: ERNIE may train and infer on every core (the plugin's default
        // is half of them, leaving the rest to queries)
        if (System.getProperty("ernie.inference.threads") == null && System.getenv("ERNIE_INFERENCE_THREADS") == null) {
            System.setProperty("ernie.inference.threads",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        EmbeddedNeo4j server = start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Neo4j ...");
            server.close();
            stopped.countDown();
        }, "demo-shutdown"));
        long start = System.nanoTime();
        Pipeline pipeline = Pipeline.read(options.script());
        System.out.println("Running the demo pipeline " + options.script() + " (" + pipeline.size()
                + " statements, " + pipeline.training().size() + " of them training ERNIE)");
        runStatements(server, pipeline.beforeTraining());
        runStatements(server, pipeline.training());
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
     * The demo script in three parts: the statements before the first that trains an ERNIE model (data, TransE,
     * linking, export), those that train, and the statements after.
     */
    public record Pipeline(List<String> beforeTraining, List<String> training, List<String> afterTraining) {

        public static Pipeline read(Path script) throws IOException {
            List<String> statements = CypherScript.statements(script);
            int first = 0;
            while (first < statements.size() && !trains(statements.get(first))) {
                first++;
            }
            int after = first;
            while (after < statements.size() && trains(statements.get(after))) {
                after++;
            }
            return new Pipeline(statements.subList(0, first), statements.subList(first, after),
                    statements.subList(after, statements.size()));
        }

        public int size() {
            return beforeTraining.size() + training.size() + afterTraining.size();
        }

        private static boolean trains(String statement) {
            return statement.contains("ernie.type.train(") || statement.contains("ernie.relation.train(");
        }
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
