package io.ernieneo4j.tests.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Whether the typing scores mean what they say on WordNet, held out, through the procedures: the graph, TransE and
 * the linked definitions of {@link RelationCompletionBenchmark#prepare} (each definition's headword is the gold link
 * to the synset it describes, typed by its {@code lexname}); a typing model fine-tuned from MiniLM on the exported
 * training examples; then ernie.type.evaluate over the definitions the export put in its test file (never trained
 * or selected on), which fits a temperature on half of them and scores the other half: micro-F1, top-1 accuracy and
 * expected calibration error, before and after.
 * {@code ./ernie.sh benchmark TypingCalibrationBenchmark [trainExamples] [epochs] [testDocuments]}.
 */
public final class TypingCalibrationBenchmark {

    public static void main(String[] args) throws Exception {
        String[] a = BenchmarkReport.arguments(args);
        int trainExamples = a.length > 0 ? Integer.parseInt(a[0]) : 9000;
        int epochs = a.length > 1 ? Integer.parseInt(a[1]) : 2;
        int testDocuments = a.length > 2 ? Integer.parseInt(a[2]) : 10_000;
        BenchmarkReport report = new BenchmarkReport("typing-calibration", String.format(
                "./ernie.sh benchmark TypingCalibrationBenchmark %d %d %d", trainExamples, epochs, testDocuments));
        report.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        Path dir = Files.createTempDirectory("typing-benchmark");
        try (EmbeddedNeo4j server = RelationCompletionBenchmark.server(dir); Bolt bolt = new Bolt(server.boltUri())) {
            RelationCompletionBenchmark.prepare(bolt, report, 100);

            RelationCompletionBenchmark.finetune(dir, "typing", "wn-typing", report, "--train-limit",
                    Integer.toString(trainExamples), "--dev-limit", "1000", "--epochs", Integer.toString(epochs),
                    "--entity-scale", "10");
            Path data = dir.resolve("datasets").resolve("wn");
            bolt.single("CALL ernie.model.load('wn-typing', {path: 'wn-typing'})");

            // the export names each example `<document node id>#<mention>`: the test file's documents, the first ones
            TreeSet<Long> documents = new TreeSet<>();
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader lines = Files.newBufferedReader(data.resolve("typing/test.jsonl"))) {
                String line;
                while ((line = lines.readLine()) != null && documents.size() < testDocuments) {
                    String id = json.readTree(line).get("id").asText();
                    documents.add(Long.parseLong(id.substring(0, id.indexOf('#'))));
                }
            }
            long evaluating = System.nanoTime();
            Map<String, Object> evaluated = new LinkedHashMap<>(bolt.single("CALL ernie.type.evaluate({modelName: "
                    + "'wn-typing', documentLabel: 'Text', documents: $documents, typeProperty: 'lexname', "
                    + "minLinkScore: 1.0, seed: 42})", Map.of("documents", List.copyOf(documents))));
            evaluated.remove("configuration");
            report.put("evaluated", evaluated);
            report.put("evaluateSeconds", Math.round((System.nanoTime() - evaluating) / 1e9));
        }
        report.write();
    }
}
