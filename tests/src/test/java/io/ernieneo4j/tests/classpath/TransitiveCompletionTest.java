package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Facts of a transitive relationship type, stated by a chain of edges: 12 towns, each PART_OF one of 4 regions, each
 * PART_OF one of 2 countries, and one document per town naming the town, its country and the other country. No edge
 * joins a town to a country, so without `transitiveTypes` every town-country fact is a false candidate; with it, a
 * fact whose chain runs through training edges only is known, and one through a dev or test edge is a positive of
 * that split. By construction 4 of the 12 are known, 4 dev and 4 test positives. The linker was less sure of the
 * other country (0.5 or 0.8), which each written edge carries as its `linkScore`. The relation model is a small
 * random-weight ERNIE model: what is tested is which facts count, not what the model learnt.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransitiveCompletionTest extends ClasspathHarness {

    private static final int TOWNS = 12;
    private static Path models;

    @BeforeAll
    static void graphAndModel() throws Exception {
        models = Files.createTempDirectory("ernie-models");
        System.setProperty("ernie.dir.models", models.toString());
        List<Map<String, Object>> towns = new ArrayList<>();
        for (int j = 0; j < TOWNS; j++) {
            int region = j % 4;
            int country = region % 2;
            String text = "Town" + (char) ('A' + j) + " lies in Country" + country + ", near Country" + (1 - country)
                    + ".";
            // the town's own edge: Town A test, Town B dev; the regions' edges: Region2 dev, Region3 test
            // the linker was less sure of the other country: 0.5 in even towns' documents, 0.8 in odd ones'
            towns.add(Map.of("name", "Town" + (char) ('A' + j), "region", region, "country", country, "text", text,
                    "split", j == 0 ? "test" : j == 1 ? "dev" : "train", "otherScore", j % 2 == 0 ? 0.5 : 0.8));
        }
        bolt.single("""
                UNWIND range(0, 1) AS c CREATE (:Country {name: 'Country' + c})
                WITH count(*) AS countries
                UNWIND range(0, 3) AS r
                MATCH (country:Country {name: 'Country' + (r % 2)})
                CREATE (:Region {name: 'Region' + r})-[:PART_OF {split: CASE r WHEN 2 THEN 'dev' WHEN 3 THEN 'test'
                                                               ELSE 'train' END}]->(country)
                RETURN count(*)""");
        bolt.single("""
                UNWIND $towns AS t
                MATCH (region:Region {name: 'Region' + t.region}), (country:Country {name: 'Country' + t.country}),
                      (other:Country {name: 'Country' + (1 - t.country)})
                CREATE (town:Town {name: t.name})-[:PART_OF {split: t.split}]->(region),
                       (d:Note {text: t.text}),
                       (d)-[:MENTIONS {start: 0, end: size(t.name), score: 1.0}]->(town),
                       (d)-[:MENTIONS {start: size(t.name) + 9, end: size(t.name) + 17, score: 1.0}]->(country),
                       (d)-[:MENTIONS {start: size(t.name) + 24, end: size(t.name) + 32, score: t.otherScore}]->(other)
                RETURN count(*)""", Map.of("towns", towns));
        Path tokenizer = TinyErnie.miniLmTokenizer(models.resolve("tokenizer.json"));
        TinyErnie.save(ErnieTask.RELATION, List.of("PART_OF", "no_relation"), 5, tokenizer,
                ErnieManifest.EntityEmbeddings.NONE, Map.of("dataset", "places", "splitProperty", "split",
                        "trainSplit", "train"), models.resolve("places-relation"));
        bolt.single("CALL ernie.model.load('places', {path: 'places-relation'})");
    }

    @AfterAll
    static void clearSettings() throws Exception {
        bolt.single("CALL ernie.model.drop('places')");
        System.clearProperty("ernie.dir.models");
        try (var paths = Files.walk(models)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static final String EVALUATE = "CALL ernie.relation.evaluate({modelName: 'places', documentLabel: "
            + "'Note', evidence: ['text', 'types'], seed: 7%s})";

    @Test
    @Order(1)
    void aChainOfATransitiveTypeStatesAFactInTheSplitOfItsEdges() {
        // per document: town, country, other country: 6 ordered pairs; the two country pairs recur
        long candidates = TOWNS * 4 + 2;
        // without it no edge states a town-country fact: nothing is true, and there is nothing to fit
        assertThatThrownBy(() -> bolt.single(String.format(EVALUATE, "")))
                .hasMessageContaining("Fitting the evidence fusion needs true and false candidate facts; got 0 true");

        Map<String, Object> chained = bolt.single(String.format(EVALUATE, ", transitiveTypes: ['PART_OF']"));
        // towns E, F, I, J: town and region edges both train; B, C, G, K: one dev edge; A, D, H, L: a test edge
        assertThat(chained).containsEntry("candidates", candidates).containsEntry("knownFacts", 4L)
                .containsEntry("devPositives", 4L).containsEntry("testPositives", 4L)
                // the direct test edges (Town A's, Region3's) are not mentioned: no document names a region
                .containsEntry("testFacts", 2L).containsEntry("testFactsMentioned", 0L);
        assertThat((long) chained.get("devCandidates") + (long) chained.get("testCandidates") + 4L)
                .isEqualTo(candidates);
        @SuppressWarnings("unchecked")
        Map<String, Object> fusion = (Map<String, Object>) chained.get("fusion");
        assertThat(fusion).containsEntry("transitiveTypes", List.of("PART_OF"));

        assertThatThrownBy(() -> bolt.single(String.format(EVALUATE, ", transitiveTypes: ['LOCATED_IN']"))).
                hasMessageContaining("`transitiveTypes` names `LOCATED_IN`, which the relation model does not "
                        + "predict; it predicts [PART_OF]");
    }

    @Test
    @Order(2)
    void aWriteLeavesAloneWhatAChainOfCuratedEdgesStates() {
        // threshold 0: every fact is proposed; the 12 town-country facts are stated by chains, whatever their split
        Map<String, Object> written = bolt.single(String.format(EVALUATE, ", transitiveTypes: ['PART_OF']")
                + " YIELD fusion CALL ernie.relation.write({modelName: 'places', documentLabel: 'Note', "
                + "fusion: fusion, "
                + "threshold: 0.0, status: 'candidate'}) YIELD relationshipsCreated, alreadyKnown "
                + "RETURN relationshipsCreated, alreadyKnown");
        assertThat(written).containsEntry("alreadyKnown", (long) TOWNS)
                .containsEntry("relationshipsCreated", TOWNS * 3L + 2);
        assertThat(bolt.single("MATCH (t:Town)-[r:PART_OF {predicted: true}]->(c:Country) "
                + "WHERE (t)-[:PART_OF]->(:Region)-[:PART_OF]->(c) RETURN count(r) AS n")).containsEntry("n", 0L);
        // each edge carries the linker's scores of its mentions: the best pair over the documents
        assertThat(bolt.single("MATCH (:Town {name: 'TownA'})-[r:PART_OF]->(:Country {name: 'Country1'}) "
                + "RETURN r.linkScore AS links")).containsEntry("links", 0.5);
        assertThat(bolt.single("MATCH (:Country {name: 'Country0'})-[r:PART_OF]->(:Country {name: 'Country1'}) "
                + "RETURN r.linkScore AS links")).containsEntry("links", 0.8);
        // Town A is in Country0. Its predicted edge to Country1, deleted, comes back on the next write; once a curator
        // accepts "Country0 PART_OF Country1", a chain of curated edges states it and the write leaves it alone
        String rewrite = String.format(EVALUATE, ", transitiveTypes: ['PART_OF']") + " YIELD fusion "
                + "CALL ernie.relation.write({modelName: 'places', documentLabel: 'Note', fusion: fusion, "
                + "threshold: 0.0}) YIELD relationshipsCreated, alreadyKnown RETURN relationshipsCreated, alreadyKnown";
        String deleteTownA = "MATCH (:Town {name: 'TownA'})-[r:PART_OF {predicted: true}]->(:Country {name: "
                + "'Country1'}) DELETE r RETURN count(*) AS n";
        assertThat(bolt.single(deleteTownA)).containsEntry("n", 1L);
        assertThat(bolt.single(rewrite)).containsEntry("relationshipsCreated", 1L)
                .containsEntry("alreadyKnown", (long) TOWNS);
        assertThat(bolt.single(deleteTownA)).containsEntry("n", 1L);
        bolt.single("MATCH (:Country {name: 'Country0'})-[r:PART_OF {predicted: true}]->(:Country {name: 'Country1'}) "
                + "SET r.status = 'accepted' RETURN count(r)");
        // the 12 as before, the accepted edge itself and Town A's fact
        assertThat(bolt.single(rewrite)).containsEntry("relationshipsCreated", 0L)
                .containsEntry("alreadyKnown", TOWNS + 2L);
    }
}
