package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.server.DemoServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Demo statements run on WordNet's mammals. The last query, which tells a reader whether each predicted relation is
 * right by WordNet, with predictions planted by hand: a direct edge and a same-direction chain of a transitive type
 * are right; siblings (wolf and jackal, both under canine) and the inverse direction are not. And the evaluation of
 * the linker against the gold links of step 14.
 */
class DemoCheckQueryTest extends ClasspathHarness {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("cypher")
            .resolve("demo.cypher");

    @BeforeAll
    static void mammals() {
        bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");
    }

    @Test
    void countsOnlyTheSameTypeInTheSameDirectionAsRight() throws Exception {
        bolt.single("""
                MATCH (dog:Synset {id: '02084071-n'})-[:HYPERNYM]->(canine:Synset)-[:HYPERNYM]->(carnivore:Synset),
                      (wolf:Synset)-[:HYPERNYM]->(canine)<-[:HYPERNYM]-(jackal:Synset)
                WHERE wolf.lemmas[0] = 'wolf' AND jackal.lemmas[0] = 'jackal'
                CREATE (dog)-[:HYPERNYM {predicted: true, model: 'wordnet-relation', score: 0.9}]->(canine),
                       (dog)-[:HYPERNYM {predicted: true, model: 'wordnet-relation', score: 0.8}]->(carnivore),
                       (wolf)-[:HYPERNYM {predicted: true, model: 'wordnet-relation', score: 0.7}]->(jackal),
                       (canine)-[:HYPERNYM {predicted: true, model: 'wordnet-relation', score: 0.6}]->(dog)
                RETURN 1""");
        List<String> statements = DemoServer.Pipeline.read(SCRIPT).afterTraining();
        String check = statements.getLast();
        assertThat(check).contains("rightByWordNet");
        List<Map<String, Object>> rows = bolt.rows(check);
        assertThat(rows).extracting(r -> r.get("head") + " " + r.get("predicted") + " " + r.get("tail") + ": "
                + r.get("rightByWordNet") + " " + r.get("stepsOfThatType")).containsExactly(
                "dog HYPERNYM canine: true 1",
                "dog HYPERNYM carnivore: true 2",
                "wolf HYPERNYM jackal: false null",
                "canine HYPERNYM dog: false null");
    }

    /**
     * Steps 12 to 14 of the demo on the mammals (their example sentences as texts, linked, WordNet's own sense made
     * the gold link), then the demo's evaluation of the linker against those gold links: it finds every gold span
     * (the same linker found them) and its accuracy is what step 14 counted, the links it had to correct.
     */
    @Test
    void theDemosLinkingEvaluationAgreesWithTheGoldLinksItCorrected() throws Exception {
        bolt.single("CALL ernie.transe.train({modelName: 'mammals', writeProperty: 'transe', dimensions: 8, epochs: 5, "
                + "concurrency: 1, randomSeed: 1})");
        List<String> before = DemoServer.Pipeline.read(SCRIPT).beforeTraining();
        int first = indexOf(before, "CREATE CONSTRAINT ernie_text_id");
        int gold = indexOf(before, "CREATE (t)-[gold:MENTIONS]->(own)");
        for (String statement : before.subList(first, gold)) {
            bolt.rows(statement);
        }
        Map<String, Object> corrected = bolt.single(before.get(gold));
        Map<String, Object> evaluated = bolt.single(before.get(indexOf(before, "ernie.align.evaluate")));
        long goldMentions = (Long) evaluated.get("goldMentions");
        long relinked = (Long) corrected.get("relinked");
        assertThat(goldMentions).isGreaterThan(10).isGreaterThanOrEqualTo((Long) corrected.get("goldLinks"));
        assertThat(relinked).isPositive();
        assertThat((Double) evaluated.get("mentionRecall")).isEqualTo(1.0);
        assertThat((Double) evaluated.get("linkingAccuracy"))
                .isCloseTo(Math.round(1000.0 * (goldMentions - relinked) / goldMentions) / 1000.0, within(1e-9));
        assertThat((List<?>) evaluated.get("mostFrequentErrors")).isNotEmpty().hasSizeLessThanOrEqualTo(5);

        // the definitions' headwords: each definition's first mention is then its own synset, a gold link
        Map<String, Object> headwords = bolt.single(before.get(indexOf(before, "AS headwordGoldLinks")));
        long definitions = bolt.count("MATCH (t:Text {kind: 'definition'}) RETURN count(t)");
        assertThat((Long) headwords.get("headwordGoldLinks")).isGreaterThan(definitions / 2);
        assertThat(bolt.count("MATCH (t:Text {kind: 'definition'})-[m:MENTIONS {start: 0}]->(s:Synset) "
                + "MATCH (own:Synset {id: split(t.id, '#')[0]}) "
                + "WHERE any(lemma IN s.lemmas WHERE lemma IN own.lemmas) AND NOT (s = own AND m.score = 1.0) "
                + "RETURN count(m)")).as("headwords not linked to their own synset").isZero();
        assertThat(bolt.single(before.get(indexOf(before, "AS headwordGoldLinks"))))
                .as("idempotent").containsEntry("headwordGoldLinks", 0L);
    }

    private static int indexOf(List<String> statements, String text) {
        for (int i = 0; i < statements.size(); i++) {
            if (statements.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("No statement of the demo script contains " + text);
    }
}
