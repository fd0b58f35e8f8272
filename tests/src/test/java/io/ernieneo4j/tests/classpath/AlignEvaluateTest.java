package io.ernieneo4j.tests.classpath;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code ernie.align.evaluate} through Bolt on a small KG that is not WordNet (things named by `title`, ranked by
 * `rank`; two names are ambiguous) and articles with gold links, stored as relationships or listed by the caller:
 * every figure is counted by hand below.
 */
class AlignEvaluateTest extends ClasspathHarness {

    private static final String DICTIONARY = "documentLabel: 'Article', textProperty: 'body', entityLabels: 'Thing', "
            + "nameProperties: 'title', priorProperty: 'rank'";
    private static final String STORED = "CALL ernie.align.evaluate({" + DICTIONARY + ", goldRelationshipType: 'GOLD'%s})";

    private static long animal;
    private static long carMaker;
    private static long river;
    private static long company;

    @BeforeAll
    static void graph() {
        bolt.single("""
                CREATE (animal:Thing {title: 'jaguar', kind: 'animal', rank: 10}),
                       (car:Thing {title: 'jaguar', kind: 'car maker', rank: 30}),
                       (:Thing {title: 'Jaguar Cars', kind: 'car maker brand', rank: 1}),
                       (river:Thing {title: 'Amazon', kind: 'river', rank: 20}),
                       (company:Thing {title: 'Amazon', kind: 'company', rank: 50}),
                       (forest:Thing {title: 'rainforest', kind: 'biome', rank: 5}),
                       (d1:Article {body: 'The jaguar hunts in the rainforest near the Amazon.'}),
                       (d2:Article {body: 'Jaguar Cars builds a new Jaguar.'}),
                       (d3:Article {body: 'An Amazon order.'}),
                       (:Article {body: 'An article nobody annotated: jaguar.'}),
                       (d1)-[:GOLD {start: 4, end: 10}]->(animal),
                       (d1)-[:GOLD {start: 24, end: 34}]->(forest),
                       (d1)-[:GOLD {start: 44, end: 50}]->(river),
                       (d2)-[:GOLD {start: 25, end: 31}]->(car),
                       (d3)-[:GOLD {start: 3, end: 9}]->(company)
                WITH d2 MATCH (brand:Thing {title: 'Jaguar Cars'}) CREATE (d2)-[:GOLD {start: 0, end: 11}]->(brand)
                RETURN 1""");
        animal = id("jaguar", "animal");
        carMaker = id("jaguar", "car maker");
        river = id("Amazon", "river");
        company = id("Amazon", "company");
    }

    private static long id(String title, String kind) {
        return (Long) bolt.single("MATCH (t:Thing {title: $title, kind: $kind}) RETURN id(t) AS id",
                Map.of("title", title, "kind", kind)).get("id");
    }

    @Test
    void scoresTheLinkerAgainstStoredGold() {
        Map<String, Object> r = bolt.single(STORED.formatted(""));
        // the prior links "jaguar" to the car maker and "Amazon" to the company: 2 of the 6 gold links are wrong
        assertThat(r).containsEntry("documents", 3L).containsEntry("goldMentions", 6L)
                .containsEntry("predictedMentions", 6L).containsEntry("mentionsFound", 6L)
                .containsEntry("correctLinks", 4L);
        assertThat((Double) r.get("mentionRecall")).isEqualTo(1.0);
        assertThat((Double) r.get("linkingAccuracy")).isCloseTo(4.0 / 6, within(1e-12));
        assertThat((Double) r.get("precision")).isCloseTo(4.0 / 6, within(1e-12));
        assertThat((Double) r.get("recall")).isCloseTo(4.0 / 6, within(1e-12));
        assertThat((Double) r.get("f1")).isCloseTo(4.0 / 6, within(1e-12));
        assertThat((Double) r.get("documentMacroRecall")).isCloseTo((1.0 / 3 + 1 + 1) / 3, within(1e-12));
        assertThat((Double) r.get("documentAccuracy")).isCloseTo(2.0 / 3, within(1e-12));
        // the prior's scores are not probabilities: the four ambiguous links score 31/42 and 51/72 (bin 0.7-0.8)
        // and two of them are right; the two unambiguous ones score 1 and are right
        assertThat((Double) r.get("calibrationError")).isCloseTo((2 * 31.0 / 42 + 2 * 51.0 / 72 - 2) / 6, within(1e-6));
        assertThat(r.get("confusions")).isEqualTo(List.of(
                Map.of("mention", "Amazon", "goldNodeId", river, "predictedNodeId", company, "count", 1L),
                Map.of("mention", "jaguar", "goldNodeId", animal, "predictedNodeId", carMaker, "count", 1L)));
        assertThat(bolt.count("MATCH ()-[r:MENTIONS]->() RETURN count(r)")).isZero();

        // a threshold only unambiguous names pass (the ambiguous ones score 31/42 and 51/72 by prior): precision
        // rises, recall falls
        Map<String, Object> strict = bolt.single(STORED.formatted(", minScore: 0.8, maxConfusions: 1"));
        assertThat(strict).containsEntry("predictedMentions", 2L).containsEntry("correctLinks", 2L)
                .containsEntry("mentionsFound", 2L);
        assertThat((Double) strict.get("precision")).isEqualTo(1.0);
        assertThat((Double) strict.get("recall")).isCloseTo(2.0 / 6, within(1e-12));
        assertThat((List<?>) strict.get("confusions")).isEmpty();
    }

