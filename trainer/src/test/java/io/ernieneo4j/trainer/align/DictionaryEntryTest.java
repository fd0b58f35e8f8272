package io.ernieneo4j.trainer.align;

import io.ernieneo4j.trainer.wordnet.Morphology;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Entries as a reader hands them over (one list of names per name property) build the dictionary the rule says:
 * the first property's first name is primary, every other name a synonym; and they survive Java serialization,
 * which is how the Spark job ships them to its executors.
 */
class DictionaryEntryTest {

    /** "Jaguar" is the animal's primary name and an alias of the car maker, whose raw prior is higher. */
    private static List<DictionaryEntry> jaguars() {
        return List.of(
                new DictionaryEntry(10, 1, List.of(List.of("Jaguar"), List.of("Panthera onca")), new float[] {1, 0}),
                new DictionaryEntry(20, 3, List.of(List.of("Jaguar Cars"), List.of("Jaguar", "Jaguar Land Rover")),
                        null),
                new DictionaryEntry(30, 0, List.of(List.of(), List.of()), null));
    }

    private static AlignmentDictionary build(List<DictionaryEntry> entries, double primaryNameWeight) {
        AlignmentDictionary.Builder builder = AlignmentDictionary.builder(Morphology.load())
                .primaryNameWeight(primaryNameWeight);
        long named = entries.stream().filter(e -> e.addTo(builder)).count();
        assertThat(named).isEqualTo(2); // the third has no name
        return builder.build();
    }

    @Test
    void theFirstPropertysFirstNameIsPrimaryAndWeighsMore() {
        // k (p + 1) / sum: the animal 10 * (1 + 1) = 20, the car maker (a synonym) 1 * (3 + 1) = 4
        LinkedMention jaguar = new Aligner(build(jaguars(), 10), AlignParameters.DEFAULTS).align("a Jaguar").get(0);
        assertThat(jaguar.best().entityId()).isEqualTo(10);
        assertThat(jaguar.best().prior()).isCloseTo(20.0 / 24, within(1e-6));
        // without the weight the higher raw prior wins: 4 / 6
        LinkedMention unweighted = new Aligner(build(jaguars(), 1), AlignParameters.DEFAULTS).align("a Jaguar")
                .get(0);
        assertThat(unweighted.best().entityId()).isEqualTo(20);
        assertThat(unweighted.best().prior()).isCloseTo(4.0 / 6, within(1e-6));
        // a synonym of the second property is a name too
        assertThat(new Aligner(build(jaguars(), 10), AlignParameters.DEFAULTS).align("Panthera onca"))
                .singleElement().satisfies(m -> assertThat(m.best().entityId()).isEqualTo(10));
    }

    @Test
    void survivesJavaSerializationAsTheSparkJobShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.util.ArrayList<>(jaguars()));
        }
        @SuppressWarnings("unchecked") List<DictionaryEntry> copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (List<DictionaryEntry>) in.readObject();
        }
        assertThat(copy.get(0).embedding()).containsExactly(1, 0);
        LinkedMention original = new Aligner(build(jaguars(), 10), AlignParameters.DEFAULTS).align("a Jaguar").get(0);
        LinkedMention shipped = new Aligner(build(copy, 10), AlignParameters.DEFAULTS).align("a Jaguar").get(0);
        assertThat(shipped).isEqualTo(original);
    }

    @Test
    void anEmbeddingOfAnotherLengthIsRefused() {
        AlignmentDictionary.Builder builder = AlignmentDictionary.builder(Morphology.load());
        new DictionaryEntry(1, 0, List.of(List.of("Sun")), new float[] {1, 0}).addTo(builder);
        assertThatThrownBy(() -> new DictionaryEntry(2, 0, List.of(List.of("Moon")), new float[] {1, 0, 0})
                .addTo(builder)).isInstanceOf(IllegalArgumentException.class);
    }
}
