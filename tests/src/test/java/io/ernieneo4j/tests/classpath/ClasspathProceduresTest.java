package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.support.ProcedureSurface;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.exceptions.ClientException;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The procedures registered from the class path (the harness's own way), driven through Bolt. */
class ClasspathProceduresTest extends ClasspathHarness {

    private static final String MAMMAL = "01861778-n";

    @Test
    void versionStartsPyTorchOnCpuBesideGds() {
        Map<String, Object> row = bolt.single("CALL ernie.version()");
        assertThat(row).containsEntry("engine", "PyTorch")
                .containsEntry("engineVersion", "2.7.1")
                .containsEntry("djlVersion", "0.36.0")
                .containsEntry("device", "cpu")
                .containsEntry("gdsAvailable", true)
                .containsEntry("gdsVersion", "2.26.0")
                .containsEntry("neo4jVersion", "2026.08.1");
        assertThat((String) row.get("pluginVersion")).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void mammalSubgraphLoadsWithWordNetsCountsAndOnlyOnce() {
        Map<String, Object> first = bolt.single("CALL ernie.dataset.wordnet.load({root: $root})", Map.of("root", MAMMAL));
        assertThat(first).containsEntry("root", MAMMAL)
                .containsEntry("nodeCount", 1_182L)
                .containsEntry("relationshipCount", 2_368L)
                .containsEntry("nodesCreated", 1_182L)
                .containsEntry("relationshipsCreated", 2_368L);
        assertThat(bolt.count("MATCH (s:Synset) RETURN count(s)")).isEqualTo(1_182);
        assertThat(bolt.count("MATCH (:Synset)-[r]->(:Synset) RETURN count(r)")).isEqualTo(2_368);

        Map<String, Object> again = bolt.single("CALL ernie.dataset.wordnet.load({root: $root, batchSize: 100})",
                Map.of("root", MAMMAL));
        assertThat(again).containsEntry("nodesCreated", 0L).containsEntry("relationshipsCreated", 0L);
        assertThat(bolt.count("MATCH (s:Synset) RETURN count(s)")).isEqualTo(1_182);
        assertThat(bolt.count("MATCH (:Synset)-[r]->(:Synset) RETURN count(r)")).isEqualTo(2_368);

        Map<String, Object> dog = bolt.single("MATCH (d:Synset {id: '02084071-n'})-[:HYPERNYM]->(c:Synset) "
                + "RETURN d.lemmas AS lemmas, d.lexname AS lexname, d.examples AS examples, c.id AS hypernym");
        assertThat(dog).containsEntry("lemmas", List.of("dog", "domestic_dog", "Canis_familiaris"))
                .containsEntry("lexname", "noun.animal")
                .containsEntry("examples", List.of("the dog barked all night"))
                .containsEntry("hypernym", "02083346-n");
        assertThat(bolt.count("MATCH (m:Synset {id: $root})<-[:HYPERNYM]-(c) RETURN count(c)".replace("$root", "'" + MAMMAL + "'")))
                .isPositive();
    }

    @Test
    void badInputIsAClearErrorAndWritesNothing() {
        long before = bolt.count("MATCH (n) RETURN count(n)");
        assertThatThrownBy(() -> bolt.single("CALL ernie.dataset.wordnet.load({root: 'mammal'})"))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("`mammal` is not a WordNet synset id");
        assertThatThrownBy(() -> bolt.single("CALL ernie.dataset.wordnet.load({root: '99999999-n'})"))
                .hasMessageContaining("There is no synset `99999999-n` in WordNet 3.0");
        assertThatThrownBy(() -> bolt.single("CALL ernie.dataset.wordnet.load({roots: '01861778-n'})"))
                .hasMessageContaining("Unexpected configuration key: `roots` (Did you mean [root]?)");
        assertThatThrownBy(() -> bolt.single("CALL ernie.dataset.wordnet.load({batchSize: 0})"))
                .hasMessageContaining("Value for `batchSize` was `0`, but must be within the range [1, 1000000]");
        assertThatThrownBy(() -> bolt.single("CALL ernie.dataset.wordnet.load({batchSize: 'many'})"))
                .hasMessageContaining("The value of `batchSize` must be of type `Integer` but was `many`");
        assertThat(bolt.count("MATCH (n) RETURN count(n)")).isEqualTo(before);
    }

    @Test
    void everyProcedureIsPinnedAndDescribed() {
        ProcedureSurface.assertPinned(bolt);
    }
}
