package io.ernieneo4j.tests.deployed;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.tests.server.DemoServer;
import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;
import io.ernieneo4j.tests.support.ProcedureSurface;
import io.ernieneo4j.tests.support.TrainingRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plugin as users deploy it: the packaged jar in a plugins folder, with neither the plugin's classes nor DJL on
 * the class path. Runs the demo's own start-up and pipeline ({@code cypher/demo.cypher}), which loads all of
 * WordNet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployedPluginTest {

    /** WordNet 3.0: 117,659 synsets; 377,592 pointers, of which 364,552 distinct once lifted to synsets. */
    private static final long WORDNET_SYNSETS = 117_659;
    private static final long WORDNET_RELATIONSHIPS = 364_552;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static EmbeddedNeo4j server;
    private static Bolt bolt;

    @BeforeAll
    static void startLikeTheDemo() throws Exception {
        Path plugins = Path.of(System.getProperty("ernie.plugins.dir"));
        assertThat(plugins.resolve("ernie-neo4j-plugin.jar")).isRegularFile();
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("cypher").resolve("demo.cypher");
        var options = new DemoServer.Options(plugins, dataDir, script, -1, -1, true);
        server = DemoServer.start(options);
        bolt = new Bolt(server.boltUri());
    }

    @AfterAll
    static void stop() {
        if (bolt != null) bolt.close();
        if (server != null) server.close();
    }

    @Test
    @Order(1)
    void neitherThePluginNorDjlIsOnTheClassPath() {
        assertThatThrownBy(() -> Class.forName("ai.djl.engine.Engine")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.ernieneo4j.plugin.version.VersionProc"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    @Order(2)
    void versionStartsPyTorchInsideThePluginClassLoader() {
        Map<String, Object> row = bolt.single("CALL ernie.version()");
        assertThat(row).containsEntry("engine", "PyTorch")
                .containsEntry("engineVersion", "2.7.1")
                .containsEntry("device", "cpu")
                .containsEntry("gdsAvailable", true)
                .containsEntry("neo4jVersion", "2026.08.1");
        assertThat(Path.of((String) row.get("djlCacheDir"))).isDirectory();
    }

    @Test
    @Order(3)
    void everyProcedureIsPinnedAndDescribed() {
        ProcedureSurface.assertPinned(bolt);
    }

    @Test
    @Order(4)
    void demoPipelineLoadsAllOfWordNet() throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("cypher").resolve("demo.cypher");
        // the statements before the fine-tuning step: data, TransE, linking, the trainer's files
        DemoServer.runStatements(server, DemoServer.Pipeline.read(script).beforeTraining());
        assertThat(bolt.count("MATCH (s:Synset) RETURN count(s)")).isEqualTo(WORDNET_SYNSETS);
        assertThat(bolt.count("MATCH (:Synset)-[r]->(:Synset) RETURN count(r)")).isEqualTo(WORDNET_RELATIONSHIPS);
        assertThat(bolt.count("MATCH ()-[r:HYPERNYM]->() RETURN count(r)")).isEqualTo(89_089);
        assertThat(bolt.count("CALL db.relationshipTypes() YIELD relationshipType "
                + "WHERE relationshipType <> 'MENTIONS' RETURN count(*)")).isEqualTo(26);
        // TransE trained in the database on the WN18RR-like split, well above chance (MRR ≈ 0.00003 over 40 K)
        assertThat(bolt.count("MATCH ()-[r {split: 'test'}]->() RETURN count(r)")).isBetween(2_900L, 3_134L);
        Map<String, Object> evaluation = bolt.single("CALL ernie.transe.evaluate({modelName: 'wordnet'}) "
                + "YIELD filtered RETURN filtered.mrr AS mrr, filtered.hitsAt10 AS hitsAt10");
        assertThat((Double) evaluation.get("mrr")).isGreaterThan(0.15);
        assertThat((Double) evaluation.get("hitsAt10")).isGreaterThan(0.4);
        assertThat(bolt.count("MATCH (s:Synset) WHERE s.transe IS NOT NULL RETURN count(s)")).isGreaterThan(30_000);
        // entity linking wrote MENTIONS with the documented spans
        assertThat(bolt.count("MATCH (:Document)-[m:MENTIONS]->(:Synset) RETURN count(m)")).isGreaterThan(10);
        assertThat(bolt.single("MATCH (d:Document)-[m:MENTIONS {mention: 'poodle'}]->(s:Synset) "
                + "RETURN substring(d.text, m.start, m.end - m.start) AS span, s.id AS synset"))
                .containsEntry("span", "poodle").containsEntry("synset", "02113335-n");
        // ernie.dataset.export wrote the trainer's files from the example sentences, inside the plugin class loader
        Path exported = dataDir.resolve("databases").resolve("ernie").resolve("datasets").resolve("wordnet-demo");
        for (String file : List.of("typing/train.jsonl", "typing/dev.jsonl", "relation/train.jsonl",
                "relation/dev.jsonl", "corpus/corpus.jsonl", "entities.tsv", "manifest.json")) {
            assertThat(exported.resolve(file)).as(file).isNotEmptyFile();
        }
        // the databases live in the demo's persistent folder
        assertThat(dataDir.resolve("databases").resolve("databases").resolve("neo4j")).isDirectory();
    }

    @Test
    @Order(5)
    void loadingASubgraphOfWhatIsLoadedCreatesNothing() {
        Map<String, Object> row = bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");
        assertThat(row).containsEntry("nodeCount", 1_182L)
                .containsEntry("nodesCreated", 0L)
                .containsEntry("relationshipsCreated", 0L);
        assertThat(bolt.count("MATCH (s:Synset) RETURN count(s)")).isEqualTo(WORDNET_SYNSETS);
    }

    @Test
    @Order(6)
    void ernieTypesMentionsInsideThePluginClassLoader() {
        // written by the class-path ErnieInferenceProceduresTest earlier in the same build: 2 layers, 3 types, over 'wordnet'
        Path models = Path.of("target", "test-models").toAbsolutePath();
        assertThat(models.resolve("tiny-typing").resolve("ernie.json"))
                .as("the class-path tests run first and leave a model here").isRegularFile();
        System.setProperty("ernie.dir.models", models.toString());
        try {
            assertThat(bolt.single("CALL ernie.model.load('tiny', {path: 'tiny-typing'})"))
                    .containsEntry("task", "typing").containsEntry("device", "cpu");
            bolt.single("MATCH (dog:Synset {id: '02084071-n'}) CREATE (d:Sentence {text: 'the dog barked all night'}), "
                    + "(d)-[:MENTIONS {start: 4, end: 7, score: 1.0}]->(dog) RETURN d");
            String stream = "CALL ernie.type.stream({modelName: $model, documentLabel: 'Sentence', threshold: 0.0}) "
                    + "YIELD type, score RETURN type, score ORDER BY type";
            List<Map<String, Object>> rows = bolt.rows(stream, Map.of("model", "tiny"));
            assertThat(rows).hasSize(3).allSatisfy(r -> assertThat((Double) r.get("score")).isStrictlyBetween(0.0, 1.0));
            // the same folder on ONNX Runtime, from the jar beside the plugin (not on the class path), its graph
            // exported at load: the same rows
            assertThatThrownBy(() -> Class.forName("ai.onnxruntime.OrtEnvironment"))
                    .isInstanceOf(ClassNotFoundException.class);
            Map<String, Object> onnx = bolt.single("CALL ernie.model.load('tiny-ort', {path: 'tiny-typing', "
                    + "engine: 'onnxruntime'})");
            assertThat(onnx).containsEntry("engine", "onnxruntime").containsEntry("device", "cpu");
            assertThat((String) onnx.get("engineDetail")).contains("ONNX Runtime 1.29.0 on cpu");
            List<Map<String, Object>> onnxRows = bolt.rows(stream, Map.of("model", "tiny-ort"));
            assertThat(onnxRows).hasSameSizeAs(rows);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(onnxRows.get(i).get("type")).isEqualTo(rows.get(i).get("type"));
                assertThat((Double) onnxRows.get(i).get("score"))
                        .isCloseTo((Double) rows.get(i).get("score"), org.assertj.core.api.Assertions.within(1e-4));
            }
            // and with int8 encoder weights: the same types, scores close to the float ones
            assertThat(bolt.single("CALL ernie.model.load('tiny-int8', {path: 'tiny-typing', "
                    + "engine: 'onnxruntime', quantization: 'int8'})")).containsEntry("quantization", "int8");
            List<Map<String, Object>> int8Rows = bolt.rows(stream, Map.of("model", "tiny-int8"));
            assertThat(int8Rows).hasSameSizeAs(rows);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(int8Rows.get(i).get("type")).isEqualTo(rows.get(i).get("type"));
                assertThat((Double) int8Rows.get(i).get("score"))
                        .isCloseTo((Double) rows.get(i).get("score"), org.assertj.core.api.Assertions.within(0.02));
            }
            assertThat(bolt.single("CALL ernie.model.drop('tiny-int8')")).containsEntry("quantization", "int8");
            assertThat(bolt.single("CALL ernie.model.drop('tiny-ort')")).containsEntry("engine", "onnxruntime");
            assertThat(bolt.single("CALL ernie.model.drop('tiny')")).containsEntry("modelName", "tiny");
        } finally {
            System.clearProperty("ernie.dir.models");
        }
    }

    @Test
    @Order(7)
    void ernieWritesRelationsOnceInsideThePluginClassLoader() {
        // written by ErnieInferenceProceduresTest too: labels ERNIE_TEST_RELATED and ERNIE_TEST_CONTRASTED, no
        // `no_relation`, so both ordered pairs of the sentence are predicted whatever the random weights
        Path models = Path.of("target", "test-models").toAbsolutePath();
        assertThat(models.resolve("tiny-relation").resolve("ernie.json"))
                .as("the class-path tests run first and leave a model here").isRegularFile();
        System.setProperty("ernie.dir.models", models.toString());
        try {
            assertThat(bolt.single("CALL ernie.model.load('tiny-rel', {path: 'tiny-relation'})"))
                    .containsEntry("task", "relation").containsEntry("device", "cpu");
            bolt.single("MATCH (dog:Synset {id: '02084071-n'}), (cat:Synset {id: '02121620-n'}) "
                    + "CREATE (d:Clause {text: 'the dog chased the cat'}), "
                    + "(d)-[:MENTIONS {start: 4, end: 7, score: 1.0}]->(dog), "
                    + "(d)-[:MENTIONS {start: 19, end: 22, score: 1.0}]->(cat) RETURN d");
            List<Map<String, Object>> streamed = bolt.rows("CALL ernie.relation.stream({modelName: 'tiny-rel', "
                    + "documentLabel: 'Clause', threshold: 0.0})");
            assertThat(streamed).hasSize(2).allSatisfy(r -> assertThat((String) r.get("relation")).startsWith("ERNIE_TEST_"));
            String write = "CALL ernie.relation.write({modelName: 'tiny-rel', documentLabel: 'Clause', threshold: 0.0})";
            assertThat(bolt.single(write)).containsEntry("predictions", 2L).containsEntry("relationshipsCreated", 2L)
                    .containsEntry("relationshipsUpdated", 0L);
            assertThat(bolt.single(write)).containsEntry("predictions", 2L).containsEntry("relationshipsCreated", 0L)
                    .containsEntry("relationshipsUpdated", 2L);
            // one relationship each way between dog and cat, with its evidence
            assertThat(bolt.count("MATCH (:Synset {id: '02084071-n'})-[r {predicted: true, model: 'tiny-rel'}]-"
                    + "(:Synset {id: '02121620-n'}) WHERE r.evidence IS NOT NULL RETURN count(r)")).isEqualTo(2);
            assertThat(bolt.count("MATCH ()-[r {model: 'tiny-rel'}]->() RETURN count(r)")).isEqualTo(2);
            assertThat(bolt.single("CALL ernie.model.drop('tiny-rel')")).containsEntry("modelName", "tiny-rel");
        } finally {
            System.clearProperty("ernie.dir.models");
        }
    }

    /**
     * Fine-tuning in the database through the plugins folder: the starting weights are the MiniLM of the langchain4j
     * jar beside the plugin (no `init`), found by the plugin's class loader. A run terminated mid-epoch registers
     * nothing and keeps its checkpoint; `resume: true` finishes it, and the model types mentions. A relation model
     * trains the same way and classifies mention pairs.
     */
    @Test
    @Order(8)
    @SuppressWarnings("unchecked")
    void ernieTrainsFromTheBundledMiniLmStopsAndResumesInsideThePluginClassLoader() throws Exception {
        String config = "{documentLabel: 'Document', transeModel: 'wordnet', typeProperty: 'lexname', "
                + "splitRatios: [0.5, 0.5, 0.0], epochs: 3, patience: 3, batchSize: 2, maxLength: 32, device: 'cpu'}";
        CompletableFuture<Map<String, Object>> stopped = CompletableFuture.supplyAsync(
                () -> bolt.single("CALL ernie.type.train('deployed-typing', " + config + ")"));
        TrainingRuns.awaitProgress(bolt, "deployed-typing", 2, stopped);
        TrainingRuns.terminate(bolt, "ernie.type.train('deployed-typing'");
        assertThatThrownBy(stopped::join).hasMessageContaining("terminated");
        Path models = dataDir.resolve("databases").resolve("ernie").resolve("ernie-models");
        assertThat(models.resolve("deployed-typing")).doesNotExist();
        assertThat(models.resolve(".deployed-typing.training").resolve("checkpoint").resolve("state.json"))
                .isRegularFile();

        Map<String, Object> resumed = bolt.single("CALL ernie.type.train('deployed-typing', "
                + config.replace("device: 'cpu'}", "device: 'cpu', resume: true}") + ")");
        assertThat((List<Object>) resumed.get("history")).hasSize(3);
        assertThat(JSON.readTree(models.resolve("deployed-typing").resolve("metrics.json").toFile()).get("init")
                .asText()).startsWith("bundled MiniLM");
        assertThat(bolt.rows("CALL ernie.type.stream({modelName: 'deployed-typing', documentLabel: 'Document', "
                + "threshold: 0.0}) YIELD type RETURN type")).isNotEmpty();
        assertThat(bolt.single("CALL ernie.model.drop('deployed-typing')")).containsEntry("modelName", "deployed-typing");

        // a relation model the same way (one short epoch on a sample): registered, and it classifies mention pairs
        Map<String, Object> relation = bolt.single("CALL ernie.relation.train('deployed-relation', "
                + config.replace("epochs: 3, patience: 3", "epochs: 1, trainLimit: 40, devLimit: 20") + ")");
        assertThat(relation).containsEntry("task", "relation");
        assertThat((List<Object>) relation.get("labels")).contains("no_relation");
        assertThat(models.resolve("deployed-relation").resolve("ernie.json")).isRegularFile();
        // one short epoch mostly predicts no_relation, which is never streamed: count the pairs it classified
        Map<String, Object> classified = bolt.single("CALL ernie.relation.write({modelName: 'deployed-relation', "
                + "documentLabel: 'Document', threshold: 1.0}) YIELD documents, examples RETURN documents, examples");
        assertThat((Long) classified.get("documents")).isPositive();
        assertThat((Long) classified.get("examples")).isPositive();
        assertThat(bolt.single("CALL ernie.model.drop('deployed-relation')"))
                .containsEntry("modelName", "deployed-relation");
    }

    @Test
    @Order(9)
    void browserIsServed() throws Exception {
        URI browser = URI.create(server.httpUri().toString().replaceAll("/$", "") + "/browser/");
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(browser).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsIgnoringCase("<html");
        assertThat(Files.exists(dataDir)).isTrue();
    }
}
