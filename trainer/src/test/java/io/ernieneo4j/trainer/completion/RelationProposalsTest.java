package io.ernieneo4j.trainer.completion;

import io.ernieneo4j.trainer.completion.RelationConventions.Fact;
import io.ernieneo4j.trainer.completion.RelationProposals.Existing;
import io.ernieneo4j.trainer.completion.RelationProposals.Outcome;
import io.ernieneo4j.trainer.completion.RelationProposals.Prediction;
import io.ernieneo4j.trainer.data.Mention;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the plugin's ernie.relation.write and the Spark job share: conventions, proposals, and what a write does. */
class RelationProposalsTest {

    /**
     * HYPERNYM (3 edges) and HYPONYM (2) come back as each other; SIMILAR always comes back as itself; PART_OF comes
     * back once in 3.
     */
    private static RelationConventions conventions() {
        return RelationConventions.of(Map.of("HYPERNYM", 3L, "HYPONYM", 2L, "SIMILAR", 4L, "PART_OF", 3L),
                Map.of("HYPERNYM", Map.of("HYPONYM", 3L), "HYPONYM", Map.of("HYPERNYM", 2L),
                        "SIMILAR", Map.of("SIMILAR", 4L), "PART_OF", Map.of("PART_OF", 1L)));
    }

    @Test
    void inverseTypesFoldIntoTheOneWithMoreEdgesAndSymmetricOnesFromTheLowerNode() {
        RelationConventions conventions = conventions();
        assertThat(conventions.canonical(1, "HYPONYM", 2)).isEqualTo(new Fact(2, "HYPERNYM", 1));
        assertThat(conventions.canonical(1, "HYPERNYM", 2)).isEqualTo(new Fact(1, "HYPERNYM", 2));
        assertThat(conventions.canonical(5, "SIMILAR", 2)).isEqualTo(new Fact(2, "SIMILAR", 5));
        assertThat(conventions.canonical(5, "PART_OF", 2)).isEqualTo(new Fact(5, "PART_OF", 2));
        assertThat(conventions.statements(new Fact(2, "HYPERNYM", 1)))
                .containsExactly(new Fact(2, "HYPERNYM", 1), new Fact(1, "HYPONYM", 2));
        assertThat(conventions.describe()).isEqualTo("inverse pairs [HYPERNYM/HYPONYM], symmetric [SIMILAR]");
    }

    @Test
    void aFactIsProposedOnceWithItsBestPredictionHeadFirst() {
        List<Prediction> predictions = List.of(
                new Prediction(10, 1, "HYPONYM", 2, 0.6, 0, 3, 10, 14),
                new Prediction(11, 2, "HYPERNYM", 1, 0.8, 5, 9, 20, 23),
                new Prediction(12, 1, "HYPONYM", 2, 0.9, 7, 10, 0, 4));
        RelationProposals.Proposals proposals = RelationProposals.of(predictions, conventions());
        assertThat(proposals.merged()).isEqualTo(1);
        assertThat(proposals.proposals()).singleElement().satisfies(p -> {
            assertThat(p.fact()).isEqualTo(new Fact(2, "HYPERNYM", 1));
            assertThat(p.score()).isEqualTo(0.9);
            // the head of the fact (node 2) was the prediction's tail: its offsets come first
            assertThat(p.sentence()).isEqualTo(new RelationProposals.Sentence(12, 0, 4, 7, 10, 0.9));
        });
    }

    @Test
    void aWriteLeavesKnownAndReviewedFactsAloneAndUpdatesItsOwn() {
        Fact fact = new Fact(2, "HYPERNYM", 1);
        Fact inverse = new Fact(1, "HYPONYM", 2);
        assertThat(RelationProposals.decide(fact, List.<Existing<String>>of()).outcome()).isEqualTo(Outcome.CREATE);
        assertThat(RelationProposals.decide(fact, List.of(new Existing<>(inverse, false, null, "a"))).outcome())
                .isEqualTo(Outcome.ALREADY_KNOWN);
        assertThat(RelationProposals.decide(fact, List.of(new Existing<>(fact, true, "accepted", "a"))).outcome())
                .isEqualTo(Outcome.ALREADY_KNOWN);
        assertThat(RelationProposals.decide(fact, List.of(new Existing<>(fact, true, null, "a"),
                new Existing<>(inverse, true, "rejected", "b"))).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(RelationProposals.decide(fact, List.of(new Existing<>(fact, true, "candidate", "a"))))
                .isEqualTo(new RelationProposals.Decision<>(Outcome.UPDATE, "a"));
        // a predicted relationship of the inverse form is not this write's: a new one in the canonical form
        assertThat(RelationProposals.decide(fact, List.of(new Existing<>(inverse, true, null, "b"))).outcome())
                .isEqualTo(Outcome.CREATE);
    }

    @Test
    void everyOrderedPairOfDifferentEntitiesIsAnExampleAndNoRelationIsNeverKept() {
        List<Mention> mentions = List.of(new Mention(0, 3, "a"), new Mention(5, 8, "b"), new Mention(10, 13, "a"));
        assertThat(RelationPairs.examples(7, "abc d efg hij", mentions)).extracting(e -> e.id())
                .containsExactly("7:0>5", "7:5>0", "7:5>10", "7:10>5");
        List<String> labels = List.of("HYPERNYM", "SIMILAR", "no_relation");
        assertThat(RelationPairs.predicted(new float[] {0.2f, 0.5f, 0.3f}, labels, 0.5)).isEqualTo(1);
        assertThat(RelationPairs.predicted(new float[] {0.2f, 0.5f, 0.3f}, labels, 0.6)).isEqualTo(-1);
        assertThat(RelationPairs.predicted(new float[] {0.2f, 0.1f, 0.7f}, labels, 0.0)).isEqualTo(-1);
    }
}
