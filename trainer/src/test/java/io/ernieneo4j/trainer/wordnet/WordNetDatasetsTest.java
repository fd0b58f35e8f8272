package io.ernieneo4j.trainer.wordnet;

import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets.LinkPredictionVariant;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The datasets against the sizes ../shared/DATA.md measured on WordNet 3.0. */
class WordNetDatasetsTest {

    private static final WordNetDatasets DATASETS = new WordNetDatasets(WordNet.load(), Morphology.load());

    @Test
    void wn18LikeSplitHasWn18sScaleAndNoUnseenEntities() {
        Split<Triple> split = DATASETS.linkPrediction(LinkPredictionVariant.WN18, 42);
        assertThat(split.size()).isEqualTo(149_241); // DATA.md: ≈149 K triples
        assertThat(split.dev()).hasSizeBetween(4_900, 5_000);
        assertThat(split.test()).hasSizeBetween(4_900, 5_000);
        assertThat(relations(split.train())).hasSize(18);
        assertSeenInTrain(split);
    }

    @Test
    void wn18rrLikeSplitDropsTheInverseRelations() {
        Split<Triple> split = DATASETS.linkPrediction(LinkPredictionVariant.WN18RR, 42);
        assertThat(split.size()).isEqualTo(97_778); // DATA.md: ≈97.8 K
        assertThat(relations(split.train())).hasSize(11).doesNotContain("HYPONYM", "PART_HOLONYM", "MEMBER_HOLONYM");
        assertThat(split.test()).hasSizeBetween(2_900, 3_134);
        assertSeenInTrain(split);
    }

    @Test
    void splitsAreReproducibleFromTheSeed() {
        assertThat(DATASETS.linkPrediction(LinkPredictionVariant.WN18RR, 7).test())
                .isEqualTo(DATASETS.linkPrediction(LinkPredictionVariant.WN18RR, 7).test())
                .isNotEqualTo(DATASETS.linkPrediction(LinkPredictionVariant.WN18RR, 8).test());
        assertThat(DATASETS.nounTyping(7).dev()).isEqualTo(DATASETS.nounTyping(7).dev());
    }

    @Test
    void nounTypingHas26SupersensesSplitBySynset() {
        Split<TypingExample> split = DATASETS.nounTyping(42);
        assertThat(split.size()).isEqualTo(11_371); // DATA.md: ≈11.4 K sentences
        Set<String> labels = split.train().stream().flatMap(t -> t.labels().stream()).collect(Collectors.toSet());
        assertThat(labels).hasSize(26).allMatch(l -> l.startsWith("noun."));
        Set<String> trainSynsets = entities(split.train(), t -> t.mention().entity());
        assertThat(entities(split.dev(), t -> t.mention().entity())).doesNotContainAnyElementsOf(trainSynsets);
        assertThat(entities(split.test(), t -> t.mention().entity())).doesNotContainAnyElementsOf(trainSynsets);
        assertThat(Stream.of(split.train(), split.dev(), split.test()).flatMap(List::stream))
                .allSatisfy(t -> assertThat(t.entities()).contains(t.mention()));
        TypingExample dog = split.train().stream().filter(t -> t.id().equals("02084071-n#0")).findFirst()
                .orElseGet(() -> Stream.concat(split.dev().stream(), split.test().stream())
                        .filter(t -> t.id().equals("02084071-n#0")).findFirst().orElseThrow());
        assertThat(dog.text().substring(dog.mention().start(), dog.mention().end())).isEqualTo("dog");
        assertThat(dog.labels()).containsExactly("noun.animal");
    }

    @Test
    void definitionRelationsAreBalancedAndMentionBothEnds() {
        List<RelationExample> all = DATASETS.allDefinitionRelations();
        assertThat(all).hasSizeBetween(90_000, 105_000); // DATA.md: ≈96 K items
        Split<RelationExample> split = DATASETS.definitionRelations(42, 200, 2_000);
        Map<String, Long> perLabel = Stream.of(split.train(), split.dev(), split.test()).flatMap(List::stream)
                .collect(Collectors.groupingBy(RelationExample::label, Collectors.counting()));
        assertThat(perLabel.values()).allMatch(n -> n >= 200 && n <= 2_000);
        assertThat(perLabel).containsEntry("HYPERNYM", 2_000L).doesNotContainKey("PARTICIPLE");
        Set<String> trainHeads = entities(split.train(), r -> r.head().entity());
        assertThat(entities(split.test(), r -> r.head().entity())).doesNotContainAnyElementsOf(trainHeads);
        RelationExample example = split.train().get(0);
        String headText = example.text().substring(example.head().start(), example.head().end());
        assertThat(WordNet.load().synset(example.head().entity()).lemmas())
                .anyMatch(l -> l.replace('_', ' ').equals(headText));
    }

    private static Set<String> relations(List<Triple> triples) {
        return triples.stream().map(Triple::relation).collect(Collectors.toSet());
    }

    private static <T> Set<String> entities(List<T> items, Function<T, String> entity) {
        return items.stream().map(entity).collect(Collectors.toSet());
    }

    private static void assertSeenInTrain(Split<Triple> split) {
        Set<String> seen = new HashSet<>();
        split.train().forEach(t -> { seen.add(t.head()); seen.add(t.tail()); });
        assertThat(Stream.concat(split.dev().stream(), split.test().stream()))
                .allMatch(t -> seen.contains(t.head()) && seen.contains(t.tail()));
        Set<Triple> train = new HashSet<>(split.train());
        assertThat(split.test()).noneMatch(train::contains);
    }
}
