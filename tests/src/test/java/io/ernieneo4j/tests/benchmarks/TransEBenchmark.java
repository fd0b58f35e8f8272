package io.ernieneo4j.tests.benchmarks;

import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictionEvaluator;
import io.ernieneo4j.trainer.transe.TransE;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import io.ernieneo4j.trainer.transe.TransEParameters;
import io.ernieneo4j.trainer.transe.TripleIndex;
import io.ernieneo4j.trainer.transe.TripleStore;
import io.ernieneo4j.trainer.wordnet.Morphology;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets.LinkPredictionVariant;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TransE's quality and speed on the WordNet link-prediction splits, the trainer alone (no database):
 * <ul>
 *   <li>quality: filtered MRR and Hits@k on the WN18RR-like and WN18-like test splits, at the defaults and at
 *       Fast-TransX's settings, mean over seeds;</li>
 *   <li>speed: 1000 epochs over the WN18-like graph, dim 100, L1, one negative, 2 threads, several runs
 *       (Fast-TransX's setting), positive triples per second averaged and in the first epochs;</li>
 *   <li>evaluation time (filtered, both sides, all entities) and memory per entity and per triple.</li>
 * </ul>
 * {@code ./ernie.sh benchmark TransEBenchmark [runs] [speedEpochs] [qualityEpochs] [seeds]}
 */
public final class TransEBenchmark {

    public static void main(String[] args) throws Exception {
        // Maven hands the arguments over as one string
        String[] a = BenchmarkReport.arguments(args);
        int runs = a.length > 0 ? Integer.parseInt(a[0]) : 3;
        int speedEpochs = a.length > 1 ? Integer.parseInt(a[1]) : 1000;
        int qualityEpochs = a.length > 2 ? Integer.parseInt(a[2]) : 1000;
        int seeds = a.length > 3 ? Integer.parseInt(a[3]) : 3;
        BenchmarkReport report = new BenchmarkReport("transe",
                "./ernie.sh benchmark TransEBenchmark " + runs + " " + speedEpochs + " " + qualityEpochs + " " + seeds);
        WordNetDatasets datasets = new WordNetDatasets(WordNet.load(), Morphology.load());

        // the defaults and Fast-TransX's own settings (its lr, margin, uniform negatives and small start)
        Map<String, TransEParameters> settings = new LinkedHashMap<>();
        settings.put("defaults", new TransEParameters(100, qualityEpochs, TransEParameters.DEFAULT_LEARNING_RATE,
                TransEParameters.DEFAULT_MARGIN, Norm.L1, TransEParameters.DEFAULT_NEGATIVE_SAMPLING, 1, 10_000, 2,
                42, TransEParameters.DEFAULT_INITIALISATION, TransEParameters.DEFAULT_NORMALIZE_RELATIONS));
        settings.put("fastTransX", FAST_TRANSX.apply(qualityEpochs, 42L));
        for (var variant : List.of(LinkPredictionVariant.WN18RR, LinkPredictionVariant.WN18)) {
            Split<Triple> split = datasets.linkPrediction(variant, 42);
            for (var setting : settings.entrySet()) {
                quality(report, variant.name().toLowerCase(java.util.Locale.ROOT) + "." + setting.getKey(), split,
                        setting.getValue(), seeds);
            }
        }

        // speed: the WN18-like training graph, Fast-TransX's setting
        Split<Triple> wn18 = datasets.linkPrediction(LinkPredictionVariant.WN18, 42);
        TripleIndex index = new TripleIndex();
        TripleStore train = index.addAll(wn18.train());
        report.put("speedGraphTriples", train.size()).put("speedGraphEntities", index.entityCount());
        List<Double> perSecond = new ArrayList<>();
        List<Double> firstEpochs = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            var parameters = FAST_TRANSX.apply(speedEpochs, (long) run + 1);
            TransE.Result result = new TransE(train, parameters, Progress.NONE, Termination.ALWAYS).train();
            perSecond.add(result.triplesPerSecond());
            seconds.add(result.trainSeconds());
            double first5 = result.epochs().subList(0, 5).stream().mapToDouble(TransE.EpochStats::seconds).sum();
            firstEpochs.add(5.0 * train.size() / first5);
            System.out.printf("  run %d: %.1f s, %.2f M triples/s (first 5 epochs %.2f M/s)%n", run + 1,
                    result.trainSeconds(), result.triplesPerSecond() / 1e6, firstEpochs.get(run) / 1e6);
        }
        report.put("speedEpochs", speedEpochs)
                .put("speedRuns", runs)
                .put("trainSecondsMin", round(min(seconds)))
                .put("trainSecondsMedian", round(median(seconds)))
                .put("triplesPerSecondMax", Math.round(max(perSecond)))
                .put("triplesPerSecondMedian", Math.round(median(perSecond)))
                .put("firstEpochsTriplesPerSecondMedian", Math.round(median(firstEpochs)))
                .put("bytesPerEntity", TransE.estimateMemoryBytes(1, 0, 100))
                .put("bytesPerTriple", train.memoryBytes() / train.size());
        report.write();
    }

    /** Fast-TransX's TransE settings (its defaults: lr 0.001, margin 1, uniform negatives, its small start). */
    private static final java.util.function.BiFunction<Integer, Long, TransEParameters> FAST_TRANSX =
            (epochs, seed) -> new TransEParameters(100, epochs, 0.001, 1.0, Norm.L1, NegativeSampling.UNIFORM, 1,
                    10_000, 2, seed, Initialisation.SMALL_NORMAL, true);

    /** Filtered link prediction on the test split, mean over seeds 1..{@code seeds} (2 threads). */
    private static void quality(BenchmarkReport report, String name, Split<Triple> split, TransEParameters parameters,
                                int seeds) {
        TripleIndex index = new TripleIndex();
        TripleStore train = index.addAll(split.train());
        TripleStore dev = index.lookup(split.dev());
        TripleStore test = index.lookup(split.test());
        List<Double> mrr = new ArrayList<>();
        List<Double> hits1 = new ArrayList<>();
        List<Double> hits3 = new ArrayList<>();
        List<Double> hits10 = new ArrayList<>();
        List<Double> meanRank = new ArrayList<>();
        List<Double> trainSeconds = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            TransEParameters seeded = parameters.withRandomSeed(seed);
            TransE.Result result = new TransE(train, seeded, Progress.NONE, Termination.ALWAYS).train();
            var metrics = new LinkPredictionEvaluator(result.model(), train.union(dev, test), 2, Termination.ALWAYS)
                    .evaluate(test, false).filtered();
            System.out.printf("  %s seed %d: MRR %.3f H@10 %.3f (%.1f s)%n", name, seed, metrics.mrr(),
                    metrics.hitsAt10(), result.trainSeconds());
            mrr.add(metrics.mrr());
            hits1.add(metrics.hitsAt1());
            hits3.add(metrics.hitsAt3());
            hits10.add(metrics.hitsAt10());
            meanRank.add(metrics.meanRank());
            trainSeconds.add(result.trainSeconds());
        }
        report.put(name + ".trainTriples", train.size())
                .put(name + ".testTriples", test.size())
                .put(name + ".entities", index.entityCount())
                .put(name + ".parameters", Map.of("dimensions", parameters.dimensions(), "epochs", parameters.epochs(),
                        "learningRate", parameters.learningRate(), "margin", parameters.margin(),
                        "norm", parameters.norm().name(), "negativeSampling", parameters.negativeSampling().name(),
                        "initialisation", parameters.initialisation().name(),
                        "normalizeRelations", parameters.normalizeRelations()))
                .put(name + ".seeds", seeds)
                .put(name + ".trainSecondsMedian", round(median(trainSeconds)))
                .put(name + ".filteredMRR", round(mean(mrr)))
                .put(name + ".filteredMRRBySeed", mrr.stream().map(TransEBenchmark::round).toList())
                .put(name + ".filteredHits@1", round(mean(hits1)))
                .put(name + ".filteredHits@3", round(mean(hits3)))
                .put(name + ".filteredHits@10", round(mean(hits10)))
                .put(name + ".filteredHits@10BySeed", hits10.stream().map(TransEBenchmark::round).toList())
                .put(name + ".filteredMR", Math.round(mean(meanRank)));
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static double median(List<Double> xs) {
        double[] sorted = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
