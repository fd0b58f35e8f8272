package io.ernieneo4j.trainer.wordnet;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordNetTest {

    private static final String DOG = "02084071-n";
    private static final String MAMMAL = "01861778-n";

    private final WordNet wordNet = WordNet.load();

    @Test
    void readsWordNet30Counts() {
        Map<String, Long> byPos = wordNet.synsets().values().stream()
                .collect(Collectors.groupingBy(Synset::pos, Collectors.counting()));
        assertThat(wordNet.synsets()).hasSize(117_659);
        // adjectives include the satellites
        assertThat(byPos).containsEntry("n", 82_115L).containsEntry("v", 13_767L)
                .containsEntry("a", 18_156L).containsEntry("r", 3_621L);
        assertThat(wordNet.pointerCounts()).hasSize(26)
                .containsEntry(WordNetRelation.HYPERNYM, 89_089)
                .containsEntry(WordNetRelation.HYPONYM, 89_089)
                .containsEntry(WordNetRelation.INSTANCE_HYPERNYM, 8_577)
                .containsEntry(WordNetRelation.MEMBER_MERONYM, 12_293)
                .containsEntry(WordNetRelation.PART_MERONYM, 9_097);
    }

    @Test
    void parsesASynsetLine() {
        Synset dog = wordNet.synset(DOG);
        assertThat(dog.pos()).isEqualTo("n");
        assertThat(dog.lexname()).isEqualTo("noun.animal");
        assertThat(dog.lemmas()).containsExactly("dog", "domestic_dog", "Canis_familiaris");
        assertThat(dog.definition()).startsWith("a member of the genus Canis").doesNotContain("\"").doesNotEndWith(";");
        assertThat(dog.examples()).containsExactly("the dog barked all night");
        assertThat(dog.frequency()).isPositive();
        assertThat(wordNet.pointers()).contains(new Pointer(DOG, WordNetRelation.HYPERNYM, "02083346-n"));
    }

    @Test
    void foldsSatellitesAndStripsSyntacticMarkers() {
        assertThat(wordNet.synsets().values()).noneMatch(s -> s.pos().equals("s"));
        assertThat(wordNet.synsets().values()).allMatch(s -> s.lemmas().stream().noneMatch(l -> l.endsWith(")")));
        assertThat(wordNet.pointers()).allMatch(p -> wordNet.synset(p.target()) != null);
    }

    @Test
    void closureUnderHyponymyMatchesPublishedSizes() {
        WordNet mammal = wordNet.closure(MAMMAL);
        assertThat(mammal.synsets()).hasSize(1_182).containsKey(DOG);
        assertThat(mammal.pointers()).hasSize(2_368);
        WordNet dog = wordNet.closure(DOG);
        assertThat(dog.synsets()).hasSize(190);
        assertThat(dog.pointers()).hasSize(378);
    }

    @Test
    void badRootIsAClearError() {
        assertThatThrownBy(() -> wordNet.closure("dog"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("`dog` is not a WordNet synset id");
        assertThatThrownBy(() -> wordNet.closure("99999999-n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("There is no synset `99999999-n`");
    }
}
