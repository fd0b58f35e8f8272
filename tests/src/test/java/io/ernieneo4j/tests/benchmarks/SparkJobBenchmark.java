package io.ernieneo4j.tests.benchmarks;

import io.ernieneo4j.plugin.align.AlignWriteProc;
import io.ernieneo4j.plugin.dataset.WordNetLoadProc;
import io.ernieneo4j.plugin.model.ErnieModelProc;
import io.ernieneo4j.plugin.transe.TransETrainProc;
import io.ernieneo4j.plugin.type.TypeProc;
import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;
import io.ernieneo4j.tests.support.SparkJob;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.ernieneo4j.tests.benchmarks.ErnieInferenceBenchmark.loadAverage;
import static io.ernieneo4j.tests.benchmarks.ErnieInferenceBenchmark.median;
import static io.ernieneo4j.tests.benchmarks.ErnieInferenceBenchmark.round;

/**
 * Linking and typing throughput of the Spark job (spark/) with one and two local cores, beside the plugin's
 * {@code ernie.align.write} + {@code ernie.type.write} on the same documents, graph and model: WordNet's mammal
 * sub-graph (lemmas as names, sense counts as prior, TransE vectors for context and as ERNIE's entity input),
 * {@code documents} generated sentences naming three mammals each, and a MiniLM-shaped ERNIE typing model (6 × 384,
 * random weights: speed does not depend on them), maximum length 128, batches of 32.
 * <ul>
 *   <li>plugin: both procedures through Bolt, one after the other, in this JVM's embedded server (its inference
 *       threads: {@code ernie.inference.threads}, half the cores by default);</li>
 *   <li>Spark, {@code local[1]} and {@code local[2]}: the job in a JVM of its own, through spark-submit's entry
 *       point, with as many PyTorch intra-op threads as cores; documents/s over the job's own time (reading the
 *       dictionary, linking, typing, writing), over its linking and typing stage alone (reading the documents and
 *       the executors' model load included), and over the whole process (JVM and Spark start included).</li>
 * </ul>
 * Rounds alternate the three, so that other work on the machine disturbs them alike; medians reported. Run it on a
 * quiet machine: {@code ./ernie.sh benchmark SparkJobBenchmark [documents] [rounds]}.
 */
public final class SparkJobBenchmark {

    private static final int BATCH_SIZE = 32;
    private static final int MAX_LENGTH = 128;

