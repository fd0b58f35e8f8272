package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.server.DemoServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's last query, which tells a reader whether each predicted relation is right by WordNet, run on WordNet's
 * mammals with predictions planted by hand: a direct edge and a same-direction chain of a transitive type are right;
 * siblings (wolf and jackal, both under canine) and the inverse direction are not.
 */
class DemoCheckQueryTest extends ClasspathHarness {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("cypher")
            .resolve("demo.cypher");

    @Test
    void countsOnlyTheSameTypeInTheSameDirectionAsRight() throws Exception {
        bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");
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
}
