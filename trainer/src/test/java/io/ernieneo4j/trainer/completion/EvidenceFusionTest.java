package io.ernieneo4j.trainer.completion;

import io.ernieneo4j.trainer.completion.EvidenceFusion.Candidate;
import io.ernieneo4j.trainer.completion.EvidenceFusion.Source;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EvidenceFusionTest {

    /**
     * Candidates whose truth follows a known logistic model of two independent signals (text log-odds and TransE
     * score) plus a type density that rules out a quarter of them outright: what a fitted fusion should recover.
     */
    private record Sample(List<Candidate> candidates, boolean[] truth) {}

    private static Sample sample(int n, long seed) {
        Random random = new Random(seed);
        List<Candidate> candidates = new ArrayList<>();
        boolean[] truth = new boolean[n];
        for (int i = 0; i < n; i++) {
            double textLogit = random.nextGaussian();
            double graph = random.nextGaussian() - 3; // -distance
            boolean typesFit = random.nextDouble() < 0.75;
            double z = -1.5 + 1.2 * textLogit + 0.8 * (graph + 3) + (typesFit ? 0 : -8);
            truth[i] = random.nextDouble() < 1 / (1 + Math.exp(-z));
            String relation = i % 2 == 0 ? "A" : "B";
            candidates.add(new Candidate(relation, 1 / (1 + Math.exp(-textLogit)), graph, typesFit ? 0.2 : 1e-5));
        }
        return new Sample(candidates, truth);
    }

    private static double[] scores(EvidenceFusion fusion, List<Candidate> candidates) {
        return candidates.stream().mapToDouble(fusion::probability).toArray();
    }

    @Test
    void fusingTheSourcesRanksBetterThanAnyOneAndIsCalibratedOnFreshData() {
        Sample dev = sample(4000, 1);
        Sample test = sample(4000, 2);
        Map<String, Double> ap = new HashMap<>();
        for (List<Source> sources : List.of(List.of(Source.TEXT), List.of(Source.GRAPH), List.of(Source.TYPES),
                List.of(Source.TEXT, Source.GRAPH, Source.TYPES))) {
            EvidenceFusion fusion = EvidenceFusion.fit(sources, "max", dev.candidates(), dev.truth());
            RankingMetrics m = RankingMetrics.of(scores(fusion, test.candidates()), test.truth(), 0.5, List.of(100));
            ap.put(sources.toString(), m.averagePrecision());
            assertThat(m.calibrationError()).as("ECE of %s", sources).isLessThan(0.05);
        }
        double fused = ap.get("[TEXT, GRAPH, TYPES]");
        assertThat(fused).isGreaterThan(ap.get("[TEXT]") + 0.05).isGreaterThan(ap.get("[GRAPH]") + 0.05)
                .isGreaterThan(ap.get("[TYPES]") + 0.05);
    }

    @Test
    void recoversTheWeightsOfTheModelTheDataCameFrom() {
        Sample dev = sample(20000, 3);
        EvidenceFusion fusion = EvidenceFusion.fit(List.of(Source.TEXT, Source.GRAPH), "max", dev.candidates(),
                dev.truth());
        // weights are per standard deviation: text's log-odds and the graph score are both unit Gaussians
        assertThat(fusion.weights().get(Source.TEXT) / fusion.scales().get(Source.TEXT)).isCloseTo(1.2, within(0.25));
        assertThat(fusion.weights().get(Source.GRAPH) / fusion.scales().get(Source.GRAPH)).isCloseTo(0.8, within(0.25));
    }

    @Test
    void theMapRoundTripsAndAMissingFeatureMovesNothing() {
        Sample dev = sample(2000, 4);
        EvidenceFusion fusion = EvidenceFusion.fit(List.of(Source.TYPES, Source.GRAPH, Source.TEXT), "noisyOr",
                dev.candidates(), dev.truth());
        EvidenceFusion back = EvidenceFusion.fromMap(fusion.toMap());
        assertThat(back).isEqualTo(fusion);
        assertThat(fusion.toMap()).containsEntry("evidence", List.of("text", "graph", "types"))
                .containsEntry("textAggregation", "noisyOr");
        Candidate c = dev.candidates().get(0);
        double atMean = fusion.means().get(Source.GRAPH);
        assertThat(fusion.probability(new Candidate(c.relation(), c.text(), Double.NaN, c.types())))
                .isCloseTo(fusion.probability(new Candidate(c.relation(), c.text(), atMean, c.types())), within(1e-12));
    }

    @Test
    void aFactReadAboutAWronglyLinkedMentionCountsForLessByItsLinkScores() {
        // the text reads a relation between the words; the fact is about the linked entities, right only when both
        // links are, which the linker's calibrated scores give the odds of
        List<Sample> samples = new ArrayList<>();
        for (long seed : new long[] {6, 7}) {
            Random random = new Random(seed);
            List<Candidate> candidates = new ArrayList<>();
            boolean[] truth = new boolean[4000];
            for (int i = 0; i < truth.length; i++) {
                double textLogit = random.nextGaussian();
                double links = 0.05 + 0.95 * random.nextDouble();
                boolean related = random.nextDouble() < 1 / (1 + Math.exp(-(-1 + 1.5 * textLogit)));
                truth[i] = related && random.nextDouble() < links;
                candidates.add(new Candidate("A", 1 / (1 + Math.exp(-textLogit)), Double.NaN, 1.0, links));
            }
            samples.add(new Sample(candidates, truth));
        }
        Sample dev = samples.get(0);
        Sample test = samples.get(1);
        EvidenceFusion text = EvidenceFusion.fit(List.of(Source.TEXT), "max", dev.candidates(), dev.truth());
        EvidenceFusion withLinks = EvidenceFusion.fit(List.of(Source.TEXT, Source.LINKS), "max", dev.candidates(),
                dev.truth());
        RankingMetrics alone = RankingMetrics.of(scores(text, test.candidates()), test.truth(), 0.5, List.of(100));
        RankingMetrics fused = RankingMetrics.of(scores(withLinks, test.candidates()), test.truth(), 0.5, List.of(100));
        assertThat(withLinks.weights().get(Source.LINKS)).isPositive();
        assertThat(fused.averagePrecision()).isGreaterThan(alone.averagePrecision() + 0.05);
        assertThat(fused.calibrationError()).isLessThan(0.05);
        assertThat(withLinks.toMap()).containsEntry("evidence", List.of("text", "links"));
    }

    @Test
    void badInputNamesTheKey() {
        Sample dev = sample(200, 5);
        Map<String, Object> map = new HashMap<>(EvidenceFusion.fit(List.of(Source.TEXT), "max", dev.candidates(),
                dev.truth()).toMap());
        map.put("weights", Map.of());
        assertThatThrownBy(() -> EvidenceFusion.fromMap(map)).hasMessageContaining("`fusion`.`weights` must be")
                .hasMessageContaining("`text` is missing");
        map.put("evidence", List.of("text", "vibes"));
        assertThatThrownBy(() -> EvidenceFusion.fromMap(map))
                .hasMessageContaining("Value for `evidence` was `vibes`, but must be one of [text, graph, types, links]");
        assertThatThrownBy(() -> EvidenceFusion.fit(List.of(Source.TEXT), "max", dev.candidates(),
                new boolean[dev.truth().length])).hasMessageContaining("needs true and false candidate facts; got 0 true");
    }
}
