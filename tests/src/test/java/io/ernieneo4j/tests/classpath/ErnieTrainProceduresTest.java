package io.ernieneo4j.tests.classpath;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ernie.type.train} and {@code ernie.relation.train} through Bolt on WordNet's mammal sub-graph with a dozen
 * aligned documents and a TransE model trained in the database, starting from a tiny random ERNIE folder: each
 * writes a model folder with the training record in its ernie.json, registers the model (ernie.type.stream runs on
 * it), refuses to overwrite a folder without {@code replace}, names the key of bad input and writes nothing then,
 * and is refused when file writes are off.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErnieTrainProceduresTest extends ClasspathHarness {

    private static final List<String> TEXTS = List.of(
            "The dog is a canine.",
            "A wolf is a wild canine.",
            "The cat is a feline.",
            "The horse is an equine.",
            "The dog chased the cat.",
            "A horse kicked the wolf.",
            "The fox is a canine too.",
            "The fox chased the rabbit.",
            "An elephant is bigger than a horse.",
            "The lion is a big feline.",
            "A dog and a wolf are canines.",
            "The tiger is a feline.");
    /** A tiny schedule on a tiny model: the point is the plumbing, not the scores. */
    private static final String SMALL = "documentLabel: 'Document', transeModel: 'kg', typeProperty: 'lexname', "
            + "init: 'tiny-start', splitRatios: [0.5, 0.5, 0.0], epochs: 1, batchSize: 8, maxLength: 32, "
            + "device: 'cpu'";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path models;
    private static Path transeModels;

    @BeforeAll
    static void alignDocumentsTrainTransEAndWriteAStartingModel() throws Exception {
        models = Files.createTempDirectory("ernie-models");
        transeModels = Files.createTempDirectory("transe-models");
        System.setProperty("ernie.dir.models", models.toString());
        System.setProperty("ernie.dir.transe", transeModels.toString());
        bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");   // mammal
        bolt.single("UNWIND $texts AS text CREATE (:Document {text: text}) RETURN count(*)", Map.of("texts", TEXTS));
        bolt.single("CALL ernie.align.write({documentLabel: 'Document', textProperty: 'text', "
                + "entityLabels: 'Synset', nameProperties: 'lemmas', priorProperty: 'frequency'})");
        bolt.single("CALL ernie.transe.train({modelName: 'kg', nodeLabels: 'Synset', dimensions: 100, epochs: 5, "
                + "concurrency: 1, randomSeed: 7})");
        Path tokenizer = models.resolve("tokenizer.json");
        try (InputStream in = ErnieTrainProceduresTest.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizer);
        }
        DjlRuntime.start(Path.of("target", "djl-cache"));
        DjlRuntime.call(() -> {
            try (ErnieModel model = ErnieModel.random(ErnieConfig.bert(32, 2, 64, 2), ErnieTask.TYPING,
                    List.of("start"), Device.cpu(), 7)) {
                ModelDirectory.save(model, tokenizer, 64, "kg", models.resolve("tiny-start"));
                return null;
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterEach
    void fileWritesBackOn() {
        System.clearProperty("ernie.files.write.enabled");
    }

    @AfterAll
    static void clearSettings() throws Exception {
        bolt.rows("CALL ernie.model.list() YIELD modelName CALL ernie.model.drop(modelName) YIELD task RETURN task");
        System.clearProperty("ernie.dir.models");
        System.clearProperty("ernie.dir.transe");
        for (Path dir : List.of(models, transeModels)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void trainsATypingModelWritesItsFolderAndLoadsItForTypeStream() throws Exception {
        Map<String, Object> row = bolt.single("CALL ernie.type.train('typer', {" + SMALL + "})");
        assertThat(row).containsEntry("modelName", "typer").containsEntry("task", "typing")
                .containsEntry("path", "typer").containsEntry("bestEpoch", 1L);
        assertThat((List<Object>) row.get("labels")).contains("noun.animal");
        assertThat((Long) row.get("trainExamples")).isPositive();
        assertThat((Long) row.get("devExamples")).isPositive();
        assertThat((Map<String, Object>) row.get("dev")).containsKey("micro");
        assertThat((List<?>) row.get("history")).singleElement()
                .satisfies(e -> assertThat((Map<String, Object>) e).containsEntry("epoch", 1L).containsKey("trainLoss"));
        assertThat((Map<String, Object>) row.get("configuration")).containsEntry("init", "tiny-start");

        Path folder = models.resolve("typer");
        JsonNode manifest = JSON.readTree(folder.resolve("ernie.json").toFile());
        assertThat(manifest.get("task").asText()).isEqualTo("typing");
        assertThat(manifest.at("/training/procedure").asText()).isEqualTo("ernie.type.train");
        assertThat(manifest.at("/training/transeModel").asText()).isEqualTo("kg");
        assertThat(manifest.at("/training/documentLabel").asText()).isEqualTo("Document");
        assertThat(folder.resolve("metrics.json")).isNotEmptyFile();
        assertThat(folder.resolve("checkpoint")).doesNotExist();
        assertNoPartialFolder();

        assertThat(bolt.rows("CALL ernie.model.list() YIELD modelName, task, path WHERE modelName = 'typer' "
                + "RETURN task, path")).containsExactly(Map.of("task", "typing", "path", "typer"));
        assertThat(bolt.rows("CALL ernie.type.stream({modelName: 'typer', documentLabel: 'Document', "
                + "threshold: 0.0}) YIELD type RETURN type")).isNotEmpty();
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void trainsARelationModelTheSameWay() throws Exception {
        Map<String, Object> row = bolt.single("CALL ernie.relation.train('relater', {" + SMALL + "})");
        assertThat(row).containsEntry("task", "relation").containsEntry("path", "relater");
        assertThat((List<Object>) row.get("labels")).contains("no_relation");
        assertThat((Long) row.get("devExamples")).isPositive();
        JsonNode manifest = JSON.readTree(models.resolve("relater").resolve("ernie.json").toFile());
        assertThat(manifest.at("/training/procedure").asText()).isEqualTo("ernie.relation.train");
        assertThat(bolt.rows("CALL ernie.model.list() YIELD modelName, task WHERE modelName = 'relater' "
                + "RETURN task")).containsExactly(Map.of("task", "relation"));
        assertNoPartialFolder();
    }

    @Test
    @Order(3)
    void anExistingModelIsReplacedOnlyWithReplace() throws Exception {
        long before = Files.getLastModifiedTime(models.resolve("typer").resolve("ernie.json")).toMillis();
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.train('typer', {" + SMALL + "})"))
                .hasMessageContaining("`modelName`").hasMessageContaining("`replace: true`");
        assertThat(Files.getLastModifiedTime(models.resolve("typer").resolve("ernie.json")).toMillis())
                .isEqualTo(before);
        Map<String, Object> row = bolt.single("CALL ernie.type.train('typer', {" + SMALL + ", replace: true, "
                + "noEntities: true})");
        assertThat(row).containsEntry("modelName", "typer");
        JsonNode manifest = JSON.readTree(models.resolve("typer").resolve("ernie.json").toFile());
        assertThat(manifest.at("/entities/transeModel").asText()).isEqualTo("none");
        assertThat(bolt.rows("CALL ernie.model.list() YIELD modelName, transeModel WHERE modelName = 'typer' "
                + "RETURN transeModel")).containsExactly(Map.of("transeModel", "none"));
        assertNoPartialFolder();
    }

    @Test
    @Order(4)
    void badInputNamesTheKeyAndWritesNothing() throws Exception {
        Map<String, String> calls = Map.of(
                "CALL ernie.type.train('bad', {" + SMALL + ", epoch: 2})", "epoch",
                "CALL ernie.type.train('bad', {" + SMALL + ", epochs: 0})", "`epochs`",
                "CALL ernie.relation.train('bad', {" + SMALL + ", threshold: 0.5})", "threshold",
                "CALL ernie.type.train('bad', {" + SMALL.replace("init: 'tiny-start'", "init: 'missing'") + "})",
                "`init`",
                "CALL ernie.type.train('bad', {" + SMALL.replace("init: 'tiny-start'", "init: '../up'") + "})",
                "`init`",
                "CALL ernie.type.train('bad', {" + SMALL.replace("transeModel: 'kg', ", "") + "})", "`transeModel`",
                "CALL ernie.type.train('bad', {" + SMALL.replace("'lexname'", "'nope'") + "})", "`typeProperty`",
                "CALL ernie.type.train('bad', {" + SMALL.replace("[0.5, 0.5, 0.0]", "[1.0, 0.0, 0.0]") + "})",
                "`splitRatios`");
        for (var call : calls.entrySet()) {
            assertThatThrownBy(() -> bolt.single(call.getKey())).as(call.getKey())
                    .hasMessageContaining(call.getValue());
        }
        assertThat(models.resolve("bad")).doesNotExist();
        assertNoPartialFolder();
        assertThat(bolt.count("CALL ernie.model.list() YIELD modelName WHERE modelName = 'bad' RETURN count(*)"))
                .isZero();
    }

    @Test
    @Order(5)
    void fileWritesOffRefusesIt() {
        System.setProperty("ernie.files.write.enabled", "false");
        for (String procedure : List.of("ernie.type.train", "ernie.relation.train")) {
            assertThatThrownBy(() -> bolt.single("CALL " + procedure + "('blocked', {" + SMALL + "})"))
                    .hasMessageContaining("`" + procedure + "` writes or deletes files on the server");
        }
        assertThat(models.resolve("blocked")).doesNotExist();
    }

    private static void assertNoPartialFolder() throws Exception {
        try (var entries = Files.list(models)) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".partial-"));
        }
    }
}
