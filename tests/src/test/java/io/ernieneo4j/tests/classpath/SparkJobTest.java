package io.ernieneo4j.tests.classpath;

import ai.djl.Device;
import io.ernieneo4j.spark.SparkJobConfig;
import io.ernieneo4j.tests.support.SparkJob;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The Spark job (spark/) against this embedded Neo4j through Bolt, in Spark's local mode with two cores: on the same
 * texts, graph and models, it must write what the plugin's procedures write. Every text is stored twice, as a
 * {@code :PluginDoc} that ernie.align.write and ernie.type.write process and as a {@code :SparkDoc} that the job
 * processes; the MENTIONS of the two must be the same (spans, entity nodes, scores to 1e-5), and so must the types
 * written on the entities (the same lists in the same order, scores to 1e-5, the same model name), with a
 * calibration temperature on two cores and with the model's own probabilities on one. The graph is a
 * small one that is not WordNet ({@code :Entity {name, aliases}}, degree as prior, TransE vectors for context and
 * as ERNIE's entity input); the typing model is a 2-layer ERNIE with random weights saved by the trainer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkJobTest extends ClasspathHarness {

    private static final List<String> TYPES = List.of("LOC", "ORG", "PER");
    private static final String ENTITIES = """
            CREATE (dc:Entity {name: 'Washington, D.C.', aliases: ['DC']}),
                   (wa:Entity {name: 'Washington', aliases: ['Washington State']}),
                   (gw:Entity {name: 'George Washington'}),
                   (us:Entity {name: 'United States', aliases: ['US', 'USA', 'America']}),
                   (potomac:Entity {name: 'Potomac River'}),
                   (mp:Entity {name: 'Mercury (planet)'}),
                   (me:Entity {name: 'Mercury (element)', aliases: ['quicksilver', 'Hg']}),
                   (sun:Entity {name: 'Sun'}),
                   (moon:Entity {name: 'Moon', aliases: ['Luna']}),
                   (nasa:Entity {name: 'NASA', aliases: ['National Aeronautics and Space Administration']}),
                   (gas:Entity {name: 'GAS', aliases: ['Get Away Special']}),
                   (:Entity {name: 'gas'}),
                   (jaguar:Entity {name: 'Jaguar', aliases: ['Panthera onca']}),
                   (cars:Entity {name: 'Jaguar Cars', aliases: ['Jaguar', 'Jaguar Land Rover']}),
                   (tata:Entity {name: 'Tata Motors'}),
                   (uk:Entity {name: 'United Kingdom', aliases: ['UK', 'Britain']}),
                   (amazon:Entity {name: 'Amazon rainforest'}),
                   (apollo:Entity {name: 'Apollo 11'}),
                   (saturn:Entity {name: 'Saturn V'}),
                   (florida:Entity {name: 'Florida'}),
                   (armstrong:Entity {name: 'Neil Armstrong'}),
                   (dc)-[:CAPITAL_OF]->(us), (dc)-[:ON]->(potomac), (wa)-[:PART_OF]->(us), (gw)-[:PRESIDENT_OF]->(us),
                   (florida)-[:PART_OF]->(us), (nasa)-[:AGENCY_OF]->(us), (mp)-[:ORBITS]->(sun),
                   (apollo)-[:OPERATED_BY]->(nasa), (apollo)-[:LAUNCHED_ON]->(saturn), (apollo)-[:LANDED_ON]->(moon),
                   (apollo)-[:LAUNCHED_FROM]->(florida), (armstrong)-[:CREW_OF]->(apollo), (gas)-[:RUN_BY]->(nasa),
                   (jaguar)-[:LIVES_IN]->(amazon), (cars)-[:OWNED_BY]->(tata), (cars)-[:BASED_IN]->(uk)
            RETURN 1""";
    private static final List<String> TEXTS = List.of(
            "Apollo 11 left Florida on a Saturn V; NASA flew the crew home to Washington, D.C. and the US.",
            "Mercury (planet) is closest to the Sun. Mercury, unlike Mercury (element), is not a metal; quicksilver is.",
            "Two transports of gas and a GAS canister went to the UK; a Jaguar and Jaguar Land Rover came back.",
            "Neil Armstrong walked on the Moon, which some call Luna, while George Washington never left America.",
            "Tata Motors owns Jaguar Cars; the jaguar of the Amazon rainforest owns nothing.",
            "Washington State is far from the Potomac River.",
            "No entity is named in this sentence at all.");
    /** The same linking settings for the plugin and the job. */
    private static final Map<String, String> LINKING = Map.of("entityLabels", "Entity",
            "nameProperties", "name,aliases", "embeddingProperty", "transe");
    private static final String ALIGN = "CALL ernie.align.write({documentLabel: 'PluginDoc', textProperty: 'text', "
            + "entityLabels: 'Entity', nameProperties: ['name', 'aliases'], embeddingProperty: 'transe'})";
    private static final String MENTIONS = "MATCH (d:%s)-[m:MENTIONS]->(e) RETURN d.text AS text, m.start AS start, "
            + "m.end AS end, m.mention AS mention, m.score AS score, elementId(e) AS entity "
            + "ORDER BY text, start, entity";

    private static Path models;
    private static Path transeModels;

    @BeforeAll
    static void graphAndModels() throws Exception {
        models = Files.createTempDirectory("ernie-models");
        transeModels = Files.createTempDirectory("transe-models");
        System.setProperty("ernie.dir.models", models.toString());
        System.setProperty("ernie.dir.transe", transeModels.toString());
        bolt.single(ENTITIES);
        bolt.single("CALL ernie.transe.train({modelName: 'entities', nodeLabels: ['Entity'], dimensions: 100, "
                + "epochs: 20, concurrency: 1, writeProperty: 'transe'})");
        for (String text : TEXTS) {
            bolt.single("CREATE (:PluginDoc {text: $text}), (:SparkDoc {text: $text}) RETURN 1", Map.of("text", text));
        }
        Path tokenizer = models.resolve("tokenizer.json");
        try (InputStream in = SparkJobTest.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizer);
        }
        DjlRuntime.start(Path.of("target", "djl-cache"));
        DjlRuntime.call(() -> {
            try (ErnieModel model = ErnieModel.random(ErnieConfig.bert(32, 2, 64, 2), ErnieTask.TYPING, TYPES,
                    Device.cpu(), 7)) {
                ModelDirectory.save(model, tokenizer, 64, "entities", models.resolve("tiny-typing"));
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static void clearSettings() throws Exception {
        // the registry of loaded models is the JVM's: another test class's server must not find this one's
        bolt.rows("CALL ernie.model.list() YIELD modelName, loaded WHERE loaded AND modelName = 'spark-tiny' "
                + "CALL ernie.model.drop(modelName) YIELD modelName AS dropped RETURN dropped");
        System.clearProperty("ernie.dir.models");
        System.clearProperty("ernie.dir.transe");
        for (Path dir : List.of(models, transeModels)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** The job's options: the linking settings, this server, and typing with the model the plugin loads. */
    private static Map<String, String> jobOptions() {
        Map<String, String> options = new LinkedHashMap<>(LINKING);
        options.put("url", server.boltUri().toString());
        options.put("documentLabel", "SparkDoc");
        options.put("textProperty", "text");
        options.put("model", models.resolve("tiny-typing").toString());
        options.put("transeModel", transeModels.resolve("neo4j").resolve("transe").resolve("entities").toString());
        options.put("modelName", "spark-tiny");
        options.put("writeProperty", "sparkTypes");
        options.put("threshold", "0.3");
        options.put("batchSize", "4");
        return options;
    }

    @Test
    @Order(1)
    void linksAndTypesAsThePluginsWriteProceduresDo() throws Exception {
        assertThat(bolt.single(ALIGN)).containsEntry("documents", (long) TEXTS.size());
        bolt.single("CALL ernie.model.load('spark-tiny', {path: 'tiny-typing'})");
        // calibrated scores here (ernie.type.evaluate's temperature), the model's own in the next test
        Map<String, Object> typed = bolt.single("CALL ernie.type.write({modelName: 'spark-tiny', documentLabel: "
                + "'PluginDoc', writeProperty: 'pluginTypes', threshold: 0.3, batchSize: 4, "
                + "calibration: {temperature: 2.0}}) YIELD nodesWritten, examples RETURN nodesWritten, examples");

        Map<String, String> options = jobOptions();
        options.put("temperature", "2.0");
        SparkJob.Result job = SparkJob.run(2, options, workingDir.resolve("spark-run-1"), 300);
        assertThat(job.exitCode()).as(SparkJob.tail(job.output())).isZero();
        System.out.printf("Spark job, local[2]: %d documents, %d MENTIONS, %d mentions typed, %d entities typed, "
                        + "%d ms in the job (%d dictionary, %d linking and typing, %d writing)%n", job.documents(),
                job.mentions(), job.examples(), job.entitiesTyped(), job.millis(), job.dictionaryMillis(),
                job.computeMillis(), job.writeMillis());

        List<Map<String, Object>> plugin = bolt.rows(String.format(MENTIONS, "PluginDoc"));
        List<Map<String, Object>> spark = bolt.rows(String.format(MENTIONS, "SparkDoc"));
        assertThat(plugin).hasSizeGreaterThan(20);
        assertThat(job.documents()).isEqualTo(TEXTS.size());
        assertThat(job.mentions()).isEqualTo(plugin.size());
        assertSameMentions(spark, plugin);

        assertThat(job.examples()).isEqualTo((Long) typed.get("examples"));
        assertThat(job.entitiesTyped()).isEqualTo((Long) typed.get("nodesWritten")).isPositive();
        assertSameTypes("pluginTypes", "sparkTypes", (Long) typed.get("nodesWritten"));
    }

    @Test
    @Order(2)
    void runningAgainReplacesTheMentionsInsteadOfAddingThem() throws Exception {
        List<Map<String, Object>> before = bolt.rows(String.format(MENTIONS, "SparkDoc"));
        Map<String, Object> typed = bolt.single("CALL ernie.type.write({modelName: 'spark-tiny', documentLabel: "
                + "'PluginDoc', writeProperty: 'pluginRawTypes', threshold: 0.3, batchSize: 4}) "
                + "YIELD nodesWritten RETURN nodesWritten");
        Map<String, String> options = jobOptions();
        options.put("writeProperty", "sparkRawTypes");
        SparkJob.Result again = SparkJob.run(1, options, workingDir.resolve("spark-run-2"), 300);
        assertThat(again.exitCode()).as(SparkJob.tail(again.output())).isZero();
        assertSameMentions(bolt.rows(String.format(MENTIONS, "SparkDoc")), before);
        assertSameMentions(bolt.rows(String.format(MENTIONS, "SparkDoc")),
                bolt.rows(String.format(MENTIONS, "PluginDoc")));
        // on one core, with the model's own probabilities: the plugin's types again
        assertThat(again.entitiesTyped()).isEqualTo((Long) typed.get("nodesWritten"));
        assertSameTypes("pluginRawTypes", "sparkRawTypes", (Long) typed.get("nodesWritten"));
        // and the calibrated ones differ from them: the temperature reached the job
        assertThat(bolt.count("MATCH (e:Entity) WHERE e.sparkTypesScores <> e.sparkRawTypesScores "
                + "RETURN count(e)")).isPositive();
    }

    @Test
    @Order(3)
    void refusesABadConfigurationBeforeReadingAnything() throws Exception {
        assertThatThrownBy(() -> SparkJobConfig.from(Map.of("url", "bolt://127.0.0.1:1", "documentLabel", "D",
                "textProperty", "text", "entityLabels", "Entity", "contextWieght", "0.3")))
                .hasMessageContaining("Unexpected configuration key: `contextWieght` (did you mean `contextWeight`?)");
        assertThatThrownBy(() -> SparkJobConfig.from(Map.of("url", "bolt://127.0.0.1:1", "documentLabel", "D",
                "textProperty", "text")))
                .hasMessageContaining("mandatory configuration parameter `entityLabels`");
        assertThatThrownBy(() -> SparkJobConfig.from(Map.of("url", "bolt://127.0.0.1:1", "documentLabel", "D",
                "textProperty", "text", "entityLabels", "Entity", "threshold", "0.5")))
                .hasMessageContaining("`threshold` is a typing setting: name the ERNIE typing model folder in `model`");
        // and through spark-submit's arguments: the job exits with the message, having read nothing
        Map<String, String> options = jobOptions();
        options.put("transeModel", transeModels.resolve("nothing-here").toString());
        SparkJob.Result failed = SparkJob.run(1, options, workingDir.resolve("spark-run-3"), 300);
        assertThat(failed.exitCode()).isNotZero();
        assertThat(failed.output()).contains("`transeModel`:", "nothing-here` is not a folder");
    }

    @Test
    @Order(4)
    void badTextWritesNothing() throws Exception {
        bolt.single("CREATE (:BadDoc {text: $good}), (:BadDoc {text: ''}) RETURN 1", Map.of("good", TEXTS.get(0)));
        Map<String, String> options = new LinkedHashMap<>(LINKING);
        options.put("url", server.boltUri().toString());
        options.put("documentLabel", "BadDoc");
        options.put("textProperty", "text");
        SparkJob.Result failed = SparkJob.run(1, options, workingDir.resolve("spark-run-4"), 300);
        assertThat(failed.exitCode()).isNotZero();
        assertThat(failed.output()).contains("`text` of node", "must not be empty");
        assertThat(bolt.count("MATCH (:BadDoc)-[m:MENTIONS]->() RETURN count(m)")).isZero();
    }

    /**
     * Every entity typed by either writer has, from the other, the same types in the same order, the same scores to
     * 1e-5 and the same model name.
     */
    private static void assertSameTypes(String plugin, String spark, long nodesWritten) {
        List<Map<String, Object>> types = bolt.rows(String.format("MATCH (e:Entity) WHERE e.%1$s IS NOT NULL "
                + "OR e.%2$s IS NOT NULL RETURN e.name AS name, e.%1$s AS plugin, e.%2$s AS spark, "
                + "e.%1$sScores AS pluginScores, e.%2$sScores AS sparkScores, e.%1$sModel AS pluginModel, "
                + "e.%2$sModel AS sparkModel ORDER BY name", plugin, spark));
        assertThat(types).hasSize((int) nodesWritten);
        for (Map<String, Object> entity : types) {
            assertThat(entity.get("spark")).as("types of %s", entity.get("name")).isEqualTo(entity.get("plugin"));
            assertThat(entity.get("sparkModel")).isEqualTo("spark-tiny").isEqualTo(entity.get("pluginModel"));
            List<?> pluginScores = (List<?>) entity.get("pluginScores");
            List<?> sparkScores = (List<?>) entity.get("sparkScores");
            assertThat(sparkScores).hasSameSizeAs(pluginScores);
            for (int k = 0; k < pluginScores.size(); k++) {
                assertThat((Double) sparkScores.get(k)).as("score %d of %s", k, entity.get("name"))
                        .isCloseTo((Double) pluginScores.get(k), within(1e-5));
            }
        }
    }

    /** The same spans, mentions and entities, and the same scores to 1e-5. */
    private static void assertSameMentions(List<Map<String, Object>> actual, List<Map<String, Object>> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> a = actual.get(i);
            Map<String, Object> e = expected.get(i);
            for (String key : List.of("text", "start", "end", "mention", "entity")) {
                assertThat(a.get(key)).as("%s of mention %d (%s)", key, i, e).isEqualTo(e.get(key));
            }
            assertThat((Double) a.get("score")).as("score of %s", e).isCloseTo((Double) e.get("score"), within(1e-5));
        }
    }
}