    @Test
    void listedGoldScoresLikeStoredGold() {
        List<Map<String, Object>> gold = bolt.rows("MATCH (d:Article)-[g:GOLD]->(t) "
                + "RETURN {document: id(d), start: g.start, end: g.end, node: id(t)} AS link").stream()
                .map(row -> row.get("link")).map(link -> {
                    @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) link;
                    return m;
                }).toList();
        Map<String, Object> listed = bolt.single("CALL ernie.align.evaluate({" + DICTIONARY + ", gold: $gold}) "
                + "YIELD documents, goldMentions, correctLinks, linkingAccuracy, confusions "
                + "RETURN documents, goldMentions, correctLinks, linkingAccuracy, confusions", Map.of("gold", gold));
        Map<String, Object> stored = bolt.single(STORED.formatted("") + " YIELD documents, goldMentions, correctLinks, "
                + "linkingAccuracy, confusions RETURN documents, goldMentions, correctLinks, linkingAccuracy, confusions");
        assertThat(listed).isEqualTo(stored);
    }

    @Test
    void badGoldIsAClearError() {
        assertThatThrownBy(() -> bolt.single("CALL ernie.align.evaluate({" + DICTIONARY + "})"))
                .hasMessageContaining("Give the gold links either as `goldRelationshipType`")
                .hasMessageContaining("not neither.");
        assertThatThrownBy(() -> bolt.single("CALL ernie.align.evaluate({" + DICTIONARY
                + ", goldRelationshipType: 'GOLD', gold: []})")).hasMessageContaining("not both.");
        assertThatThrownBy(() -> bolt.single(STORED.replace("'GOLD'", "'GOLDEN'").formatted("")))
                .hasMessageContaining("`goldRelationshipType`: no relationship type `GOLDEN` exists in the database");
        assertThatThrownBy(() -> bolt.single("CALL ernie.align.evaluate({" + DICTIONARY + ", gold: []})"))
                .hasMessageContaining("`gold` is empty: there is nothing to score.");
        assertThatThrownBy(() -> bolt.single("CALL ernie.align.evaluate({" + DICTIONARY + ", gold: [{document: 0, "
                + "start: 0, end: 3, node: 0, entity: 1}]})"))
                .hasMessageContaining("`gold`[0] has an unexpected key `entity`; a gold link has [document, end, node, start].");
        assertThatThrownBy(() -> bolt.single("MATCH (t:Thing {kind: 'river'}) CALL ernie.align.evaluate({" + DICTIONARY
                + ", gold: [{document: t, start: 0, end: 3, node: t}]}) YIELD documents RETURN documents"))
                .hasMessageMatching("(?s).*`gold`\\[0\\]\\.document is node \\d+, which has no label `Article` "
                        + "\\(`documentLabel`\\)\\..*");
        assertThatThrownBy(() -> bolt.single("MATCH (d:Article {body: 'An Amazon order.'}) CALL ernie.align.evaluate({"
                + DICTIONARY + ", gold: [{document: d, start: 3.5, end: 9, node: d}]}) YIELD documents RETURN documents"))
                .hasMessageContaining("`gold`[0].start must be a character offset (a non-negative integer), but was `3.5`.");
        assertThatThrownBy(() -> bolt.single("MATCH (d:Article {body: 'An Amazon order.'}) CALL ernie.align.evaluate({"
                + DICTIONARY + ", gold: [{document: d, start: 9, end: 3, node: d}]}) YIELD documents RETURN documents"))
                .hasMessageContaining("A gold link's `start` (9) must be before its `end` (3).");
        assertThatThrownBy(() -> bolt.single("MATCH (d:Article {body: 'An Amazon order.'}) CALL ernie.align.evaluate({"
                + DICTIONARY + ", gold: [{document: d, start: 3, end: 90, node: d}]}) YIELD documents RETURN documents"))
                .hasMessageMatching("(?s).*A gold link of document \\d+ ends at 90, past the end of its text \\(16 "
                        + "characters\\)\\..*");
        assertThatThrownBy(() -> bolt.single("CALL ernie.align.evaluate({" + DICTIONARY.replace("'body'", "'text'")
                + ", goldRelationshipType: 'GOLD'})"))
                .hasMessageMatching("(?s).*`textProperty`: document \\d+ has gold links but no property `text`\\..*");
        assertThatThrownBy(() -> bolt.single(STORED.formatted(", maxCandidates: 3")))
                .hasMessageContaining("Unexpected configuration key: `maxCandidates`");
    }
}
