package io.ernieneo4j.tests.classpath;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ernieneo4j.trainer.cli.ErnieTrainer;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model fine-tuned in the database ({@code ernie.type.train}, {@code ernie.relation.train}) equals the one the
 * command line ({@code ernie-trainer finetune}) trains on the files {@code ernie.dataset.export} writes from the same
 * graph, with the same seed, starting weights and schedule, in the same JVM (so on the same PyTorch engine and thread
 * count): every parameter of ernie.params is bit for bit the same, and so are the labels and architecture in
 * ernie.json and the dev scores and loss history in metrics.json.
 *
 * <p>What differs, and is left out of the comparison: the {@code training} block of ernie.json (the procedure
 * records its name, the database and its configuration; the command line only the dataset folder the files came
 * from), metrics.json's {@code entities} and {@code init} (where the vectors and weights came from, in words: a
 * TransE model or a file, a name or a path) and each epoch's {@code seconds} and {@code sequencesPerSecond}; the
 * command line also writes training.png and keeps checkpoint/.
 */
class TrainingEquivalenceTest extends ClasspathHarness {

    /** How both read the graph: ernie.dataset.export's keys (its `modelName` is the training's `transeModel`). */
    private static final String GRAPH = "documentLabel: 'Document', typeProperty: 'lexname', "
            + "splitRatios: [0.5, 0.5, 0.0], negativeRatio: 1.0, seed: 11";
    /**
     * The schedule, every key off its default so that a key the two read differently shows; the command line's
     * options of the same values are {@link #cliSchedule}.
     */
    private static final String SCHEDULE = "init: 'tiny-start', maxLength: 32, epochs: 2, batchSize: 4, "
            + "learningRate: 0.0001, headLearningRate: 0.002, warmup: 0.25, weightDecay: 0.02, clipNorm: 0.5, "
            + "patience: 1, trainLimit: 0, devLimit: 0, device: 'cpu'";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path models;
    private static Path transeModels;
    private static Path datasets;
    private static Path cliOut;

    @BeforeAll
    static void alignDocumentsTrainTransEWriteAStartingModelAndExport() throws Exception {
        models = Files.createTempDirectory("ernie-models");
        transeModels = Files.createTempDirectory("transe-models");
        datasets = Files.createTempDirectory("ernie-datasets");
        cliOut = Files.createTempDirectory("ernie-cli");
        System.setProperty("ernie.dir.models", models.toString());
        System.setProperty("ernie.dir.transe", transeModels.toString());
        System.setProperty("ernie.dir.datasets", datasets.toString());
        TrainingFixture.mammalsWithAlignedDocumentsAndTransE(bolt);
        TrainingFixture.tinyStartingModel(models);
        bolt.single("CALL ernie.dataset.export({directory: 'same', modelName: 'kg', " + GRAPH + "})");
    }

