package io.ernieneo4j.tests.server;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The demo: an embedded Neo4j with the ernie plugin (from a plugins folder, as users deploy it), GDS and Neo4j
 * Browser, its databases kept in a persistent folder, then the demo pipeline of {@code cypher/demo.cypher} run
 * through Bolt. It keeps serving until Ctrl-C.
 *
 * <pre>
 * DemoServer --plugins DIR --data DIR [--script FILE] [--bolt-port 7687] [--http-port 7474] [--exit]
 * </pre>
 */
public final class DemoServer {

    private DemoServer() {}

    /** Command-line options; a port below 0 lets the harness pick a free one. */
    public record Options(Path plugins, Path data, Path script, int boltPort, int httpPort, boolean exitAfterPipeline) {

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
                            + "; usage: DemoServer --plugins DIR --data DIR [--script FILE] [--bolt-port N] "
                            + "[--http-port N] [--exit]");
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
        EmbeddedNeo4j server = start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Neo4j ...");
            server.close();
            stopped.countDown();
        }, "demo-shutdown"));
        runPipeline(server, options.script());
        System.out.printf(Locale.ROOT, "%n  Neo4j Browser:  %s/browser/%n  Bolt:           %s%n"
                        + "  Data folder:    %s%n  Auth is off (connect with any user name). Ctrl-C stops the server.%n%n",
                server.httpUri().toString().replaceAll("/$", ""), server.boltUri(), options.data().toAbsolutePath());
        if (options.exitAfterPipeline()) {
            System.exit(0);
        }
        stopped.await();
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

    /** Runs each statement of the script through Bolt and prints its rows. */
    public static void runPipeline(EmbeddedNeo4j server, Path script) throws Exception {
        List<String> statements = CypherScript.statements(script);
        System.out.println("Running the demo pipeline " + script + " (" + statements.size() + " statements)");
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
