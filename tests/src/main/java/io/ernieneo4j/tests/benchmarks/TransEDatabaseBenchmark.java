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
 * TransE inside the database, through Bolt against the deployed plugin jar: all of WordNet loaded and split
 * WN18RR-like, then {@code ernie.transe.train} on the training relationships with embeddings written back, and
 * {@code ernie.transe.evaluate} on the test relationships. Reports how much reading the graph and writing the
 * embeddings add to the training time (target: at most 30%), and the in-database quality.
 *
 * <pre>./ernie.sh benchmark TransEDatabaseBenchmark [epochs]</pre>
 */
public final class TransEDatabaseBenchmark {

    public static void main(String[] args) throws Exception {
        String[] a = BenchmarkReport.arguments(args);
        int epochs = a.length > 0 ? Integer.parseInt(a[0]) : 1000;
        Path plugins = Path.of(System.getProperty("ernie.plugins.dir", "tests/target/plugins"));
        Path work = Files.createTempDirectory("ernie-transe-bench");
        BenchmarkReport report = new BenchmarkReport("transe-database",
                "./ernie.sh benchmark TransEDatabaseBenchmark " + epochs);
        try (EmbeddedNeo4j server = EmbeddedNeo4j.builder(work).pluginsDir(plugins).start();
             Driver driver = GraphDatabase.driver(server.boltUri(), AuthTokens.none());
             Session session = driver.session()) {
            session.run("CALL ernie.dataset.wordnet.load({})").consume();
            Map<String, Object> split = session.run("CALL ernie.dataset.wordnet.split({variant: 'WN18RR', seed: 42})")
                    .single().asMap();
            report.put("trainRelationships", split.get("trainMarked")).put("testRelationships", split.get("testMarked"));

            Map<String, Object> train = session.run("CALL ernie.transe.train({modelName: 'wn18rr', "
                    + "splitProperty: 'split', writeProperty: 'transe', dimensions: 100, epochs: $epochs, norm: 'L1', "
                    + "concurrency: 2, randomSeed: 42})",
                    Map.of("epochs", epochs)).single().asMap();
            long read = (Long) train.get("preProcessingMillis");
            long compute = (Long) train.get("computeMillis");
            long write = (Long) train.get("writeMillis");
            report.put("epochs", epochs)
                    .put("nodes", train.get("nodeCount"))
                    .put("readGraphMillis", read)
                    .put("trainMillis", compute)
                    .put("saveModelAndWriteEmbeddingsMillis", write)
                    .put("triplesPerSecond", train.get("triplesPerSecond"))
                    .put("readAndWriteOverTrainPercent", Math.round(1000.0 * (read + write) / compute) / 10.0)
                    .put("targetOverheadPercent", 30);

            long start = System.nanoTime();
            Map<String, Object> evaluation = session.run("CALL ernie.transe.evaluate({modelName: 'wn18rr', "
                    + "concurrency: 2})").single().asMap();
            report.put("evaluationSeconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0)
                    .put("testTriples", evaluation.get("testTriples"))
                    .put("filtered", evaluation.get("filtered"))
                    .put("raw", evaluation.get("raw"));
        }
        report.write();
    }
}