    @AfterAll
    static void clearSettings() throws Exception {
        bolt.rows("CALL ernie.model.list() YIELD modelName, loaded WHERE loaded "
                + "CALL ernie.model.drop(modelName) YIELD task RETURN task");
        for (String property : List.of("ernie.dir.models", "ernie.dir.transe", "ernie.dir.datasets")) {
            System.clearProperty(property);
        }
        for (Path dir : List.of(models, transeModels, datasets, cliOut)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void aTypingModelTrainedInTheDatabaseEqualsTheCommandLines() throws Exception {
        bolt.single("CALL ernie.type.train('typer', {transeModel: 'kg', " + GRAPH + ", " + SCHEDULE
                + ", threshold: 0.5})");
        Path cli = cliOut.resolve("typer");
        assertThat(ErnieTrainer.run(cliArguments("typing", cli, "--threshold", "0.5"))).isZero();
        assertSameModel(models.resolve("typer"), cli);
    }

    @Test
    void aRelationModelTrainedInTheDatabaseEqualsTheCommandLines() throws Exception {
        bolt.single("CALL ernie.relation.train('relater', {transeModel: 'kg', " + GRAPH + ", " + SCHEDULE + "})");
        Path cli = cliOut.resolve("relater");
        assertThat(ErnieTrainer.run(cliArguments("relation", cli))).isZero();
        assertSameModel(models.resolve("relater"), cli);
    }

    /** {@code ernie-trainer finetune TASK} on the exported files with {@link #SCHEDULE}'s values and the seed. */
    private static String[] cliArguments(String task, Path out, String... more) {
        Path files = datasets.resolve("same");
        List<String> args = new ArrayList<>(List.of("finetune", task,
                "--train", files.resolve(task).resolve("train.jsonl").toString(),
                "--dev", files.resolve(task).resolve("dev.jsonl").toString(),
                "--entities", files.resolve("entities.tsv").toString(), "--transe-model", "kg",
                "--init", models.resolve("tiny-start").toString(),
                "--tokenizer", models.resolve("tiny-start").resolve("tokenizer.json").toString(),
                "--out", out.toString(), "--seed", "11"));
        args.addAll(cliSchedule());
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static List<String> cliSchedule() {
        return List.of("--max-length", "32", "--epochs", "2", "--batch-size", "4", "--learning-rate", "0.0001",
                "--head-learning-rate", "0.002", "--warmup", "0.25", "--weight-decay", "0.02", "--clip-norm", "0.5",
                "--patience", "1", "--train-limit", "0", "--dev-limit", "0", "--device", "cpu");
    }

    private static void assertSameModel(Path database, Path cli) throws Exception {
        // ernie.json: all but the training block
        ObjectNode databaseManifest = (ObjectNode) JSON.readTree(database.resolve(ModelDirectory.MANIFEST).toFile());
        ObjectNode cliManifest = (ObjectNode) JSON.readTree(cli.resolve(ModelDirectory.MANIFEST).toFile());
        assertThat(databaseManifest.remove("training")).isNotNull();
        cliManifest.remove("training");
        assertThat(cliManifest).isEqualTo(databaseManifest);
        assertThat(databaseManifest.get("labels")).isNotEmpty();

        // metrics.json: all but where the inputs came from, in words, and the timings
        JsonNode databaseMetrics = withoutProvenanceAndTimes(database.resolve("metrics.json"));
        JsonNode cliMetrics = withoutProvenanceAndTimes(cli.resolve("metrics.json"));
        assertThat(cliMetrics).isEqualTo(databaseMetrics);
        assertThat(databaseMetrics.get("history")).hasSize(2);

        // ernie.params: every parameter, exactly (measured: a max abs difference of 0, bit-identical files)
        Map<String, float[]> databaseParameters = parameters(database);
        Map<String, float[]> cliParameters = parameters(cli);
        Map<String, float[]> start = parameters(models.resolve("tiny-start"));
        assertThat(databaseParameters.keySet()).as("the encoder trained").anyMatch(name -> start.containsKey(name)
                && !Arrays.equals(start.get(name), databaseParameters.get(name)));
        assertThat(cliParameters.keySet()).containsExactlyElementsOf(databaseParameters.keySet());
        for (var parameter : databaseParameters.entrySet()) {
            float[] expected = parameter.getValue();
            float[] actual = cliParameters.get(parameter.getKey());
            assertThat(actual.length).as(parameter.getKey()).isEqualTo(expected.length);
            assertThat(Arrays.equals(actual, expected)).as("%s: max abs difference %s", parameter.getKey(),
                    maxAbsDifference(actual, expected)).isTrue();
        }
        assertThat(Files.mismatch(database.resolve(ModelDirectory.PARAMETERS), cli.resolve(ModelDirectory.PARAMETERS)))
                .isEqualTo(-1L);
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    private static JsonNode withoutProvenanceAndTimes(Path metricsFile) throws IOException {
        ObjectNode metrics = (ObjectNode) JSON.readTree(metricsFile.toFile());
        metrics.remove(List.of("entities", "init"));
        for (JsonNode epoch : metrics.get("history")) {
            ((ObjectNode) epoch).remove(List.of("seconds", "sequencesPerSecond"));
        }
        return metrics;
    }

    /** Every parameter of the model in {@code folder}, by name, in the model's order. */
    private static Map<String, float[]> parameters(Path folder) {
        return DjlRuntime.call(() -> {
            try (ModelDirectory.Loaded loaded = ModelDirectory.load(folder, Device.cpu())) {
                Map<String, float[]> values = new LinkedHashMap<>();
                for (Map.Entry<String, Parameter> parameter : loaded.model().parameters().entrySet()) {
                    values.put(parameter.getKey(), parameter.getValue().getArray().toFloatArray());
                }
                return values;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
