package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stored models outlive the nodes they learnt: a node deleted after training, and a new node that Neo4j gives the
 * deleted node's internal id, must not meet. Neo4j reuses internal ids (after a restart at the latest), and an
 * elementId embeds the internal id, so only a model keyed on a user's key property is safe from that; this test pins
 * both facts.
 */
class EntityIdentityTest {

    private static final String RING = "UNWIND range(0, 19) AS i CREATE (:Item {code: 'item-' + i, i: i}) "
            + "WITH count(*) AS created MATCH (a:Item), (b:Item) WHERE b.i = (a.i + 1) % 20 "
            + "CREATE (a)-[:NEXT]->(b) RETURN count(*)";
    private static final String TRAIN = "CALL ernie.transe.train({modelName: $model, relationshipTypes: ['NEXT'], "
            + "dimensions: 8, epochs: 30, concurrency: 1, randomSeed: 3%s}) YIELD nodeCount RETURN nodeCount";
    private static final String PREDICT = "MATCH (n) WHERE id(n) = $id CALL ernie.transe.predict.stream({modelName: "
            + "$model, relationshipType: 'NEXT', heads: [n], topK: 100}) YIELD tailNodeId RETURN tailNodeId";
    /** Creations tried before (and again after) a restart to meet the deleted node's id. */
    private static final int TRIES = 20;

    @TempDir
    static Path workingDir;

    @TempDir
    static Path dataDir;

    private static EmbeddedNeo4j server;
    private static Bolt bolt;

    @AfterAll
    static void stop() {
        if (bolt != null) bolt.close();
        if (server != null) server.close();
    }

    @Test
    void aNodeThatReusesADeletedNodesIdDoesNotGetItsVector() {
        start();
        bolt.single(RING);
        assertThat(bolt.single(TRAIN.formatted(""), Map.of("model", "by-element-id"))).containsEntry("nodeCount", 20L);
        assertThat(bolt.single(TRAIN.formatted(", keyProperty: 'code'"), Map.of("model", "by-code")))
                .containsEntry("nodeCount", 20L);
        assertThat(bolt.rows("CALL ernie.transe.model.list() YIELD modelName, entityKey RETURN modelName, entityKey "
                + "ORDER BY modelName")).containsExactly(Map.of("modelName", "by-code", "entityKey", "property:code"),
                Map.of("modelName", "by-element-id", "entityKey", "elementId"));
        Map<String, Object> victim = bolt.single("MATCH (n:Item {code: 'item-5'}) RETURN id(n) AS id, "
                + "elementId(n) AS elementId");
        long victimId = (Long) victim.get("id");
        bolt.single("MATCH (n:Item {code: 'item-5'}) DETACH DELETE n RETURN count(*)");

        Map<String, Object> newcomer = createUntilIdIsReused(victimId);
        assertThat(newcomer.get("id")).as("Neo4j hands the deleted node's id to a new node").isEqualTo(victimId);
        assertThat(newcomer.get("elementId")).as("the elementId embeds the internal id, so it is reused too")
                .isEqualTo(victim.get("elementId"));

        // keyed on `code`: the newcomer is no entity of the model, and no prediction names it
        assertThat(bolt.rows(PREDICT, Map.of("id", victimId, "model", "by-code"))).isEmpty();
        long item4 = bolt.count("MATCH (n:Item {code: 'item-4'}) RETURN id(n)");
        List<Long> tails = bolt.rows(PREDICT, Map.of("id", item4, "model", "by-code")).stream()
                .map(r -> (Long) r.get("tailNodeId")).toList();
        assertThat(tails).as("every entity but item-4 itself and the deleted item-5").hasSize(18)
                .doesNotContain(victimId);
        assertThat(bolt.single("MATCH (h:Item {code: 'item-3'}), (t:Item {code: 'item-4'}) "
                + "CALL ernie.transe.evaluate({modelName: 'by-code', triples: [{head: h, relationshipType: 'NEXT', "
                + "tail: t}]}) YIELD testTriples RETURN testTriples")).containsEntry("testTriples", 1L);

        // keyed on elementIds (the default): Neo4j's own caveat, the newcomer inherits the deleted node's vector
        assertThat(bolt.rows(PREDICT, Map.of("id", victimId, "model", "by-element-id"))).isNotEmpty();

        // the key is a choice made when training: it must name one node each
        bolt.single("CREATE (:Item {code: 'extra'})-[:NEXT]->(:Item) RETURN 1");
        assertThatThrownBy(() -> bolt.single(TRAIN.formatted(", keyProperty: 'code'"), Map.of("model", "clash")))
                .hasMessageContaining("`keyProperty` `code` is missing (or an array) on node");
        bolt.single("MATCH (n:Item) WHERE n.code IS NULL SET n.code = 'item-3' RETURN count(n)");
        assertThatThrownBy(() -> bolt.single(TRAIN.formatted(", keyProperty: 'code'"), Map.of("model", "clash")))
                .hasMessageContaining("`keyProperty` `code` is not unique")
                .hasMessageContaining("both hold `item-3`");
    }

    /** Creates nodes, one per transaction, until one gets {@code id}; restarts the server once if none does. */
    private static Map<String, Object> createUntilIdIsReused(long id) {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < TRIES; i++) {
                Map<String, Object> created = bolt.single("CREATE (n:Item {code: 'newcomer-' + $i}) "
                        + "RETURN id(n) AS id, elementId(n) AS elementId", Map.of("i", round * TRIES + i));
                if (created.get("id").equals(id)) {
                    return created;
                }
            }
            restart();
        }
        return Map.of("id", -1L, "elementId", "");
    }

    private static void start() {
        server = EmbeddedNeo4j.builder(workingDir).dataDir(dataDir)
                .procedures(ErnieClasses.PROCEDURES).functions(ErnieClasses.FUNCTIONS).start();
        bolt = new Bolt(server.boltUri());
    }

    private static void restart() {
        bolt.close();
        server.close();
        start();
    }
}
