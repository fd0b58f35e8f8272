package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The cluster-models route of docs/scaling-out.md on one machine: two database instances whose
 * {@code ernie.dir.models} and {@code ernie.dir.transe} are the same folder (a shared store every member mounts).
 * The first trains a TransE model keyed on a property; the second, holding the same graph created in another order
 * (so that its internal ids and elementIds differ, as they may between stores), lists that model, loads an ERNIE
 * model over it, and types the same mention with the same scores as the first, every mention with its vector.
 */
class SharedModelFolderTest extends ClasspathHarness {

    private static final List<String> TYPES = List.of("LOC", "ORG", "PER");
    private static final String GRAPH = """
            CREATE (dc:City {code: 'dc', name: 'Washington, D.C.'}), (us:Country {code: 'us', name: 'United States'}),
                   (nasa:Agency {code: 'nasa', name: 'NASA'}), (fl:State {code: 'fl', name: 'Florida'}),
                   (dc)-[:CAPITAL_OF]->(us), (nasa)-[:AGENCY_OF]->(us), (fl)-[:PART_OF]->(us),
                   (nasa)-[:BASED_IN]->(dc)
            RETURN 1""";
    private static final String TEXT = "NASA flew the crew from Florida home to Washington, D.C.";
    private static final String DOCUMENT = """
            MATCH (nasa {code: 'nasa'}), (fl {code: 'fl'}), (dc {code: 'dc'})
            CREATE (d:Document {text: $text}), (d)-[:MENTIONS {start: 0, end: 4, score: 1.0}]->(nasa),
                   (d)-[:MENTIONS {start: 24, end: 31, score: 1.0}]->(fl),
                   (d)-[:MENTIONS {start: 40, end: 56, score: 1.0}]->(dc)
            RETURN 1""";
    private static final String TYPE_STREAM = "CALL ernie.type.stream({modelName: '%s', documentLabel: 'Document', "
            + "threshold: 0.0}) YIELD nodeId, type, score MATCH (e) WHERE id(e) = nodeId "
            + "RETURN e.code AS code, type, score ORDER BY code, type";

    private static Path shared;

    @AfterAll
    static void clear() throws Exception {
        System.clearProperty("ernie.dir.models");
        System.clearProperty("ernie.dir.transe");
        if (shared != null) {
            try (var paths = Files.walk(shared)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void aSecondInstanceUsesTheModelsTheFirstWroteInTheSharedFolder() throws Exception {
        shared = Files.createTempDirectory("ernie-shared-store");
        // one JVM here, so one setting for both instances; in a cluster, every member's neo4j.conf names the mount
        System.setProperty("ernie.dir.models", shared.resolve("models").toString());
        System.setProperty("ernie.dir.transe", shared.resolve("models").toString());
        Files.createDirectories(shared.resolve("models"));

        // the first instance: the graph, TransE keyed on `code`, and an ERNIE model saved over it
        bolt.single(GRAPH);
        bolt.single("CALL ernie.transe.train({modelName: 'shared', dimensions: 100, epochs: 10, concurrency: 1, "
                + "keyProperty: 'code', nodeLabels: ['City', 'Country', 'Agency', 'State']})");
        bolt.single(DOCUMENT, Map.of("text", TEXT));
        Path tokenizer = TinyErnie.miniLmTokenizer(shared.resolve("tokenizer.json"));
        TinyErnie.save(ErnieTask.TYPING, TYPES, 7, tokenizer, "shared", shared.resolve("models").resolve("typing"));
        bolt.single("CALL ernie.model.load('typing-on-first', {path: 'typing'})");
        List<Map<String, Object>> first = bolt.rows(String.format(TYPE_STREAM, "typing-on-first"));
        assertThat(first).hasSize(3 * TYPES.size());
        bolt.single("CALL ernie.model.drop('typing-on-first')");

        // the second instance: its own store, the same graph created in another order
        try (EmbeddedNeo4j second = EmbeddedNeo4j.builder(workingDir.resolve("second"))
                .procedures(ErnieClasses.PROCEDURES).functions(ErnieClasses.FUNCTIONS).start();
             Bolt secondBolt = new Bolt(second.boltUri())) {
            secondBolt.single("CREATE (:Unrelated), (:Unrelated) RETURN 1");
            secondBolt.single(GRAPH);
            secondBolt.single(DOCUMENT, Map.of("text", TEXT));
            assertThat(secondBolt.single("MATCH (n {code: 'nasa'}) RETURN elementId(n) AS id").get("id"))
                    .isNotEqualTo(bolt.single("MATCH (n {code: 'nasa'}) RETURN elementId(n) AS id").get("id"));

            assertThat(secondBolt.rows("CALL ernie.transe.model.list() YIELD modelName RETURN modelName"))
                    .contains(Map.of("modelName", "shared"));
            Map<String, Object> loaded = secondBolt.single("CALL ernie.model.load('typing-on-second', "
                    + "{path: 'typing'}) YIELD transeModel, entities RETURN transeModel, entities");
            assertThat(loaded).containsEntry("transeModel", "shared").containsEntry("entities", 4L);
            try {
                List<Map<String, Object>> second2 = secondBolt.rows(String.format(TYPE_STREAM, "typing-on-second"));
                assertThat(second2).hasSameSizeAs(first);
                for (int i = 0; i < first.size(); i++) {
                    assertThat(second2.get(i)).containsEntry("code", first.get(i).get("code"))
                            .containsEntry("type", first.get(i).get("type"));
                    assertThat((Double) second2.get(i).get("score"))
                            .isCloseTo((Double) first.get(i).get("score"), within(1e-6));
                }
                Map<String, Object> written = secondBolt.single("CALL ernie.type.write({modelName: "
                        + "'typing-on-second', documentLabel: 'Document', threshold: 0.0}) "
                        + "YIELD examples, mentionsWithoutVector RETURN examples, mentionsWithoutVector");
                assertThat(written).containsEntry("examples", 3L).containsEntry("mentionsWithoutVector", 0L);
            } finally {
                secondBolt.single("CALL ernie.model.drop('typing-on-second')");
            }
        }
    }
}
