package io.ernieneo4j.tests.benchmarks;

import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How long {@code ernie.dataset.wordnet.load} takes for all of WordNet 3.0 into an empty database, and how long a
 * second (idempotent, nothing created) run takes, through Bolt against the deployed plugin jar.
 *
 * <pre>./ernie.sh benchmark WordNetLoadBenchmark</pre>
 */
public final class WordNetLoadBenchmark {

    public static void main(String[] args) throws Exception {
        Path plugins = Path.of(System.getProperty("ernie.plugins.dir", "tests/target/plugins"));
        Path work = Files.createTempDirectory("ernie-wordnet-bench");
        BenchmarkReport report = new BenchmarkReport("wordnet-load", "./ernie.sh benchmark WordNetLoadBenchmark");
        long startNanos = System.nanoTime();
        try (EmbeddedNeo4j server = EmbeddedNeo4j.builder(work).pluginsDir(plugins).start();
             Driver driver = GraphDatabase.driver(server.boltUri(), AuthTokens.none());
             Session session = driver.session()) {
            report.put("serverStartSeconds", seconds(System.nanoTime() - startNanos));

            long first = System.nanoTime();
            Map<String, Object> load = session.run("CALL ernie.dataset.wordnet.load({})").single().asMap();
            double firstSeconds = seconds(System.nanoTime() - first);
            long nodes = (Long) load.get("nodesCreated");
            long relationships = (Long) load.get("relationshipsCreated");

            long second = System.nanoTime();
            Map<String, Object> again = session.run("CALL ernie.dataset.wordnet.load({})").single().asMap();
            double secondSeconds = seconds(System.nanoTime() - second);

            report.put("synsetsCreated", nodes)
                    .put("relationshipsCreated", relationships)
                    .put("firstLoadSeconds", firstSeconds)
                    .put("firstLoadReadWordNetMillis", load.get("preProcessingMillis"))
                    .put("firstLoadWriteMillis", load.get("writeMillis"))
                    .put("synsetsPerSecond", Math.round(nodes / firstSeconds))
                    .put("relationshipsPerSecond", Math.round(relationships / firstSeconds))
                    .put("secondLoadSeconds", secondSeconds)
                    .put("secondLoadCreated", (Long) again.get("nodesCreated") + (Long) again.get("relationshipsCreated"))
                    .put("targetSeconds", 60)
                    .put("heapUsedMiBInProcess", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
        report.write();
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }
}