    public static void main(String[] args) throws Exception {
        String[] a = BenchmarkReport.arguments(args);
        int documents = a.length > 0 ? Integer.parseInt(a[0]) : 2_000;
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        BenchmarkReport report = new BenchmarkReport("spark-job",
                "./ernie.sh benchmark SparkJobBenchmark " + documents + " " + rounds);
        Path work = Files.createTempDirectory("spark-job-bench");
        ErnieInferenceBenchmark.PluginFolders folders = ErnieInferenceBenchmark.PluginFolders.under(work);
        Path models = folders.models();
        Path transeModels = folders.transe();
        try (EmbeddedNeo4j server = EmbeddedNeo4j.builder(work.resolve("db"))
                .procedures(WordNetLoadProc.class, TransETrainProc.class, ErnieModelProc.class, TypeProc.class,
                        AlignWriteProc.class)
                .start();
             Bolt bolt = new Bolt(server.boltUri())) {
            bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");
            bolt.single("CALL ernie.transe.train({modelName: 'mammal', nodeLabels: ['Synset'], dimensions: 100, "
                    + "epochs: 5, concurrency: 1, writeProperty: 'transe'})");
            createPassages(bolt, documents);
            ErnieInferenceBenchmark.saveRandomMiniLmTyping(models, work, MAX_LENGTH);
            bolt.single("CALL ernie.model.load('typing', {path: 'minilm-typing'})");
            String linking = "documentLabel: 'Passage', textProperty: 'text', entityLabels: 'Synset', "
                    + "nameProperties: 'lemmas', priorProperty: 'frequency', embeddingProperty: 'transe'";
            String align = "CALL ernie.align.write({" + linking + "}) YIELD relationshipsWritten "
                    + "RETURN relationshipsWritten";
            String type = "CALL ernie.type.write({modelName: 'typing', documentLabel: 'Passage', threshold: 0.5, "
                    + "batchSize: " + BATCH_SIZE + ", writeProperty: 'pluginTypes'}) YIELD examples RETURN examples";

            Map<String, String> job = new LinkedHashMap<>();
            job.put("url", server.boltUri().toString());
            job.put("documentLabel", "Passage");
            job.put("textProperty", "text");
            job.put("entityLabels", "Synset");
            job.put("nameProperties", "lemmas");
            job.put("priorProperty", "frequency");
            job.put("embeddingProperty", "transe");
            job.put("model", models.resolve("minilm-typing").toString());
            job.put("transeModel", transeModels.resolve("neo4j").resolve("transe").resolve("mammal").toString());
            job.put("modelName", "typing");
            job.put("writeProperty", "sparkTypes");
            job.put("threshold", "0.5");
            job.put("batchSize", Integer.toString(BATCH_SIZE));
            job.put("djlCache", work.resolve("djl-cache").toString());

            // warm-up: the plugin's JIT and dictionary cache; the job's natives unpacked once
            long mentions = (Long) bolt.single(align).get("relationshipsWritten");
            long examples = (Long) bolt.single(type).get("examples");
            report.put("documents", documents).put("mentions", mentions).put("examplesTyped", examples)
                    .put("batchSize", BATCH_SIZE).put("maxLength", MAX_LENGTH)
                    .put("loadAverageBefore", loadAverage());
            List<Double> plugin = new ArrayList<>();
            Map<Integer, List<Double>> sparkJob = Map.of(1, new ArrayList<>(), 2, new ArrayList<>());
            Map<Integer, List<Double>> sparkProcess = Map.of(1, new ArrayList<>(), 2, new ArrayList<>());
            Map<Integer, List<Double>> sparkCompute = Map.of(1, new ArrayList<>(), 2, new ArrayList<>());
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                bolt.single(align);
                bolt.single(type);
                plugin.add(documents / ((System.nanoTime() - start) / 1e9));
                for (int cores : List.of(1, 2)) {
                    job.put("inferenceThreads", Integer.toString(cores));
                    long processStart = System.nanoTime();
                    SparkJob.Result result = SparkJob.run(cores, job, work.resolve("run-" + round + "-" + cores), 3600);
                    if (result.exitCode() != 0) {
                        throw new IllegalStateException("The Spark job failed:\n" + SparkJob.tail(result.output()));
                    }
                    if (result.mentions() != mentions || result.examples() != examples) {
                        throw new IllegalStateException(String.format("The Spark job linked %d mentions and typed "
                                + "%d, the plugin %d and %d.", result.mentions(), result.examples(), mentions,
                                examples));
                    }
                    sparkJob.get(cores).add(documents / (result.millis() / 1e3));
                    sparkCompute.get(cores).add(documents / (result.computeMillis() / 1e3));
                    sparkProcess.get(cores).add(documents / ((System.nanoTime() - processStart) / 1e9));
                }
            }
            report.put("rounds", rounds)
                    .put("pluginDocumentsPerSecond", round(median(plugin)))
                    .put("pluginRounds", plugin.stream().map(ErnieInferenceBenchmark::round).toList())
                    .put("sparkLocal1DocumentsPerSecond", round(median(sparkJob.get(1))))
                    .put("sparkLocal2DocumentsPerSecond", round(median(sparkJob.get(2))))
                    .put("sparkLocal2OverLocal1", round(median(sparkJob.get(2)) / median(sparkJob.get(1))))
                    .put("sparkLocal1Rounds", sparkJob.get(1).stream().map(ErnieInferenceBenchmark::round).toList())
                    .put("sparkLocal2Rounds", sparkJob.get(2).stream().map(ErnieInferenceBenchmark::round).toList())
                    .put("sparkLocal1ComputeDocumentsPerSecond", round(median(sparkCompute.get(1))))
                    .put("sparkLocal2ComputeDocumentsPerSecond", round(median(sparkCompute.get(2))))
                    .put("sparkComputeLocal2OverLocal1",
                            round(median(sparkCompute.get(2)) / median(sparkCompute.get(1))))
                    .put("sparkLocal1ProcessDocumentsPerSecond", round(median(sparkProcess.get(1))))
                    .put("sparkLocal2ProcessDocumentsPerSecond", round(median(sparkProcess.get(2))))
                    .put("loadAverageAfter", loadAverage());
        } finally {
            System.clearProperty("ernie.dir.models");
            System.clearProperty("ernie.dir.transe");
        }
        report.write();
    }

    /** The texts of {@link ErnieInferenceBenchmark#passages} as :Passage nodes, unlinked: the runs link them. */
    private static void createPassages(Bolt bolt, int documents) {
        List<Object> texts = ErnieInferenceBenchmark.passages(bolt, documents).stream().map(p -> p.get("text"))
                .toList();
        bolt.single("UNWIND $texts AS text CREATE (:Passage {text: text}) RETURN count(*) AS n",
                Map.of("texts", texts));
    }
}
