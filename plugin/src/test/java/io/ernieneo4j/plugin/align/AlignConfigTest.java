package io.ernieneo4j.plugin.align;

import io.ernieneo4j.trainer.align.AlignParameters.Inflection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlignConfigTest {

    @Test
    void defaultsToNamesInNameTheDegreeAsPriorAndAMillionCharacters() {
        AlignConfig config = AlignConfig.from(Map.of("entityLabels", "Synset"), AlignConfig.Mode.STREAM);
        assertThat(config.dictionary()).isEqualTo(new DictionaryConfig(List.of("Synset"), List.of("name"),
                Optional.empty(), Optional.empty(), true, 10.0));
        assertThat(config.parameters().minLength()).isEqualTo(2);
        assertThat(config.parameters().stopWords()).isTrue();
        assertThat(config.parameters().contextWeight()).isEqualTo(0.5);
        assertThat(config.parameters().maxCandidates()).isEqualTo(5);
        assertThat(config.parameters().inflection()).isEqualTo(Inflection.PLURAL);
        assertThat(config.maxTextLength()).isEqualTo(1_000_000);
    }

    @Test
    void readsTheInflectionInAnyCase() {
        assertThat(AlignConfig.from(Map.of("entityLabels", "Synset", "inflection", "ALL"), AlignConfig.Mode.STREAM)
                .parameters().inflection()).isEqualTo(Inflection.ALL);
        assertThat(AlignConfig.from(Map.of("entityLabels", "Synset", "inflection", "none", "documentLabel", "Doc",
                "textProperty", "text"), AlignConfig.Mode.WRITE).parameters().inflection()).isEqualTo(Inflection.NONE);
    }

    @Test
    void readsAWriteConfiguration() {
        AlignConfig config = AlignConfig.from(Map.of("entityLabels", List.of("Synset", "Person"),
                "nameProperties", List.of("lemmas", "aliases"), "priorProperty", "frequency",
                "embeddingProperty", "transe", "documentLabel", "Doc", "textProperty", "text", "onlyNew", true,
                "batchSize", 50L, "minScore", 0.3, "acronymCase", false), AlignConfig.Mode.WRITE);
        assertThat(config.dictionary()).isEqualTo(new DictionaryConfig(List.of("Synset", "Person"),
                List.of("lemmas", "aliases"), Optional.of("frequency"), Optional.of("transe"), false, 10.0));
        assertThat(AlignConfig.from(Map.of("entityLabels", "A", "primaryNameWeight", 1L), AlignConfig.Mode.REFRESH)
                .dictionary().primaryNameWeight()).isEqualTo(1.0);
        assertThat(config.documentLabel()).contains("Doc");
        assertThat(config.textProperty()).contains("text");
        assertThat(config.onlyNew()).isTrue();
        assertThat(config.batchSize()).isEqualTo(50);
        assertThat(config.parameters().minScore()).isEqualTo(0.3);
        assertThat(config.toMap()).containsEntry("batchSize", 50L);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(AlignConfig.Mode.STREAM, Map.of(),
                        "No value specified for the mandatory configuration parameter `entityLabels`."),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", 3L),
                        "The value of `entityLabels` must be of type `String or List of String` but was `3`"),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "nameProperties", List.of("a", 1L)),
                        "The value of `nameProperties` must be of type `String or List of String`"),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "minLength", 0L),
                        "Value for `minLength` was `0`, but must be within the range [1, 1000]."),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "minScore", 1.5),
                        "Value for `minScore` was `1.5`, but must be within the range [0.0, 1.0]."),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "maxTextLength", 20_000_000L),
                        "Value for `maxTextLength` was `20000000`, but must be within the range [1, 10000000]."),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "stopWords", "yes"),
                        "The value of `stopWords` must be of type `Boolean`"),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "inflection", "verbs"),
                        "Value for `inflection` was `verbs`, but must be one of [none, plural, all]."),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "inflection", 1L),
                        "The value of `inflection` must be of type `String`"),
                Arguments.of(AlignConfig.Mode.REFRESH, Map.of("entityLabels", "A", "acronymCase", "no"),
                        "The value of `acronymCase` must be of type `Boolean`"),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "primaryNameWeight", 0.5),
                        "Value for `primaryNameWeight` was `0.5`, but must be within the range [1.0, 1000000.0]."),
                Arguments.of(AlignConfig.Mode.REFRESH, Map.of("entityLabels", "A", "primaryNameWeight", "high"),
                        "The value of `primaryNameWeight` must be of type `Float`"),
                Arguments.of(AlignConfig.Mode.REFRESH, Map.of("entityLabels", "A", "inflection", "all"),
                        "Unexpected configuration key: `inflection`."),
                Arguments.of(AlignConfig.Mode.STREAM, Map.of("entityLabels", "A", "documentLabel", "Doc"),
                        "Unexpected configuration key: `documentLabel`."),
                Arguments.of(AlignConfig.Mode.REFRESH, Map.of("entityLabels", "A", "minScore", 0.5),
                        "Unexpected configuration key: `minScore`."),
                Arguments.of(AlignConfig.Mode.WRITE, Map.of("entityLabels", "A", "textProperty", "text"),
                        "No value specified for the mandatory configuration parameter `documentLabel`."),
                Arguments.of(AlignConfig.Mode.WRITE, Map.of("entityLabels", "A", "documentLabel", "Doc"),
                        "No value specified for the mandatory configuration parameter `textProperty`."),
                Arguments.of(AlignConfig.Mode.WRITE, Map.of("entityLabels", "A", "documentLabel", "Doc",
                        "textProperty", "text", "onlynew", true),
                        "Unexpected configuration key: `onlynew` (Did you mean [onlyNew]?)"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void refusesBadConfigurations(AlignConfig.Mode mode, Map<String, Object> configuration, String message) {
        assertThatThrownBy(() -> AlignConfig.from(configuration, mode)).hasMessageContaining(message);
    }
}
