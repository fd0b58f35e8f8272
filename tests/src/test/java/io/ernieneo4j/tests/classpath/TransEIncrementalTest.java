package io.ernieneo4j.tests.classpath;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ernie.transe.train({incremental: true})} through Bolt on a small KG that is not WordNet (people, cities,
 * countries, keyed by a `code` property): the update fits the new nodes, refines the ones whose relationships
 * changed, leaves every other vector (on the nodes too) exactly as it was, and says what it touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransEIncrementalTest extends ClasspathHarness {

    private static final String TRAIN = "CALL ernie.transe.train({modelName: 'towns', keyProperty: 'code', "
            + "writeProperty: 'vec', dimensions: 20, epochs: 300, learningRate: 0.01, margin: 1.0, concurrency: 1, "
            + "randomSeed: 7})";
    private static final String UPDATE = "CALL ernie.transe.train({modelName: 'towns', incremental: true})";

    @BeforeAll
    static void loadTowns() {
        bolt.rows("UNWIND range(0, 3) AS c CREATE (:City {code: 'c' + c})");
        bolt.rows("UNWIND range(0, 1) AS k CREATE (:Country {code: 'k' + k})");
        bolt.rows("MATCH (c:City), (k:Country) WHERE toInteger(substring(c.code, 1)) % 2 = "
                + "toInteger(substring(k.code, 1)) CREATE (c)-[:IN]->(k)");
        addPeople(0, 35);
    }

    private static void addPeople(int from, int to) {
        bolt.single("UNWIND range($from, $to) AS p MATCH (c:City {code: 'c' + (p % 4)}) "
                + "CREATE (:Person {code: 'p' + p})-[:LIVES_IN]->(c) RETURN count(*)", Map.of("from", from, "to", to));
    }

    private static Map<String, List<?>> vectors() {
        Map<String, List<?>> vectors = new HashMap<>();
        for (Map<String, Object> row : bolt.rows("MATCH (n) WHERE n.vec IS NOT NULL RETURN n.code AS code, n.vec AS vec")) {
            vectors.put((String) row.get("code"), (List<?>) row.get("vec"));
        }
        return vectors;
    }

    @Test
    @Order(1)
    void anUpdateNeedsAStoredModelOfTheSameShape() {
        assertThatThrownBy(() -> bolt.single(UPDATE))
                .hasMessageContaining("`incremental`: there is no TransE model `towns` to update; train it once "
                        + "without `incremental`");
        bolt.single(TRAIN);
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({modelName: 'towns', incremental: true, "
                + "dimensions: 32})"))
                .hasMessageContaining("`dimensions` cannot change in an incremental update: model `towns` was trained "
                        + "with 20, given 32");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({modelName: 'towns', incremental: true, "
                + "relationshipTypes: ['LIVES_IN']})"))
                .hasMessageContaining("`relationshipTypes` cannot change");
    }

    @Test
    @Order(2)
    void nothingChangedTrainsAndWritesNothing() {
        Map<String, List<?>> before = vectors();
        Map<String, Object> row = bolt.single(UPDATE);
        assertThat(row).containsEntry("epochs", 0L).containsEntry("nodePropertiesWritten", 0L);
        assertThat(row.get("update")).isEqualTo(Map.of("entitiesAdded", 0L, "entitiesRefined", 0L,
                "entitiesRemoved", 0L, "relationshipTypesAdded", 0L, "relationshipsAdded", 0L,
                "relationshipsRemoved", 0L, "relationshipsSampledPerEpoch", 0L, "entitiesTouchedFraction", 0.0));
        assertThat(vectors()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void fitsNewNodesRefinesChangedOnesAndLeavesTheRest() {
        Map<String, List<?>> before = vectors();
        addPeople(36, 39);
        bolt.rows("MATCH (:Person {code: 'p0'})-[r:LIVES_IN]->() DELETE r");
        bolt.rows("MATCH (p:Person {code: 'p0'}), (c:City {code: 'c1'}) CREATE (p)-[:LIVES_IN]->(c)");

        Map<String, Object> row = bolt.single(UPDATE);

        assertThat(row.get("update")).isEqualTo(Map.of("entitiesAdded", 4L, "entitiesRefined", 5L,
                "entitiesRemoved", 0L, "relationshipTypesAdded", 0L, "relationshipsAdded", 5L,
                "relationshipsRemoved", 1L, "relationshipsSampledPerEpoch", 5L,
                "entitiesTouchedFraction", 9.0 / 46));
        // the stored run's settings, with the update's key on top
        assertThat(row).containsEntry("epochs", 300L).containsEntry("nodeCount", 46L)
                .containsEntry("nodePropertiesWritten", 9L);
        @SuppressWarnings("unchecked") Map<String, Object> configuration = (Map<String, Object>) row.get("configuration");
        assertThat(configuration).containsEntry("dimensions", 20L)
                .containsEntry("keyProperty", "code").containsEntry("incremental", true);
        Map<String, List<?>> after = vectors();
        assertThat(after).hasSize(46);
        for (String code : before.keySet()) {
            boolean moved = code.startsWith("c") || code.equals("p0");
            if (moved) {
                assertThat(after.get(code)).as(code).isNotEqualTo(before.get(code));
            } else {
                assertThat(after.get(code)).as(code).isEqualTo(before.get(code));
            }
        }
        assertThat(bolt.single("CALL ernie.transe.model.list() YIELD modelName, entityCount "
                + "RETURN entityCount")).containsEntry("entityCount", 46L);
        // a new person's city, and p0's new one, come first among the cities (L1, the model's norm)
        for (String person : List.of("p36", "p37", "p38", "p39", "p0")) {
            String city = person.equals("p0") ? "c1" : "c" + Integer.parseInt(person.substring(1)) % 4;
            Map<String, Object> top = bolt.single("MATCH (p:Person {code: $person}), (c:City) "
                    + "WITH p, c, ernie.transe.relationEmbedding('towns', 'LIVES_IN') AS r "
                    + "RETURN c.code AS city, reduce(d = 0.0, i IN range(0, size(r) - 1) | "
                    + "d + abs(p.vec[i] + r[i] - c.vec[i])) AS distance ORDER BY distance LIMIT 1",
                    Map.of("person", person));
            assertThat(top).as(person).containsEntry("city", city);
        }
    }
}
