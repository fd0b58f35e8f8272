package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictor.Candidate;
import io.ernieneo4j.trainer.transe.LinkPredictor.Side;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LinkPredictorTest {

    /** 1-d embeddings on a line: entity e sits at e, the relation adds 1, so (e, 0, e + 1) is at distance 0. */
    private static TransEModel line(int entities) {
        float[] vectors = new float[entities];
        for (int e = 0; e < entities; e++) vectors[e] = e;
        return new TransEModel(1, Norm.L1, vectors, new float[] {1f});
    }

    private static List<Integer> entities(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::entity).toList();
    }

    @Test
    void proposesTheClosestTailsAndHeadsWithTiesToTheLowerId() {
        LinkPredictor predictor = new LinkPredictor(line(10), Termination.ALWAYS);
        List<Candidate> tails = predictor.topK(2, 0, Side.TAILS, 3, e -> false);
        // q = 2 + 1 = 3: entity 3 at 0, then 2 and 4 at 1 (a tie: the lower id first)
        assertThat(entities(tails)).containsExactly(3, 2, 4);
        assertThat(tails).extracting(Candidate::rank).containsExactly(1, 2, 3);
        assertThat(tails).extracting(Candidate::distance).containsExactly(0.0, 1.0, 1.0);
        assertThat(tails.get(0).score()).isEqualTo(1.0);
        assertThat(tails.get(1).score()).isEqualTo(0.5);
        // q = t - r = 5 - 1 = 4
        assertThat(entities(predictor.topK(5, 0, Side.HEADS, 3, e -> false))).containsExactly(4, 3, 5);
    }

    @Test
    void leavesOutExcludedEntitiesAndReturnsFewerWhenFewerRemain() {
        LinkPredictor predictor = new LinkPredictor(line(5), Termination.ALWAYS);
        assertThat(entities(predictor.topK(2, 0, Side.TAILS, 3, e -> e == 3 || e == 2))).containsExactly(4, 1, 0);
        assertThat(entities(predictor.topK(2, 0, Side.TAILS, 10, e -> e == 0))).containsExactly(3, 2, 4, 1);
    }

    /** Against every entity scored one by one with the model's own distance and fully sorted. */
    @ParameterizedTest
    @EnumSource(Norm.class)
    void givesTheOrderOfTheModelsDistance(Norm norm) {
        int entities = 1300;
        int dim = 13;
        Random random = new Random(11);
        float[] vectors = new float[entities * dim];
        for (int i = 0; i < vectors.length; i++) vectors[i] = (float) random.nextGaussian();
        float[] relations = new float[2 * dim];
        for (int i = 0; i < relations.length; i++) relations[i] = (float) random.nextGaussian();
        TransEModel model = new TransEModel(dim, norm, vectors, relations);
        List<Candidate> tails = new LinkPredictor(model, Termination.ALWAYS).topK(7, 1, Side.TAILS, 20, e -> e == 7);
        List<Integer> expected = IntStream.range(0, entities).filter(e -> e != 7).boxed()
                .sorted(Comparator.comparingDouble((Integer e) -> model.distance(7, 1, e)).thenComparing(e -> e))
                .limit(20).toList();
        assertThat(entities(tails)).containsExactlyElementsOf(expected);
        for (Candidate c : tails) {
            assertThat(c.distance()).isCloseTo(model.distance(7, 1, c.entity()), within(1e-12));
        }
        List<Candidate> heads = new LinkPredictor(model, Termination.ALWAYS).topK(7, 1, Side.HEADS, 5, e -> false);
        List<Integer> expectedHeads = IntStream.range(0, entities).boxed()
                .sorted(Comparator.comparingDouble((Integer e) -> model.distance(e, 1, 7)).thenComparing(e -> e))
                .limit(5).toList();
        assertThat(entities(heads)).containsExactlyElementsOf(expectedHeads);
    }

    @Test
    void stopsWhenTerminated() {
        LinkPredictor predictor = new LinkPredictor(line(10), () -> false);
        assertThatThrownBy(() -> predictor.topK(2, 0, Side.TAILS, 3, e -> false))
                .isInstanceOf(Termination.TerminatedException.class);
    }

    @Test
    void refusesIdsOutsideTheModel() {
        LinkPredictor predictor = new LinkPredictor(line(10), Termination.ALWAYS);
        assertThatThrownBy(() -> predictor.topK(10, 0, Side.TAILS, 3, e -> false))
                .hasMessageContaining("No entity 10: the model has 10.");
        assertThatThrownBy(() -> predictor.topK(0, 1, Side.TAILS, 3, e -> false))
                .hasMessageContaining("No relation 1: the model has 1.");
    }
}
