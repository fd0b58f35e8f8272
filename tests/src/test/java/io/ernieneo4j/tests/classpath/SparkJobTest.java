package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.spark.SparkJobConfig;
import io.ernieneo4j.tests.support.SparkJob;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

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
    /**
     * The relation model's labels: an inverse pair and a symmetric type the relations test adds to the graph; no
     * {@code no_relation}, which a random model may predict for every pair.
     */
    private static final List<String> RELATIONS = List.of("HAS_PART", "NEAR", "PART_OF");
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
        bolt.single(NamedEntityGraph.ENTITIES);
        bolt.single("CALL ernie.transe.train({modelName: 'entities', nodeLabels: ['Entity'], dimensions: 100, "
                + "epochs: 20, concurrency: 1, writeProperty: 'transe'})");
        for (String text : TEXTS) {
            bolt.single("CREATE (:PluginDoc {text: $text}), (:SparkDoc {text: $text}) RETURN 1", Map.of("text", text));
        }
        Path tokenizer = TinyErnie.miniLmTokenizer(models.resolve("tokenizer.json"));
        TinyErnie.save(ErnieTask.TYPING, TYPES, 7, tokenizer, "entities", models.resolve("tiny-typing"));
        TinyErnie.save(ErnieTask.RELATION, RELATIONS, 11, tokenizer, "entities", models.resolve("tiny-relation"));
        // one label: every pair gets it, so what is written shows the graph's convention for an inverse pair
        TinyErnie.save(ErnieTask.RELATION, List.of("PART_OF"), 5, tokenizer, "entities",
                models.resolve("only-part-of"));
    }

    @AfterAll
    static void clearSettings() throws Exception {
        // the registry of loaded models is the JVM's: another test class's server must not find this one's
        bolt.rows("CALL ernie.model.list() YIELD modelName, loaded "
                + "WHERE loaded AND modelName IN ['spark-tiny', 'spark-relation', 'spark-part-of'] "
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
        assertThatThrownBy(() -> SparkJobConfig.from(Map.of("url", "bolt://127.0.0.1:1", "documentLabel", "D",
                "textProperty", "text", "entityLabels", "Entity", "relationThreshold", "0.5")))
                .hasMessageContaining("`relationThreshold` is a relation setting: name the ERNIE relation model "
                        + "folder in `relationModel`");
        assertThatThrownBy(() -> SparkJobConfig.from(Map.of("url", "bolt://127.0.0.1:1", "documentLabel", "D",
                "textProperty", "text", "entityLabels", "Entity", "relationModel", "m", "relationThreshold", "1.5")))
                .hasMessageContaining("Value for `relationThreshold` was `1.5`, but must be a number within the "
                        + "range [0.0, 1.0]");
        assertThatThrownBy(() -> SparkJobConfig.from(Map.of("url", "bolt://127.0.0.1:1", "documentLabel", "D",
                "textProperty", "text", "entityLabels", "Entity", "relationModel", "m", "relationTreshold", "0.5")))
                .hasMessageContaining("Unexpected configuration key: `relationTreshold` (did you mean "
                        + "`relationThreshold`?)");
        assertThatThrownBy(() -> SparkJobConfig.from(Map.of("url", "bolt://127.0.0.1:1", "documentLabel", "D",
                "textProperty", "text", "entityLabels", "Entity", "batchSize", "8")))
                .hasMessageContaining("`batchSize` is a model setting");
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

    private static final String RELATION_THRESHOLD = "0.0";
    /** Every predicted relationship, named by its nodes and its evidence's text (the two writers' documents differ). */
    private static final String PREDICTED = "MATCH (h)-[r {predicted: true}]->(t) MATCH (d) WHERE id(d) = r.evidence "
            + "RETURN elementId(h) AS head, type(r) AS type, elementId(t) AS tail, r.score AS score, r.model AS model, "
            + "d.text AS evidence, r.headStart AS headStart, r.headEnd AS headEnd, r.tailStart AS tailStart, "
            + "r.tailEnd AS tailEnd, r.status AS status, h.name + ' ' + type(r) + ' ' + t.name AS fact "
            + "ORDER BY head, type, tail";
    private static final String PLUGIN_RELATIONS = pluginRelations("spark-relation");

    private static String pluginRelations(String modelName) {
        return "CALL ernie.relation.write({modelName: '" + modelName + "', "
                + "documentLabel: 'PluginDoc', threshold: " + RELATION_THRESHOLD + ", batchSize: 4}) "
                + "YIELD predictions, factsMerged, relationshipsCreated, relationshipsUpdated, alreadyKnown, rejected, "
                + "examples, examplesTooLong RETURN *";
    }

    /** The job's options for relations alone: the linking settings, this server, the relation model. */
    private static Map<String, String> relationOptions() {
        Map<String, String> options = new LinkedHashMap<>(LINKING);
        options.put("url", server.boltUri().toString());
        options.put("documentLabel", "SparkDoc");
        options.put("textProperty", "text");
        options.put("relationModel", models.resolve("tiny-relation").toString());
        options.put("relationTranseModel", transeModels.resolve("neo4j").resolve("transe").resolve("entities")
                .toString());
        options.put("relationModelName", "spark-relation");
        options.put("relationThreshold", RELATION_THRESHOLD);
        options.put("batchSize", "4");
        return options;
    }

    @Test
    @Order(5)
    void classifiesRelationsAsThePluginsWriteDoes() throws Exception {
        // an inverse pair (PART_OF/HAS_PART) and a symmetric type (NEAR), learnt from
        // the graph; both writers link again on the graph with them
        bolt.single("MATCH (us:Entity {name: 'United States'}), (wa:Entity {name: 'Washington'}), "
                + "(fl:Entity {name: 'Florida'}), (dc:Entity {name: 'Washington, D.C.'}), "
                + "(potomac:Entity {name: 'Potomac River'}) CREATE (us)-[:HAS_PART]->(wa), (us)-[:HAS_PART]->(fl), "
                + "(dc)-[:NEAR]->(potomac), (potomac)-[:NEAR]->(dc) RETURN 1");
        bolt.single(ALIGN);
        bolt.single("CALL ernie.model.load('spark-relation', {path: 'tiny-relation'})");
        Map<String, Object> plugin = bolt.single(PLUGIN_RELATIONS);
        List<Map<String, Object>> written = bolt.rows(PREDICTED);
        System.out.printf("ernie.relation.write: %s; %s%n", plugin, written.stream().map(r -> r.get("fact")).toList());
        assertThat(written).hasSize(((Long) plugin.get("relationshipsCreated")).intValue()).isNotEmpty();
        // the job must find the same facts itself: the plugin's go
        bolt.single("MATCH ()-[r {predicted: true}]->() DELETE r RETURN count(r)");

        SparkJob.Result job = SparkJob.run(2, relationOptions(), workingDir.resolve("spark-run-5"), 300);
        assertThat(job.exitCode()).as(SparkJob.tail(job.output())).isZero();
        SparkJob.Relations relations = job.relations();
        System.out.println("Spark job: " + relations);
        assertThat(relations).isNotNull();
        assertThat(relations.examples()).isEqualTo(plugin.get("examples"));
        assertThat(relations.tooLong()).isEqualTo(plugin.get("examplesTooLong"));
        assertThat(relations.predictions()).isEqualTo(plugin.get("predictions"));
        assertThat(relations.merged()).isEqualTo(plugin.get("factsMerged"));
        assertThat(relations.alreadyKnown()).isEqualTo(plugin.get("alreadyKnown"));
        assertThat(relations.created()).isEqualTo(plugin.get("relationshipsCreated"));
        assertSameRelationships(bolt.rows(PREDICTED), written);

        // a rerun writes the same relationships again rather than adding any
        SparkJob.Result again = SparkJob.run(1, relationOptions(), workingDir.resolve("spark-run-6"), 300);
        assertThat(again.exitCode()).as(SparkJob.tail(again.output())).isZero();
        assertThat(again.relations().created()).isZero();
        assertThat(again.relations().updated()).isEqualTo(written.size());
        assertSameRelationships(bolt.rows(PREDICTED), written);

        // a curator rejects one and accepts another: the job leaves both alone, as the plugin does
        bolt.single("MATCH ()-[r {predicted: true}]->() WITH r ORDER BY elementId(r) LIMIT 1 "
                + "SET r.status = 'rejected' RETURN count(r)");
        if (written.size() > 1) {
            bolt.single("MATCH ()-[r {predicted: true}]->() WHERE r.status IS NULL WITH r ORDER BY elementId(r) "
                    + "LIMIT 1 SET r.status = 'accepted' RETURN count(r)");
        }
        long accepted = written.size() > 1 ? 1 : 0;
        Map<String, String> withStatus = relationOptions();
        withStatus.put("relationStatus", "candidate");
        SparkJob.Result reviewed = SparkJob.run(1, withStatus, workingDir.resolve("spark-run-7"), 300);
        assertThat(reviewed.exitCode()).as(SparkJob.tail(reviewed.output())).isZero();
        assertThat(reviewed.relations()).isEqualTo(new SparkJob.Relations(relations.examples(), relations.tooLong(),
                relations.predictions(), relations.merged(), 0, written.size() - 1 - accepted,
                relations.alreadyKnown() + accepted, 1));
        assertThat(bolt.count("MATCH ()-[r {predicted: true, status: 'candidate'}]->() RETURN count(r)"))
                .isEqualTo(written.size() - 1 - accepted);
        Map<String, Object> pluginAgain = bolt.single(PLUGIN_RELATIONS);
        assertThat(pluginAgain).containsEntry("relationshipsCreated", 0L).containsEntry("rejected", 1L)
                .containsEntry("relationshipsUpdated", written.size() - 1 - accepted)
                .containsEntry("alreadyKnown", relations.alreadyKnown() + accepted);
        assertThat(bolt.count("MATCH ()-[r {predicted: true}]->() RETURN count(r)")).isEqualTo(written.size());
    }

    @Test
    @Order(6)
    void writesAnInverseTypeInTheGraphsConventionAndLeavesKnownFactsAlone() throws Exception {
        // after @Order(5): the HAS_PART edges it added, the mentions of both document labels
        bolt.single("MATCH ()-[r {predicted: true}]->() DELETE r RETURN count(r)");
        bolt.single("CALL ernie.model.load('spark-part-of', {path: 'only-part-of'})");
        Map<String, Object> plugin = bolt.single(pluginRelations("spark-part-of"));
        List<Map<String, Object>> written = bolt.rows(PREDICTED);
        System.out.printf("ernie.relation.write, PART_OF only: %s; %s%n", plugin,
                written.stream().map(r -> r.get("fact")).toList());
        // Washington and Florida are known parts of the United States; every fact is written in one form
        assertThat((Long) plugin.get("alreadyKnown")).isPositive();
        assertThat(written).isNotEmpty().extracting(r -> r.get("type")).containsOnly(written.getFirst().get("type"));
        bolt.single("MATCH ()-[r {predicted: true}]->() DELETE r RETURN count(r)");

        Map<String, String> options = relationOptions();
        options.put("relationModel", models.resolve("only-part-of").toString());
        options.put("relationModelName", "spark-part-of");
        SparkJob.Result job = SparkJob.run(1, options, workingDir.resolve("spark-run-8"), 300);
        assertThat(job.exitCode()).as(SparkJob.tail(job.output())).isZero();
        assertThat(job.relations().alreadyKnown()).isEqualTo(plugin.get("alreadyKnown"));
        assertThat(job.relations().created()).isEqualTo(plugin.get("relationshipsCreated"));
        assertSameRelationships(bolt.rows(PREDICTED), written);
    }

    /** The same relationships between the same nodes, with the same properties (scores to 1e-5). */
    private static void assertSameRelationships(List<Map<String, Object>> actual, List<Map<String, Object>> expected) {
        assertThat(actual).extracting(r -> r.get("fact")).containsExactlyElementsOf(
                expected.stream().map(r -> r.get("fact")).toList());
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> a = actual.get(i);
            Map<String, Object> e = expected.get(i);
            for (String key : List.of("head", "type", "tail", "model", "evidence", "headStart", "headEnd",
                    "tailStart", "tailEnd")) {
                assertThat(a.get(key)).as("%s of %s", key, e.get("fact")).isEqualTo(e.get(key));
            }
            assertThat((Double) a.get("score")).as("score of %s", e.get("fact"))
                    .isCloseTo((Double) e.get("score"), within(1e-5));
        }
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
