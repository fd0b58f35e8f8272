package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransETest {

    /**
     * A toy KG with structure TransE can learn: 40 people, each "livesIn" one of 4 cities, each city "inCountry"
     * one of 2 countries; people in the same city are "neighbourOf" the next person of that city.
     */
    static TripleStore toyGraph() {
        List<int[]> triples = new ArrayList<>();
        int people = 40;
        int cities = 4;
        int firstCity = people;
        int firstCountry = people + cities;
        for (int p = 0; p < people; p++) {
            triples.add(new int[] {p, 0, firstCity + p % cities});
        }
        for (int c = 0; c < cities; c++) {
            triples.add(new int[] {firstCity + c, 1, firstCountry + c % 2});
        }
        return store(people + cities + 2, 2, triples);
    }

    static TripleStore store(int entities, int relations, List<int[]> triples) {
        int[] h = new int[triples.size()];
        int[] r = new int[triples.size()];
        int[] t = new int[triples.size()];
        for (int i = 0; i < triples.size(); i++) {
            h[i] = triples.get(i)[0];
            r[i] = triples.get(i)[1];
            t[i] = triples.get(i)[2];
        }
        return new TripleStore(entities, relations, h, r, t);
    }

    static TransEParameters parameters(int concurrency, Norm norm) {
        return new TransEParameters(20, 200, 0.01, 1.0, norm, NegativeSampling.BERN, 1, 1000, concurrency, 7, Initialisation.UNIFORM_UNIT, false);
    }

    @Test
    void learnsTheToyGraphWellAboveRandom() {
        TripleStore graph = toyGraph();
        TransE.Result result = new TransE(graph, parameters(1, Norm.L1), Progress.NONE, Termination.ALWAYS).train();
        assertThat(result.epochs()).hasSize(200);
        assertThat(result.finalLoss()).isLessThan(result.epochs().get(0).loss() / 5);
        var report = new LinkPredictionEvaluator(result.model(), graph, 1, Termination.ALWAYS).evaluate(graph, false);
        // 46 entities: a random ranking has MRR ≈ 0.09 and Hits@10 ≈ 0.22
        assertThat(report.filtered().mrr()).isGreaterThan(0.5);
        assertThat(report.filteredTail().hitsAt1()).isGreaterThan(0.9); // a person's city is learnable
        assertThat(report.filtered().queries()).isEqualTo(2L * graph.size());
    }

    @Test
    void oneThreadWithASeedRepeatsExactly() {
        TripleStore graph = toyGraph();
        TransE.Result first = new TransE(graph, parameters(1, Norm.L2), Progress.NONE, Termination.ALWAYS).train();
        TransE.Result second = new TransE(graph, parameters(1, Norm.L2), Progress.NONE, Termination.ALWAYS).train();
        assertThat(second.model().entityVectors()).containsExactly(first.model().entityVectors());
        assertThat(second.model().relationVectors()).containsExactly(first.model().relationVectors());
        assertThat(second.finalLoss()).isEqualTo(first.finalLoss());
    }

    @Test
    void twoThreadsTrainToo() {
        TripleStore graph = toyGraph();
        TransE.Result result = new TransE(graph, parameters(2, Norm.L1), Progress.NONE, Termination.ALWAYS).train();
        var report = new LinkPredictionEvaluator(result.model(), graph, 2, Termination.ALWAYS).evaluate(graph, true);
        assertThat(report.filtered().mrr()).isGreaterThan(0.5);
        assertThat(report.filteredByRelation()).containsOnlyKeys(0, 1);
    }

    @Test
    void stopsWhenTerminatedAndReportsEpochs() {
        AtomicInteger checks = new AtomicInteger();
        List<String> lines = new ArrayList<>();
        Termination stopAfterTwoEpochs = () -> checks.incrementAndGet() <= 2;
        assertThatThrownBy(() -> new TransE(toyGraph(), parameters(1, Norm.L1), lines::add, stopAfterTwoEpochs).train())
                .isInstanceOf(Termination.TerminatedException.class);
        assertThat(lines).hasSize(2).first().asString().startsWith("TransE epoch 1/200 loss ");
    }

    @Test
    void entitiesStayInTheUnitBall() {
        TransE.Result result = new TransE(toyGraph(), parameters(1, Norm.L1), Progress.NONE, Termination.ALWAYS).train();
        TransEModel model = result.model();
        for (int e = 0; e < model.entityCount(); e++) {
            double norm = 0;
            for (float x : model.entity(e)) norm += x * x;
            assertThat(Math.sqrt(norm)).isLessThanOrEqualTo(1.0001);
        }
    }

    private static double maxNorm(float[] vectors, int dimensions) {
        double max = 0;
        for (int i = 0; i < vectors.length / dimensions; i++) {
            double norm = 0;
            for (int k = 0; k < dimensions; k++) norm += vectors[i * dimensions + k] * vectors[i * dimensions + k];
            max = Math.max(max, Math.sqrt(norm));
        }
        return max;
    }

    private static double meanNorm(float[] vectors, int dimensions) {
        double sum = 0;
        int count = vectors.length / dimensions;
        for (int i = 0; i < count; i++) {
            double norm = 0;
            for (int k = 0; k < dimensions; k++) norm += vectors[i * dimensions + k] * vectors[i * dimensions + k];
            sum += Math.sqrt(norm);
        }
        return sum / count;
    }

    @Test
    void normalizeRelationsKeepsRelationsInTheUnitBall() {
        // a large step from unit-norm relations pushes them past norm 1 unless they are rescaled
        TransEParameters grows = new TransEParameters(20, 50, 0.05, 4.0, Norm.L1, NegativeSampling.BERN, 1, 1000, 1, 7, Initialisation.UNIFORM_UNIT, false)
                .withInitialisation(Initialisation.UNIFORM_UNIT);
        TransE.Result free = new TransE(toyGraph(), grows.withNormalizeRelations(false), Progress.NONE,
                Termination.ALWAYS).train();
        TransE.Result rescaled = new TransE(toyGraph(), grows.withNormalizeRelations(true), Progress.NONE,
                Termination.ALWAYS).train();
        assertThat(maxNorm(free.model().relationVectors(), 20)).isGreaterThan(1.01);
        assertThat(maxNorm(rescaled.model().relationVectors(), 20)).isLessThanOrEqualTo(1.0001);
        assertThat(maxNorm(rescaled.model().entityVectors(), 20)).isLessThanOrEqualTo(1.0001);
    }

    @Test
    void initialisationSetsTheStartingScale() {
        // a negligible step leaves the vectors as initialised
        TransEParameters still = new TransEParameters(20, 1, 1e-9, 1.0, Norm.L1, NegativeSampling.BERN, 1, 1000, 1, 7, Initialisation.UNIFORM_UNIT, false);
        TransEModel unit = new TransE(toyGraph(), still.withInitialisation(Initialisation.UNIFORM_UNIT),
                Progress.NONE, Termination.ALWAYS).train().model();
        TransEModel small = new TransE(toyGraph(), still.withInitialisation(Initialisation.SMALL_NORMAL),
                Progress.NONE, Termination.ALWAYS).train().model();
        assertThat(meanNorm(unit.entityVectors(), 20)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(meanNorm(unit.relationVectors(), 20)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        // components with standard deviation 1/dim: norm ≈ √dim / dim = 0.22 for dim 20
        assertThat(meanNorm(small.entityVectors(), 20)).isBetween(0.18, 0.26);
        assertThat(meanNorm(small.relationVectors(), 20)).isBetween(0.1, 0.35);
    }

    @Test
    void smallNormalInitialisationLearnsTheToyGraph() {
        TransEParameters parameters = parameters(1, Norm.L1).withInitialisation(Initialisation.SMALL_NORMAL);
        TransE.Result result = new TransE(toyGraph(), parameters, Progress.NONE, Termination.ALWAYS).train();
        var report = new LinkPredictionEvaluator(result.model(), toyGraph(), 1, Termination.ALWAYS)
                .evaluate(toyGraph(), false);
        assertThat(report.filtered().mrr()).isGreaterThan(0.5);
        assertThat(report.filteredTail().hitsAt1()).isGreaterThan(0.9);
    }
}
