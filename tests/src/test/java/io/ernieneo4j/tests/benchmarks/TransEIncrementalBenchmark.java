package io.ernieneo4j.tests.benchmarks;

import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictionEvaluator;
import io.ernieneo4j.trainer.transe.LinkPredictionMetrics;
import io.ernieneo4j.trainer.transe.TransE;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TransEParameters;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import io.ernieneo4j.trainer.transe.TransEUpdate;
import io.ernieneo4j.trainer.transe.TripleIndex;
import io.ernieneo4j.trainer.transe.TripleStore;
import io.ernieneo4j.trainer.wordnet.Morphology;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets.LinkPredictionVariant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Incremental TransE against a full retrain, the trainer alone (no database), on the WN18RR-like split:
 * <ol>
 *   <li>a share of the entities (1% by default; drawn with a seed among those with training and test triples) is
 *       "new": the first model is trained without any triple that touches them;</li>
 *   <li>the graph then gains them with their training triples, and the model is updated ({@link TransEUpdate});</li>
 *   <li>a full retrain on the whole graph, with the same settings, is the reference.</li>
 * </ol>
 * Reported: the update's and the retrain's training seconds (their ratio), what the update touched, and filtered
 * link prediction on the new entities' held-out (test) triples and on all test triples, for both models.
 * {@code ./ernie.sh benchmark TransEIncrementalBenchmark [newShare] [epochs] [learningRate] [margin] [init]}
 */
public final class TransEIncrementalBenchmark {

    public static void main(String[] args) throws Exception {
        String[] a = BenchmarkReport.arguments(args);
        double share = a.length > 0 ? Double.parseDouble(a[0]) : 0.01;
        int epochs = a.length > 1 ? Integer.parseInt(a[1]) : 1000;
        double learningRate = a.length > 2 ? Double.parseDouble(a[2]) : TransEParameters.DEFAULT_LEARNING_RATE;
        double margin = a.length > 3 ? Double.parseDouble(a[3]) : TransEParameters.DEFAULT_MARGIN;
        Initialisation init = a.length > 4 ? Initialisation.valueOf(a[4]) : TransEParameters.DEFAULT_INITIALISATION;
        BenchmarkReport report = new BenchmarkReport("transe-incremental", "./ernie.sh benchmark "
                + "TransEIncrementalBenchmark " + share + " " + epochs + " " + learningRate + " " + margin + " " + init);
        TransEParameters parameters = new TransEParameters(100, epochs, learningRate, margin, Norm.L1,
                TransEParameters.DEFAULT_NEGATIVE_SAMPLING, 1, 10_000, 2, 42, init, false);

        WordNetDatasets datasets = new WordNetDatasets(WordNet.load(), Morphology.load());
        Split<Triple> split = datasets.linkPrediction(LinkPredictionVariant.WN18RR, 42);
        Set<String> fresh = newEntities(split, share);
        List<Triple> before = split.train().stream()
                .filter(t -> !fresh.contains(t.head()) && !fresh.contains(t.tail())).toList();

        TripleIndex oldIndex = new TripleIndex();
        TripleStore oldTriples = oldIndex.addAll(before);
        TransE.Result first = new TransE(oldTriples, parameters, Progress.NONE, Termination.ALWAYS).train();
        System.out.printf("first model: %d triples, %.1f s%n", oldTriples.size(), first.trainSeconds());

        TripleIndex index = new TripleIndex();
        TripleStore train = index.addAll(split.train());
        TripleStore known = train.union(index.lookup(split.dev()), index.lookup(split.test()));
        TripleStore test = index.lookup(split.test());
        TripleStore newTest = index.lookup(split.test().stream()
                .filter(t -> fresh.contains(t.head()) || fresh.contains(t.tail())).toList());

        TransEUpdate.Result update = TransEUpdate.update(first.model(), oldIndex.entities(), oldIndex.relations(),
                oldTriples, index.entities(), index.relations(), train, parameters, Progress.NONE, Termination.ALWAYS);
        System.out.printf("update: %s, %.2f s%n", update.change(), update.training().trainSeconds());
        TransE.Result retrain = new TransE(train, parameters, Progress.NONE, Termination.ALWAYS).train();
        System.out.printf("retrain: %.1f s%n", retrain.trainSeconds());

        TransEUpdate.Change change = update.change();
        Map<String, Object> touched = new LinkedHashMap<>();
        touched.put("entitiesAdded", change.entitiesAdded());
        touched.put("entitiesRefined", change.entitiesRefined());
        touched.put("triplesAdded", change.triplesAdded());
        touched.put("triplesSampledPerEpoch", change.triplesSampled());
        touched.put("entitiesTouchedFraction", round(change.entitiesTouchedFraction()));
        report.put("dataset", "WN18RR-like (seed 42)")
                .put("parameters", Map.of("dimensions", 100, "epochs", epochs, "learningRate", learningRate,
                        "margin", margin, "initialisation", init.name(), "negativeSampling",
                        parameters.negativeSampling().name(), "threads", 2))
                .put("newEntityShare", share)
                .put("newEntities", fresh.size())
                .put("trainTriplesBefore", oldTriples.size())
                .put("trainTriplesAfter", train.size())
                .put("update", touched)
                .put("firstTrainSeconds", round(first.trainSeconds()))
                .put("updateTrainSeconds", round(update.training().trainSeconds()))
                .put("retrainSeconds", round(retrain.trainSeconds()))
                .put("updateToRetrainTimeRatio", round(update.training().trainSeconds() / retrain.trainSeconds()))
                .put("newEntityTestTriples", newTest.size())
                .put("testTriples", test.size());
        figures(report, "update", update.model(), known, test, newTest);
        figures(report, "retrain", retrain.model(), known, test, newTest);
        report.write();
    }

    /** {@code share} of the entities, drawn with a fixed seed among those with both training and test triples. */
    private static Set<String> newEntities(Split<Triple> split, double share) {
        Set<String> inTrain = new HashSet<>();
        for (Triple t : split.train()) {
            inTrain.add(t.head());
            inTrain.add(t.tail());
        }
        Set<String> candidates = new java.util.TreeSet<>();
        for (Triple t : split.test()) {
            if (inTrain.contains(t.head())) candidates.add(t.head());
            if (inTrain.contains(t.tail())) candidates.add(t.tail());
        }
        List<String> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled, new Random(42));
        int count = (int) Math.round(share * inTrain.size());
        return new HashSet<>(shuffled.subList(0, Math.min(count, shuffled.size())));
    }

    private static void figures(BenchmarkReport report, String name, TransEModel model, TripleStore known,
                                TripleStore test, TripleStore newTest) {
        LinkPredictionMetrics all = new LinkPredictionEvaluator(model, known, 2, Termination.ALWAYS)
                .evaluate(test, false).filtered();
        LinkPredictionMetrics fresh = new LinkPredictionEvaluator(model, known, 2, Termination.ALWAYS)
                .evaluate(newTest, false).filtered();
        System.out.printf("%s: new entities' test MRR %.3f H@10 %.3f; all test MRR %.3f H@10 %.3f%n", name,
                fresh.mrr(), fresh.hitsAt10(), all.mrr(), all.hitsAt10());
        report.put(name + ".newEntityTest.filteredMRR", round(fresh.mrr()))
                .put(name + ".newEntityTest.filteredHits@10", round(fresh.hitsAt10()))
                .put(name + ".allTest.filteredMRR", round(all.mrr()))
                .put(name + ".allTest.filteredHits@10", round(all.hitsAt10()));
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
