package io.ernieneo4j.trainer.infer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Multi-label typing scores, as the reference reports FIGER and Open Entity.
 *
 * @param examples       scored examples
 * @param strictAccuracy share of examples whose predicted type set equals the gold set
 * @param micro          over all (example, type) pairs (the reference's "loose micro")
 * @param looseMacro     precision and recall averaged over examples (the reference's "loose macro")
 * @param macroF1        F1 averaged over the types that occur in gold or predictions
 * @param perLabel       per-type scores
 */
public record TypingMetrics(int examples, double strictAccuracy, Scores micro, Scores looseMacro, double macroF1,
                            Map<String, Scores> perLabel) implements TaskMetrics {

    /**
     * Scores {@code predicted} type sets against {@code gold} ones (label indices into {@code labels}).
     */
    public static TypingMetrics of(LabelSet labels, List<int[]> gold, List<int[]> predicted) {
        int n = gold.size();
        long[] truePositives = new long[labels.size()];
        long[] predictedCounts = new long[labels.size()];
        long[] goldCounts = new long[labels.size()];
        int exact = 0;
        double precisionSum = 0;
        double recallSum = 0;
        for (int i = 0; i < n; i++) {
            int[] g = Arrays.stream(gold.get(i)).distinct().sorted().toArray();
            int[] p = Arrays.stream(predicted.get(i)).distinct().sorted().toArray();
            int overlap = 0;
            for (int label : p) {
                predictedCounts[label]++;
                if (Arrays.binarySearch(g, label) >= 0) {
                    truePositives[label]++;
                    overlap++;
                }
            }
            for (int label : g) {
                goldCounts[label]++;
            }
            exact += Arrays.equals(g, p) ? 1 : 0;
            precisionSum += p.length == 0 ? 0 : (double) overlap / p.length;
            recallSum += g.length == 0 ? 0 : (double) overlap / g.length;
        }
        Map<String, Scores> perLabel = new LinkedHashMap<>();
        double f1Sum = 0;
        int scoredLabels = 0;
        for (int label = 0; label < labels.size(); label++) {
            if (goldCounts[label] + predictedCounts[label] == 0) {
                continue;
            }
            Scores scores = Scores.of(truePositives[label], predictedCounts[label], goldCounts[label]);
            perLabel.put(labels.name(label), scores);
            f1Sum += scores.f1();
            scoredLabels++;
        }
        double looseP = n == 0 ? 0 : precisionSum / n;
        double looseR = n == 0 ? 0 : recallSum / n;
        return new TypingMetrics(n, n == 0 ? 0 : (double) exact / n,
                Scores.of(Arrays.stream(truePositives).sum(), Arrays.stream(predictedCounts).sum(),
                        Arrays.stream(goldCounts).sum()),
                new Scores(looseP, looseR, Scores.f1(looseP, looseR), n),
                scoredLabels == 0 ? 0 : f1Sum / scoredLabels, perLabel);
    }

    /**
     * The types of one example from its logits: every type whose logit exceeds {@code threshold} (0 = probability
     * 0.5, the reference's rule); when none does, the top-scoring type (as the reference does for FIGER).
     */
    public static int[] decide(float[] logits, float threshold) {
        int[] chosen = java.util.stream.IntStream.range(0, logits.length).filter(i -> logits[i] > threshold).toArray();
        if (chosen.length > 0) {
            return chosen;
        }
        int top = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[top]) {
                top = i;
            }
        }
        return new int[] {top};
    }

    @Override
    public double headline() {
        return micro.f1();
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "strict acc %.4f, micro F1 %.4f, loose macro F1 %.4f, macro F1 %.4f",
                strictAccuracy, micro.f1(), looseMacro.f1(), macroF1);
    }
}
