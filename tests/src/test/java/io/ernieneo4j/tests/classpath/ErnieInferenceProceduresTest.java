package io.ernieneo4j.tests.classpath;

import ai.djl.Device;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ActivationMemory;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.infer.ErniePredictor;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The ERNIE model registry, entity typing and relation classification through Bolt: a small ERNIE typing model (2 layers, random weights,
 * saved by the trainer) over the entity vectors of a TransE model trained in the database; a document whose
 * MENTIONS edges align "dog" and "cat" to their synsets. The procedure must score exactly what the trainer's
 * predictor scores for the same text, spans and entities.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErnieInferenceProceduresTest extends ClasspathHarness {

    private static final List<String> TYPES = List.of("noun.animal", "noun.artifact", "noun.person");
    private static final List<String> RELATIONS = List.of("HYPERNYM", "MEMBER_HOLONYM", "no_relation");
    /** The relations of the deployed-plugin test's model: no `no_relation`, so every pair is predicted. */
    private static final List<String> DEPLOYED_RELATIONS = List.of("ERNIE_TEST_RELATED", "ERNIE_TEST_CONTRASTED");
    private static final String TEXT = "the dog chased the cat";
    /** Where the deployed-plugin tests (run later in the same build) find a model to load. */
    static final Path DEPLOYED_MODELS = Path.of("target", "test-models").toAbsolutePath();
    private static Path models;
    private static Path transeModels;

    @BeforeAll
    static void prepareModels() throws Exception {
        models = Files.createTempDirectory("ernie-models");
        transeModels = Files.createTempDirectory("transe-models");
        System.setProperty("ernie.dir.models", models.toString());
        System.setProperty("ernie.dir.transe", transeModels.toString());
        bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");
        bolt.single("CALL ernie.transe.train({modelName: 'mammal-100', dimensions: 100, epochs: 10, concurrency: 1})");
        bolt.single("MATCH (dog:Synset {id: '02084071-n'}), (cat:Synset {id: '02121620-n'}) "
                + "CREATE (d:Document {text: $text}), (d)-[:MENTIONS {start: 4, end: 7, score: 0.9, mention: 'dog'}]->(dog), "
                + "(d)-[:MENTIONS {start: 19, end: 22, score: 0.3, mention: 'cat'}]->(cat) RETURN d", Map.of("text", TEXT));
        Path tokenizer = models.resolve("tokenizer.json");
        try (InputStream in = ErnieInferenceProceduresTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizer);
        }
        DjlRuntime.start(Path.of("target", "djl-cache"));
        DjlRuntime.call(() -> {
            ErnieConfig small = ErnieConfig.bert(32, 2, 64, 2);
            try (ErnieModel model = ErnieModel.random(small, ErnieTask.TYPING, TYPES, Device.cpu(), 7)) {
                ModelDirectory.save(model, tokenizer, 64, "mammal-100", models.resolve("tiny-typing"));
                // as `finetune --no-entities` saves its baseline: no TransE model behind it
                ModelDirectory.save(model, tokenizer, 64, ErnieManifest.EntityEmbeddings.NONE,
                        models.resolve("tiny-typing-no-entities"));
                // one-label relation models: every pair gets that label, so what is written shows the convention
                for (String label : List.of("HYPONYM", "ERNIE_TEST_TWIN")) {
                    try (ErnieModel one = ErnieModel.random(small, ErnieTask.RELATION, List.of(label), Device.cpu(), 5)) {
                        ModelDirectory.save(one, tokenizer, 64, ErnieManifest.EntityEmbeddings.NONE,
                                models.resolve("only-" + label));
                    }
                }
                try (ErnieModel relation = ErnieModel.random(small, ErnieTask.RELATION, RELATIONS, Device.cpu(), 11)) {
                    ModelDirectory.save(relation, tokenizer, 64, "mammal-100", models.resolve("tiny-relation"));
                }
                // the same model over the demo's TransE model, for the deployed-plugin test that runs after this one,
                // and a relation model there without `no_relation`, so that every pair yields a relationship
                ModelDirectory.save(model, tokenizer, 64, "wordnet", DEPLOYED_MODELS.resolve("tiny-typing"));
                try (ErnieModel relation = ErnieModel.random(small, ErnieTask.RELATION, DEPLOYED_RELATIONS,
                        Device.cpu(), 13)) {
                    ModelDirectory.save(relation, tokenizer, 64, "wordnet", DEPLOYED_MODELS.resolve("tiny-relation"));
                }
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static void clearSettings() throws Exception {
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
    void loadsAModelOnlyFromTheConfiguredFolder() {
        Map<String, Object> loaded = bolt.single("CALL ernie.model.load('tiny', {path: 'tiny-typing', device: 'auto'})");
        assertThat(loaded).containsEntry("task", "typing").containsEntry("labels", TYPES)
                .containsEntry("device", "cpu").containsEntry("transeModel", "mammal-100");
        assertThat((Long) loaded.get("entities")).isGreaterThan(1_000);
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.load('tiny', {path: 'tiny-typing'})"))
                .hasMessageContaining("A model named `tiny` is already loaded");
        assertThat(bolt.single("CALL ernie.model.load('tiny', {path: 'tiny-typing', replace: true})"))
                .containsEntry("modelName", "tiny");
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.load('x', {path: '../tiny-typing'})"))
                .hasMessageContaining("must name a folder inside the configured models folder");
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.load('x', {path: '/etc'})"))
                .hasMessageContaining("must name a folder inside the configured models folder");
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.load('x', {path: 'nothing-here'})"))
                .hasMessageContaining("nothing-here` is not an ERNIE model directory: `ernie.json` is missing");
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.load('x', {path: 'tiny-typing', device: 'tpu'})"))
                .hasMessageContaining("Value for `device` was `tpu`, but must be one of [auto, cpu, gpu]");
        assertThat(bolt.rows("CALL ernie.model.list() YIELD modelName, loaded WHERE loaded RETURN modelName"))
                .containsExactly(Map.of("modelName", "tiny"));
    }

    @Test
    @Order(2)
    void streamsWhatTheTrainersPredictorScoresForTheGraphsMentions() throws Exception {
        List<Map<String, Object>> rows = bolt.rows("CALL ernie.type.stream({modelName: 'tiny', documentLabel: 'Document', "
                + "threshold: 0.0}) YIELD mentionStart, mentionEnd, nodeId, type, score "
                + "RETURN mentionStart, mentionEnd, nodeId, type, score ORDER BY mentionStart, type");
        assertThat(rows).hasSize(2 * TYPES.size());
        long dog = bolt.count("MATCH (s:Synset {id: '02084071-n'}) RETURN id(s)");
        long cat = bolt.count("MATCH (s:Synset {id: '02121620-n'}) RETURN id(s)");
        assertThat(rows.get(0)).containsEntry("mentionStart", 4L).containsEntry("mentionEnd", 7L).containsEntry("nodeId", dog);
        assertThat(rows.get(3)).containsEntry("mentionStart", 19L).containsEntry("nodeId", cat);

        // the same inputs, built by hand, through the trainer's own predictor
        var transe = TransEModelFiles.read(transeModels.resolve("neo4j").resolve("transe").resolve("mammal-100"));
        float[][] vectors = new float[transe.entities().size()][];
        for (int i = 0; i < vectors.length; i++) vectors[i] = transe.model().entity(i);
        EntityTable entities = EntityTable.of(transe.entities(), vectors);
        List<Mention> mentions = List.of(new Mention(4, 7, elementId(dog)), new Mention(19, 22, elementId(cat)));
        List<ErniePredictor.Prediction<TypingExample>> expected = DjlRuntime.call(() -> {
            try (ModelDirectory.Loaded loaded = ModelDirectory.load(models.resolve("tiny-typing"), Device.cpu())) {
                return new ErniePredictor(loaded.model(), loaded.tokenizer(), entities).typing(
                        mentions.stream().map(m -> new TypingExample("x", TEXT, m, List.of(), mentions)).toList(), "test", 8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int m = 0; m < 2; m++) {
            for (int t = 0; t < TYPES.size(); t++) {
                Map<String, Object> row = rows.get(m * TYPES.size() + t);
                assertThat(row.get("type")).isEqualTo(TYPES.get(t));
                assertThat((Double) row.get("score")).isCloseTo(expected.get(m).probabilities()[t], within(1e-6));
            }
        }
        // linker scores below minLinkScore are neither typed nor fed in as entities
        List<Map<String, Object>> confident = bolt.rows("CALL ernie.type.stream({modelName: 'tiny', "
                + "documentLabel: 'Document', threshold: 0.0, minLinkScore: 0.5}) YIELD nodeId RETURN DISTINCT nodeId");
        assertThat(confident).singleElement().satisfies(r -> assertThat(r).containsEntry("nodeId", dog));
    }

    @Test
    @Order(3)
    void writesTypesOnTheEntitiesIdempotently() {
        String write = "CALL ernie.type.write({modelName: 'tiny', documentLabel: 'Document', threshold: 0.0, "
                + "writeLabels: true}) YIELD predictions, nodesWritten RETURN predictions, nodesWritten";
        assertThat(bolt.single(write)).containsEntry("predictions", 6L).containsEntry("nodesWritten", 2L);
        assertThat(bolt.single(write)).containsEntry("nodesWritten", 2L);
        Map<String, Object> dog = bolt.single("MATCH (s:Synset {id: '02084071-n'}) RETURN s.ernieTypes AS types, "
                + "s.ernieTypesScores AS scores, s.ernieTypesModel AS model, labels(s) AS labels");
        @SuppressWarnings("unchecked") List<String> types = (List<String>) dog.get("types");
        assertThat(types).hasSize(3).containsExactlyInAnyOrderElementsOf(TYPES);
        assertThat((List<?>) dog.get("scores")).hasSize(3);
        assertThat(dog).containsEntry("model", "tiny");
        @SuppressWarnings("unchecked") List<String> labels = (List<String>) dog.get("labels");
        assertThat(labels).contains("Synset", "noun.animal", "noun.person");
        assertThat(bolt.count("MATCH (n) WHERE n.ernieTypes IS NOT NULL RETURN count(n)")).isEqualTo(2);
    }

    @Test
    @Order(4)
    void classifiesRelationsBetweenMentionsAndWritesThemOnce() throws Exception {
        bolt.single("CALL ernie.model.load('tiny-rel', {path: 'tiny-relation'})");
        long dog = bolt.count("MATCH (s:Synset {id: '02084071-n'}) RETURN id(s)");
        long cat = bolt.count("MATCH (s:Synset {id: '02121620-n'}) RETURN id(s)");
        // what the trainer's predictor says for the two ordered pairs of the document
        var transe = TransEModelFiles.read(transeModels.resolve("neo4j").resolve("transe").resolve("mammal-100"));
        float[][] vectors = new float[transe.entities().size()][];
        for (int i = 0; i < vectors.length; i++) vectors[i] = transe.model().entity(i);
        EntityTable entities = EntityTable.of(transe.entities(), vectors);
        Mention dogMention = new Mention(4, 7, elementId(dog));
        Mention catMention = new Mention(19, 22, elementId(cat));
        Map<String, Long> nodeIds = Map.of(elementId(dog), dog, elementId(cat), cat);
        List<Mention> mentions = List.of(dogMention, catMention);
        List<io.ernieneo4j.trainer.data.RelationExample> pairs = List.of(
                new io.ernieneo4j.trainer.data.RelationExample("a", TEXT, dogMention, catMention, null, mentions),
                new io.ernieneo4j.trainer.data.RelationExample("b", TEXT, catMention, dogMention, null, mentions));
        var expected = DjlRuntime.call(() -> {
            try (ModelDirectory.Loaded loaded = ModelDirectory.load(models.resolve("tiny-relation"), Device.cpu())) {
                return new ErniePredictor(loaded.model(), loaded.tokenizer(), entities).relation(pairs, "test", 8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> expectedRows = new java.util.ArrayList<>();
        for (var p : expected) {
            int best = 0;
            for (int j = 1; j < 3; j++) if (p.probabilities()[j] > p.probabilities()[best]) best = j;
            if (best != 2) {
                expectedRows.add(nodeIds.get(p.example().head().entity()) + " " + RELATIONS.get(best) + " "
                        + nodeIds.get(p.example().tail().entity())
                        + String.format(java.util.Locale.ROOT, " %.5f", p.probabilities()[best]));
            }
        }
        assertThat(expectedRows).as("the seeded model predicts some relation").isNotEmpty();
        List<String> rows = bolt.rows("CALL ernie.relation.stream({modelName: 'tiny-rel', documentLabel: 'Document', "
                + "threshold: 0.0}) YIELD headNodeId, relation, tailNodeId, score "
                + "RETURN headNodeId, relation, tailNodeId, score ORDER BY headNodeId = $dog DESC",
                Map.of("dog", dog)).stream()
                .map(r -> r.get("headNodeId") + " " + r.get("relation") + " " + r.get("tailNodeId")
                        + String.format(java.util.Locale.ROOT, " %.5f", (Double) r.get("score"))).toList();
        assertThat(rows).containsExactlyElementsOf(expectedRows);

        String write = "CALL ernie.relation.write({modelName: 'tiny-rel', documentLabel: 'Document', threshold: 0.0}) "
                + "YIELD predictions, relationshipsCreated, relationshipsUpdated, alreadyKnown "
                + "RETURN predictions, relationshipsCreated, relationshipsUpdated, alreadyKnown";
        long predictions = expectedRows.size();
        assertThat(bolt.single(write)).containsEntry("predictions", predictions)
                .containsEntry("relationshipsCreated", predictions).containsEntry("relationshipsUpdated", 0L);
        assertThat(bolt.single(write)).containsEntry("relationshipsCreated", 0L)
                .containsEntry("relationshipsUpdated", predictions);
        assertThat(bolt.count("MATCH ()-[r {predicted: true, model: 'tiny-rel'}]->() WHERE r.evidence IS NOT NULL "
                + "RETURN count(r)")).isEqualTo(predictions);
        assertThat(bolt.single("CALL ernie.model.drop('tiny-rel')")).containsEntry("task", "relation");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.model.load('t', {path: 'tiny-relation'}) YIELD modelName "
                + "CALL ernie.type.stream({modelName: 't', documentLabel: 'Document'}) YIELD nodeId RETURN nodeId"))
                .hasMessageContaining("A `relation` model cannot type entities");
        bolt.single("CALL ernie.model.drop('t')");
    }

    @Test
    @Order(5)
    void estimatesTheMemoryOfAWriteFromTheModelAndTheDocumentsWithoutWriting() {
        long nodes = bolt.count("MATCH (n) RETURN count(n)");
        long relationships = bolt.count("MATCH ()-[r]->() RETURN count(r)");
        long modelBytes = bolt.count("CALL ernie.model.list() YIELD modelName, memoryBytes "
                + "WHERE modelName = 'tiny' RETURN memoryBytes");
        String typing = "CALL ernie.type.write.estimate({modelName: 'tiny', documentLabel: 'Document', "
                + "writeProperty: 'estimatedTypes', batchSize: $batchSize})";
        Map<String, Object> small = bolt.single(typing, Map.of("batchSize", 8));
        Map<String, Object> large = bolt.single(typing, Map.of("batchSize", 64));
        // one document with two MENTIONS: two typing examples, over the model's 64 word pieces
        assertThat(small).containsEntry("modelBytes", modelBytes).containsEntry("nodeCount", 1L)
                .containsEntry("relationshipCount", 2L).containsEntry("exampleCount", 2L)
                .containsEntry("batchSize", 8L).containsEntry("maxLength", 64L);
        ErnieConfig tiny = ErnieConfig.bert(32, 2, 64, 2);
        assertThat(small).containsEntry("activationBytesMax", ActivationMemory.batchBytes(tiny, 8, 64))
                .containsEntry("activationBytesMin", ActivationMemory.layerBytes(tiny, 8, 64));
        // [mix, norm] over 32 hidden, 64 intermediate, 2 + 4 heads, 100-d entities, 64 pieces, 8 sequences:
        // embeddings 64 * (5 * 32 + 100); mix 64 * (10 * 32 + 2 * 64) + 2 * 2 * 64² + 64 * (2 * 100 + 2 * 64);
        // norm the same attention and feed-forward + 64 * (6 * 100 + 2 * 64) + 2 * 4 * 64²  (floats, 4 bytes each)
        long floats = 64L * 260 + (64L * 448 + 4L * 4096 + 64L * 328) + (64L * 448 + 4L * 4096 + 64L * 728 + 8L * 4096);
        assertThat((Long) small.get("activationBytesMax")).isEqualTo(floats * 8 * Float.BYTES);
        assertThat((Long) large.get("activationBytesMax")).isEqualTo(8 * (Long) small.get("activationBytesMax"));
        assertThat((Long) large.get("bytesMax")).isGreaterThan((Long) small.get("bytesMax"));
        for (Map<String, Object> row : List.of(small, large)) {
            long min = (Long) row.get("bytesMin");
            long max = (Long) row.get("bytesMax");
            assertThat(min).isEqualTo(modelBytes + (Long) row.get("activationBytesMin") + (Long) row.get("inputBytesMin"));
            assertThat(max).isEqualTo(modelBytes + (Long) row.get("activationBytesMax") + (Long) row.get("inputBytesMax"));
            assertThat(min).isLessThan(max);
            assertThat((String) row.get("requiredMemory")).matches("\\d+(\\.\\d+)? (Bytes|KiB|MiB|GiB)");
        }
        // three types per example at most in the rows of a typing run, one relation per ordered pair
        assertThat((Long) small.get("inputBytesMax") - (Long) small.get("inputBytesMin")).isEqualTo(2 * 3 * 64L);
        bolt.single("CALL ernie.model.load('estimate-rel', {path: 'tiny-relation'})");
        Map<String, Object> relation = bolt.single("CALL ernie.relation.write.estimate({modelName: 'estimate-rel', "
                + "documentLabel: 'Document'})");
        assertThat(relation).containsEntry("exampleCount", 2L).containsEntry("batchSize", 32L)
                .containsEntry("activationBytesMax", ActivationMemory.batchBytes(tiny, 32, 64));
        assertThat((Long) relation.get("inputBytesMax") - (Long) relation.get("inputBytesMin")).isEqualTo(2 * 96L);

        assertThatThrownBy(() -> bolt.single("CALL ernie.relation.write.estimate({modelName: 'tiny', "
                + "documentLabel: 'Document'})")).hasMessageContaining("A `typing` model is not a `relation` model");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.write.estimate({modelName: 'other', "
                + "documentLabel: 'Document'})")).hasMessageContaining("No ERNIE model `other` is loaded");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.write.estimate({modelName: 'tiny', "
                + "documentLabel: 'Document', batchsize: 8})"))
                .hasMessageContaining("Unexpected configuration key: `batchsize`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.write.estimate({modelName: 'tiny', "
                + "documentLabel: 'Document', batchSize: 0})"))
                .hasMessageContaining("Value for `batchSize` was `0`, but must be within the range [1, 4096]");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.write.estimate({modelName: 'tiny', "
                + "documentLabel: 'Document', writeLabels: 'yes'})"))
                .hasMessageContaining("The value of `writeLabels` must be of type `Boolean`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.relation.write.estimate({documentLabel: 'Document'})"))
                .hasMessageContaining("mandatory configuration parameter `modelName`");
        bolt.single("CALL ernie.model.drop('estimate-rel')");
        // nothing written
        assertThat(bolt.count("MATCH (n) RETURN count(n)")).isEqualTo(nodes);
        assertThat(bolt.count("MATCH ()-[r]->() RETURN count(r)")).isEqualTo(relationships);
        assertThat(bolt.count("MATCH (n) WHERE n.estimatedTypes IS NOT NULL RETURN count(n)")).isZero();
    }

    @Test
    @Order(6)
    void badInputIsAClearError() {
        assertThatThrownBy(() -> bolt.rows("CALL ernie.type.stream({modelName: 'tiny', documentLabel: 'Doc'})"))
                .hasMessageContaining("No node label `Doc` exists in the database");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.type.stream({modelName: 'other', documentLabel: 'Document'})"))
                .hasMessageContaining("No ERNIE model `other` is loaded");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.type.stream({modelName: 'tiny', documentLabel: 'Document', threshold: 2})"))
                .hasMessageContaining("Value for `threshold` was `2.0`, but must be within the range [0.0, 1.0]");
        long document = bolt.count("MATCH (d:Document) RETURN id(d)");
        long dog = bolt.count("MATCH (s:Synset {id: '02084071-n'}) RETURN id(s)");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.type.stream({modelName: 'tiny', documentLabel: 'Document', "
                + "documents: [$id + 0.7]})", Map.of("id", document)))
                .hasMessageContaining("`documents` holds " + document + ".7, which is not a node id");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.type.stream({modelName: 'tiny', documentLabel: 'Document', "
                + "documents: [$id]})", Map.of("id", dog)))
                .hasMessageContaining("`documents` names node " + dog + ", which has no label `Document`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.write({modelName: 'tiny', documentLabel: 'Document', "
                + "textProperty: 'txt'})"))
                .hasMessageContaining("`textProperty`: no `Document` node selected has a property `txt` "
                        + "(their properties include [text])");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.write.estimate({modelName: 'tiny', "
                + "documentLabel: 'Document', textProperty: 'txt'})"))
                .hasMessageContaining("`textProperty`: no `Document` node selected has a property `txt`");
        assertThat(bolt.count("MATCH (n) WHERE n.ernieTypesModel IS NOT NULL RETURN count(n)")).isEqualTo(2);
    }

    /**
     * One model folder on both engines gives the same rows: typing with the graph exported into the folder at load
     * (file writes on, the default), relation with file writes off (a temporary graph, the folder untouched).
     */
    @Test
    @Order(8)
    void onnxRuntimeGivesThePyTorchRowsOfTheSameModel() {
        String typing = "CALL ernie.type.stream({modelName: $model, documentLabel: 'Document', threshold: 0.0}) "
                + "YIELD mentionStart, nodeId, type, score RETURN mentionStart, nodeId, type, score "
                + "ORDER BY mentionStart, type";
        bolt.single("CALL ernie.model.load('typing-pt', {path: 'tiny-typing', engine: 'pytorch'})");
        Map<String, Object> onnx = bolt.single("CALL ernie.model.load('typing-ort', {path: 'tiny-typing', "
                + "engine: 'onnxruntime'})");
        assertThat(onnx).containsEntry("engine", "onnxruntime").containsEntry("device", "cpu");
        assertThat((String) onnx.get("engineDetail")).contains("ONNX Runtime 1.29.0 on cpu")
                .contains("exported at load into the model folder");
        assertThat(models.resolve("tiny-typing").resolve("model.onnx")).isRegularFile();
        double typingDiff = maxScoreDifference(
                bolt.rows(typing, Map.of("model", "typing-pt")), bolt.rows(typing, Map.of("model", "typing-ort")),
                List.of("mentionStart", "nodeId", "type"), 2 * TYPES.size());

        String relation = "CALL ernie.relation.stream({modelName: $model, documentLabel: 'Document', "
                + "threshold: 0.0}) YIELD headNodeId, relation, tailNodeId, score "
                + "RETURN headNodeId, relation, tailNodeId, score ORDER BY headNodeId, tailNodeId";
        bolt.single("CALL ernie.model.load('rel-pt', {path: 'tiny-relation', engine: 'pytorch'})");
        System.setProperty("ernie.files.write.enabled", "false");
        try {
            assertThat((String) bolt.single("CALL ernie.model.load('rel-ort', {path: 'tiny-relation', "
                    + "engine: 'onnxruntime'})").get("engineDetail"))
                    .contains("exported at load into a temporary file deleted once read (file writes are off)");
        } finally {
            System.clearProperty("ernie.files.write.enabled");
        }
        assertThat(models.resolve("tiny-relation").resolve("model.onnx")).doesNotExist();
        double relationDiff = maxScoreDifference(
                bolt.rows(relation, Map.of("model", "rel-pt")), bolt.rows(relation, Map.of("model", "rel-ort")),
                List.of("headNodeId", "relation", "tailNodeId"), 1);
        System.out.printf("ernie.type.stream / ernie.relation.stream, pytorch vs onnxruntime: max score "
                + "difference %.3g / %.3g%n", typingDiff, relationDiff);

        // auto takes ONNX Runtime (its jar is on this class path) and the graph the folder now has
        Map<String, Object> auto = bolt.single("CALL ernie.model.load('typing-auto', {path: 'tiny-typing', "
                + "engine: 'auto'})");
        assertThat(auto).containsEntry("engine", "onnxruntime");
        assertThat((String) auto.get("engineDetail")).contains("its exported graph `model.onnx`");
        assertThat(bolt.rows("CALL ernie.model.list() YIELD modelName, engine, device, loaded WHERE loaded "
                + "AND modelName <> 'tiny' RETURN modelName, engine, device ORDER BY modelName"))
                .containsExactly(
                        Map.of("modelName", "rel-ort", "engine", "onnxruntime", "device", "cpu"),
                        Map.of("modelName", "rel-pt", "engine", "pytorch", "device", "cpu"),
                        Map.of("modelName", "typing-auto", "engine", "onnxruntime", "device", "cpu"),
                        Map.of("modelName", "typing-ort", "engine", "onnxruntime", "device", "cpu"),
                        Map.of("modelName", "typing-pt", "engine", "pytorch", "device", "cpu"));
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.load('x', {path: 'tiny-typing', "
                + "engine: 'tensorflow'})"))
                .hasMessageContaining("Value for `engine` was `tensorflow`, but must be one of "
                        + "[auto, pytorch, onnxruntime]");

        // int8: its own graph beside the float one, fewer bytes, the same rows with scores close to the float ones
        Map<String, Object> int8 = bolt.single("CALL ernie.model.load('typing-int8', {path: 'tiny-typing', "
                + "engine: 'onnxruntime', quantization: 'int8'})");
        assertThat(int8).containsEntry("engine", "onnxruntime").containsEntry("quantization", "int8");
        assertThat((String) int8.get("engineDetail")).contains("int8 encoder weights");
        assertThat(models.resolve("tiny-typing").resolve("model.int8.onnx")).isRegularFile();
        assertThat((Long) int8.get("memoryBytes")).isLessThan((Long) onnx.get("memoryBytes"));
        assertThat(onnx).containsEntry("quantization", "none");
        double int8Diff = maxScoreDifference(
                bolt.rows(typing, Map.of("model", "typing-pt")), bolt.rows(typing, Map.of("model", "typing-int8")),
                List.of("mentionStart", "nodeId", "type"), 2 * TYPES.size(), 0.02);
        System.out.printf("ernie.type.stream, pytorch float vs onnxruntime int8: max score difference %.3g%n",
                int8Diff);
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.load('x', {path: 'tiny-typing', "
                + "quantization: 'int8'})"))
                .hasMessageContaining("`quantization` 'int8' runs on ONNX Runtime only");
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.load('x', {path: 'tiny-typing', "
                + "engine: 'onnxruntime', quantization: 'int4'})"))
                .hasMessageContaining("Value for `quantization` was `int4`, but must be one of [none, int8]");
        for (String name : List.of("typing-pt", "typing-ort", "typing-auto", "typing-int8", "rel-pt", "rel-ort")) {
            bolt.single("CALL ernie.model.drop($name)", Map.of("name", name));
        }
    }

    /** The rows must name the same things ({@code keys}) in the same order; the largest score difference. */
    private static double maxScoreDifference(List<Map<String, Object>> expected, List<Map<String, Object>> actual,
                                             List<String> keys, int atLeast) {
        return maxScoreDifference(expected, actual, keys, atLeast, 1e-4);
    }

    /** As above, the scores within {@code tolerance}. */
    private static double maxScoreDifference(List<Map<String, Object>> expected, List<Map<String, Object>> actual,
                                             List<String> keys, int atLeast, double tolerance) {
        assertThat(expected).hasSizeGreaterThanOrEqualTo(atLeast);
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < expected.size(); i++) {
            for (String key : keys) {
                assertThat(actual.get(i).get(key)).as("row %d's %s", i, key).isEqualTo(expected.get(i).get(key));
            }
            max = Math.max(max, Math.abs((Double) actual.get(i).get("score") - (Double) expected.get(i).get("score")));
        }
        assertThat(max).isLessThanOrEqualTo(tolerance);
        return max;
    }

    @Test
    @Order(9)
    void countsTheMentionsTheModelCouldNotReadFully() {
        // the tiny model reads 64 word pieces: "cat" lies beyond them, so it is read in a window around it; the
        // mention of all the waiting is longer than 64 pieces on its own; "stranger" names a node TransE never saw
        String text = "the dog and a stranger " + "waited ".repeat(80) + "for the cat";
        bolt.single("MATCH (dog:Synset {id: '02084071-n'}), (cat:Synset {id: '02121620-n'}) "
                + "CREATE (m:Memo {text: $text}), (x:Stranger {name: 'stranger'}), "
                + "(m)-[:MENTIONS {start: 4, end: 7, score: 1.0}]->(dog), "
                + "(m)-[:MENTIONS {start: 14, end: 22, score: 1.0}]->(x), "
                + "(m)-[:MENTIONS {start: 23, end: 23 + 7 * 80 - 1, score: 1.0}]->(dog), "
                + "(m)-[:MENTIONS {start: size($text) - 3, end: size($text), score: 1.0}]->(cat) RETURN m",
                Map.of("text", text));
        Map<String, Object> written = bolt.single("CALL ernie.type.write({modelName: 'tiny', documentLabel: 'Memo', "
                + "writeProperty: 'memoTypes', threshold: 0.0})");
        assertThat(written).containsEntry("documents", 1L).containsEntry("examples", 4L)
                .containsEntry("examplesTooLong", 1L).containsEntry("mentionsWithoutVector", 1L)
                .containsEntry("predictions", 3L * TYPES.size()).containsEntry("nodesWritten", 3L);
        assertThat(bolt.count("MATCH (c:Synset {id: '02121620-n'}) WHERE c.memoTypes IS NOT NULL RETURN count(c)"))
                .as("the cat, typed in a window").isEqualTo(1);
        assertThat(bolt.count("MATCH (x:Stranger) WHERE x.memoTypes IS NOT NULL RETURN count(x)")).isEqualTo(1);
    }

    @Test
    @Order(10)
    void streamsRowsAsTheyArePulled() {
        // the second document's mention lies outside its text: reading it fails, so a caller that takes only the
        // first document's rows succeeds only if the stream computes them a batch at a time
        bolt.single("MATCH (dog:Synset {id: '02084071-n'}) "
                + "CREATE (:Note {text: 'a dog', n: 1})-[:MENTIONS {start: 2, end: 5, score: 1.0}]->(dog), "
                + "(:Note {text: 'a dog', n: 2})-[:MENTIONS {start: 2, end: 50, score: 1.0}]->(dog) RETURN 1");
        String stream = "MATCH (n:Note) WITH n ORDER BY n.n WITH collect(n) AS notes "
                + "CALL ernie.type.stream({modelName: 'tiny', documentLabel: 'Note', documents: notes, batchSize: 1, "
                + "threshold: 0.0}) YIELD documentId, type RETURN documentId, type";
        assertThat(bolt.rows(stream + " LIMIT 2")).hasSize(2);
        assertThatThrownBy(() -> bolt.rows(stream)).hasMessageContaining("outside");
    }

    @Test
    @Order(7)
    void eightConcurrentCallersGetWhatOneCallerGets() throws Exception {
        // one batch at a time unless ernie.inference.slots says otherwise
        assertThat(bolt.count("CALL ernie.model.list() YIELD modelName, inferenceSlots WHERE modelName = 'tiny' "
                + "RETURN inferenceSlots")).isEqualTo(1L);
        // 40 documents, each with both mentions at other offsets, so that every caller runs many batches
        bolt.single("MATCH (dog:Synset {id: '02084071-n'}), (cat:Synset {id: '02121620-n'}) "
                + "UNWIND range(1, 40) AS i "
                + "WITH dog, cat, i, 'passage ' + i + ': a dog met a cat' AS text "
                + "CREATE (p:Passage {text: text}), "
                + "(p)-[:MENTIONS {start: size(text) - 13, end: size(text) - 10, score: 1.0}]->(dog), "
                + "(p)-[:MENTIONS {start: size(text) - 3, end: size(text), score: 1.0}]->(cat) RETURN count(p)");
        String stream = "CALL ernie.type.stream({modelName: 'tiny', documentLabel: 'Passage', threshold: 0.0, "
                + "batchSize: 2}) YIELD documentId, mentionStart, nodeId, type, score "
                + "RETURN documentId, mentionStart, nodeId, type, score ORDER BY documentId, mentionStart, type";
        List<Map<String, Object>> alone = bolt.rows(stream);
        assertThat(alone).hasSize(40 * 2 * TYPES.size());

        int callers = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<List<Map<String, Object>>>> results = new java.util.ArrayList<>();
            for (int c = 0; c < callers; c++) {
                results.add(pool.submit(() -> {
                    start.await(); // all callers start together, each in its own driver session
                    return bolt.rows(stream);
                }));
            }
            start.countDown();
            for (var result : results) {
                assertThat(result.get()).isEqualTo(alone);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(15)
    void theNoEntitiesBaselineLoadsAndRunsWithoutATransEModel() {
        Map<String, Object> loaded = bolt.single("CALL ernie.model.load('baseline', {path: 'tiny-typing-no-entities'})");
        assertThat(loaded).containsEntry("task", "typing").containsEntry("transeModel", "none")
                .containsEntry("entities", 0L);
        List<Map<String, Object>> rows = bolt.rows("CALL ernie.type.stream({modelName: 'baseline', "
                + "documentLabel: 'Document', threshold: 0.0}) YIELD mentionStart, type, score "
                + "RETURN mentionStart, type, score ORDER BY mentionStart, type");
        assertThat(rows).hasSize(2 * TYPES.size());
        long dog = bolt.count("MATCH (s:Synset {id: '02084071-n'}) RETURN id(s)");
        long cat = bolt.count("MATCH (s:Synset {id: '02121620-n'}) RETURN id(s)");
        List<Mention> mentions = List.of(new Mention(4, 7, elementId(dog)), new Mention(19, 22, elementId(cat)));
        // the trainer's predictor without an entity table: the same inputs with no entity anywhere
        List<ErniePredictor.Prediction<TypingExample>> expected = DjlRuntime.call(() -> {
            try (ModelDirectory.Loaded model = ModelDirectory.load(models.resolve("tiny-typing-no-entities"),
                    Device.cpu())) {
                return new ErniePredictor(model.model(), model.tokenizer(), null).typing(
                        mentions.stream().map(m -> new TypingExample("x", TEXT, m, List.of(), mentions)).toList(), "test", 8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int m = 0; m < 2; m++) {
            for (int t = 0; t < TYPES.size(); t++) {
                assertThat((Double) rows.get(m * TYPES.size() + t).get("score"))
                        .isCloseTo(expected.get(m).probabilities()[t], within(1e-6));
            }
        }
        Map<String, Object> written = bolt.single("CALL ernie.type.write({modelName: 'baseline', documentLabel: 'Document', "
                + "threshold: 0.0, writeProperty: 'baselineTypes'}) YIELD predictions, mentionsWithoutVector "
                + "RETURN predictions, mentionsWithoutVector");
        assertThat(written).containsEntry("predictions", 6L).containsEntry("mentionsWithoutVector", 0L);
        assertThat(bolt.single("CALL ernie.model.drop('baseline')")).containsEntry("modelName", "baseline");
    }

    @Test
    @Order(16)
    void aFactIsWrittenOnceInTheGraphsOwnConvention() {
        long dog = bolt.count("MATCH (s:Synset {id: '02084071-n'}) RETURN id(s)");
        long cat = bolt.count("MATCH (s:Synset {id: '02121620-n'}) RETURN id(s)");
        String write = "CALL ernie.relation.write({modelName: 'm', documentLabel: 'Document', threshold: 0.0}) "
                + "YIELD predictions, factsMerged, relationshipsCreated RETURN predictions, factsMerged, relationshipsCreated";
        String predicted = "MATCH (h)-[r {predicted: true, model: 'm'}]->(t) RETURN id(h) AS h, type(r) AS type, "
                + "id(t) AS t, r.headStart AS headStart ORDER BY h";
        // WordNet states every HYPONYM edge as a HYPERNYM edge back (as many of each: the first by name wins), so a
        // predicted "dog HYPONYM cat" is written as "cat HYPERNYM dog", with the mention offsets following it
        bolt.single("CALL ernie.model.load('m', {path: 'only-HYPONYM'})");
        assertThat(bolt.single(write)).containsEntry("predictions", 2L).containsEntry("factsMerged", 0L)
                .containsEntry("relationshipsCreated", 2L);
        assertThat(bolt.rows(predicted)).extracting(r -> r.get("h") + " " + r.get("type") + " " + r.get("t") + " "
                + r.get("headStart")).containsExactlyInAnyOrder(cat + " HYPERNYM " + dog + " 19",
                dog + " HYPERNYM " + cat + " 4");
        bolt.single("MATCH ()-[r {model: 'm'}]->() DELETE r RETURN count(*)");
        bolt.single("CALL ernie.model.drop('m')");

        // a symmetric type (every edge comes back): "dog TWIN cat" and "cat TWIN dog" are one fact, written once
        bolt.single("MATCH (s:Synset) WHERE NOT s.id IN ['02084071-n', '02121620-n'] WITH s ORDER BY s.id LIMIT 10 "
                + "WITH collect(s) AS n UNWIND range(0, 4) AS i WITH n[2 * i] AS a, n[2 * i + 1] AS b "
                + "CREATE (a)-[:ERNIE_TEST_TWIN]->(b), (b)-[:ERNIE_TEST_TWIN]->(a) RETURN count(*)");
        bolt.single("CALL ernie.model.load('m', {path: 'only-ERNIE_TEST_TWIN'})");
        assertThat(bolt.single(write)).containsEntry("predictions", 1L).containsEntry("factsMerged", 1L)
                .containsEntry("relationshipsCreated", 1L);
        assertThat(bolt.rows(predicted)).extracting(r -> r.get("h") + " " + r.get("type") + " " + r.get("t"))
                .containsExactly(Math.min(dog, cat) + " ERNIE_TEST_TWIN " + Math.max(dog, cat));
        // stated by the graph in its mirrored form (10 of its 11 edges still come back): known, nothing written
        bolt.single("MATCH ()-[r {model: 'm'}]->() DELETE r RETURN count(*)");
        bolt.single("MATCH (d:Synset {id: '02084071-n'}), (c:Synset {id: '02121620-n'}) "
                + "CREATE (" + (dog > cat ? "d" : "c") + ")-[:ERNIE_TEST_TWIN]->(" + (dog > cat ? "c" : "d") + ") RETURN 1");
        assertThat(bolt.single("CALL ernie.relation.write({modelName: 'm', documentLabel: 'Document', threshold: 0.0}) "
                + "YIELD relationshipsCreated, alreadyKnown RETURN relationshipsCreated, alreadyKnown"))
                .containsEntry("relationshipsCreated", 0L).containsEntry("alreadyKnown", 1L);
        bolt.single("MATCH ()-[r:ERNIE_TEST_TWIN]->() DELETE r RETURN count(*)");
        bolt.single("CALL ernie.model.drop('m')");
    }

    @Test
    @Order(20)
    void droppingUnloadsTheModel() {
        assertThat(bolt.single("CALL ernie.model.drop('tiny')")).containsEntry("modelName", "tiny");
        assertThat(bolt.rows("CALL ernie.model.list() YIELD loaded WHERE loaded RETURN loaded")).isEmpty();
        // its folder stays, listed as a stored model that ernie.model.load can load again
        assertThat(bolt.rows("CALL ernie.model.list() YIELD modelName, path, task, loaded, stored, device "
                + "WHERE path = 'tiny-typing' RETURN modelName, task, loaded, stored, device"))
                .singleElement().satisfies(m -> {
                    assertThat(m).containsEntry("modelName", "tiny-typing").containsEntry("task", "typing")
                            .containsEntry("loaded", false).containsEntry("stored", true);
                    assertThat(m.get("device")).isNull();
                });
        assertThatThrownBy(() -> bolt.single("CALL ernie.model.drop('tiny')"))
                .hasMessageContaining("No ERNIE model `tiny` is loaded");
    }

    /** The key a TransE model names a node by (models are keyed on elementIds, not internal ids). */
    private static String elementId(long nodeId) {
        return (String) bolt.single("MATCH (n) WHERE id(n) = $id RETURN elementId(n) AS e", Map.of("id", nodeId))
                .get("e");
    }
}
