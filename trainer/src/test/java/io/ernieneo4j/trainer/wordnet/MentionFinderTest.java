package io.ernieneo4j.trainer.wordnet;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MentionFinderTest {

    private final MentionFinder finder = new MentionFinder(Morphology.load());

    @Test
    void findsExactMultiWordLemmasOnWordBoundaries() {
        String text = "Canis familiaris is the dog; hotdogs are not.";
        assertThat(finder.words(text).find("Canis_familiaris", false)).contains(new MentionFinder.Span(0, 16));
        assertThat(finder.words(text).find("dog", false)).contains(new MentionFinder.Span(24, 27));
        assertThat(finder.words("hotdogs only").find("dog", true)).isEmpty();
    }

    @Test
    void findsInflectedFormsOnlyWhenAsked() {
        String text = "The geese flew while the dogs barked.";
        assertThat(finder.words(text).find("dog", false)).isEmpty();
        MentionFinder.Span dogs = finder.words(text).find("dog", true).orElseThrow();
        assertThat(text.substring(dogs.start(), dogs.end())).isEqualTo("dogs");
        Optional<MentionFinder.Span> geese = finder.words(text).find("goose", true);
        assertThat(geese.map(s -> text.substring(s.start(), s.end()))).contains("geese");
        assertThat(finder.words(text).find("bark", true).map(s -> text.substring(s.start(), s.end()))).contains("barked");
    }

    @Test
    void offsetsAreCharacterOffsetsIntoTheOriginalText() {
        String text = "Café owners — Über dogs.";
        MentionFinder.Span span = finder.words(text).find("dog", true).orElseThrow();
        assertThat(text.substring(span.start(), span.end())).isEqualTo("dogs");
    }
}
