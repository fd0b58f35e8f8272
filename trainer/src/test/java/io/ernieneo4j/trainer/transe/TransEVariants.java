package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import io.ernieneo4j.trainer.wordnet.Morphology;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets.LinkPredictionVariant;

import java.util.Locale;

/**
 * Not a test: the measurements of {@code docs/transe-notes.md}. Trains TransE on the WN18-like split (seed 42), or
 * the WN18RR-like one with {@code -Dtranse.dataset=WN18RR}, once per variant and prints the filtered MRR and Hits@10
 * on its test triples (both sides, all entities). A variant may override the learning rate and margin
 * ({@code NAME:INIT:NORMREL:SAMPLING:LR:MARGIN}).
 * <pre>
 * ./ernie.sh mvn -o -q -pl trainer test-compile
 * java -cp trainer/target/test-classes:trainer/target/classes:$(cat trainer/target/classpath.txt) \
 *   io.ernieneo4j.trainer.transe.TransEVariants EPOCHS THREADS SEED LR MARGIN NAME:INIT:NORMREL:SAMPLING...
 * </pre>
 * e.g. {@code 200 1 42 0.001 1.0 base:UNIFORM_UNIT:false:UNIFORM ftx:SMALL_NORMAL:true:UNIFORM}.
 */
public final class TransEVariants {

    public static void main(String[] args) throws Exception {
        int epochs = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        double learningRate = Double.parseDouble(args[3]);
        double margin = Double.parseDouble(args[4]);
        WordNetDatasets datasets = new WordNetDatasets(WordNet.load(), Morphology.load());
        LinkPredictionVariant variant = LinkPredictionVariant.valueOf(System.getProperty("transe.dataset", "WN18"));
        Split<Triple> split = datasets.linkPrediction(variant, 42);
        TripleIndex index = new TripleIndex();
        TripleStore train = index.addAll(split.train());
        TripleStore dev = index.lookup(split.dev());
        TripleStore test = index.lookup(split.test());
        System.out.printf(Locale.ROOT, "%s-like: %d train, %d test triples, %d entities%n", variant, train.size(),
                test.size(), index.entityCount());
        for (int i = 5; i < args.length; i++) {
            String[] v = args[i].split(":");
            double rate = v.length > 4 ? Double.parseDouble(v[4]) : learningRate;
            double variantMargin = v.length > 5 ? Double.parseDouble(v[5]) : margin;
            var parameters = new TransEParameters(100, epochs, rate, variantMargin, Norm.L1,
                    NegativeSampling.valueOf(v[3]), 1, 10_000, threads, seed, Initialisation.valueOf(v[1]),
                    Boolean.parseBoolean(v[2]));
            var result = new TransE(train, parameters, Progress.NONE, Termination.ALWAYS).train();
            var report = new LinkPredictionEvaluator(result.model(), train.union(dev, test), 2, Termination.ALWAYS)
                    .evaluate(test, false);
            System.out.printf(Locale.ROOT, "%s %s: filtered MRR %.3f H@10 %.3f MR %.0f (head %.3f/%.3f, tail "
                            + "%.3f/%.3f), train %.1f s, final loss %.4f, mean norm entities %.3f relations %.3f%n",
                    v[0], parameters, report.filtered().mrr(), report.filtered().hitsAt10(),
                    report.filtered().meanRank(), report.filteredHead().mrr(), report.filteredHead().hitsAt10(),
                    report.filteredTail().mrr(), report.filteredTail().hitsAt10(), result.trainSeconds(),
                    result.finalLoss(), meanNorm(result.model().entityVectors()),
                    meanNorm(result.model().relationVectors()));
        }
    }

    private static double meanNorm(float[] vectors) {
        int d = 100;
        double sum = 0;
        for (int i = 0; i < vectors.length / d; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) norm += vectors[i * d + k] * vectors[i * d + k];
            sum += Math.sqrt(norm);
        }
        return sum / (vectors.length / d);
    }
}
