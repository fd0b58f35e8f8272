package io.ernieneo4j.trainer.infer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Single-label relation scores. When the labels hold {@link LabelSet#NO_RELATION}, micro scores count only the
 * other classes (TACRED's convention) and macro F1 leaves it out; without it, micro F1 equals accuracy.
 *
 * @param examples  scored examples
 * @param accuracy  share of examples predicted right
 * @param micro     micro-averaged precision, recall and F1
 * @param macroF1   F1 averaged over the (non-negative) classes that occur in gold or predictions (FewRel's metric)
 * @param perLabel  per-class scores
 * @param labels    the classes, the order of the confusion matrix
 * @param confusion {@code confusion[gold][predicted]} counts
 */
public record RelationMetrics(int examples, double accuracy, Scores micro, double macroF1,
                              Map<String, Scores> perLabel, List<String> labels, int[][] confusion)
        implements TaskMetrics {

    public static RelationMetrics of(LabelSet labels, int[] gold, int[] predicted) {
        int classes = labels.size();
        int negative = labels.negativeIndex();
        int[][] confusion = new int[classes][classes];
        int correct = 0;
        for (int i = 0; i < gold.length; i++) {
            confusion[gold[i]][predicted[i]]++;
            correct += gold[i] == predicted[i] ? 1 : 0;
        }
        long microTruePositives = 0;
        long microPredicted = 0;
        long microGold = 0;
        Map<String, Scores> perLabel = new LinkedHashMap<>();
        double f1Sum = 0;
        int scored = 0;
        for (int c = 0; c < classes; c++) {
            long truePositives = confusion[c][c];
            long predictedCount = 0;
            long goldCount = 0;
            for (int other = 0; other < classes; other++) {
                predictedCount += confusion[other][c];
                goldCount += confusion[c][other];
            }
            if (predictedCount + goldCount == 0) {
                continue;
            }
            Scores scores = Scores.of(truePositives, predictedCount, goldCount);
            perLabel.put(labels.name(c), scores);
            if (c != negative) {
                microTruePositives += truePositives;
                microPredicted += predictedCount;
                microGold += goldCount;
                f1Sum += scores.f1();
                scored++;
            }
        }
        return new RelationMetrics(gold.length, gold.length == 0 ? 0 : (double) correct / gold.length,
                Scores.of(microTruePositives, microPredicted, microGold), scored == 0 ? 0 : f1Sum / scored,
                perLabel, new ArrayList<>(labels.names()), confusion);
    }

    /** The class with the highest logit. */
    public static int decide(float[] logits) {
        int top = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[top]) {
                top = i;
            }
        }
        return top;
    }

    @Override
    public double headline() {
        return macroF1;
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "accuracy %.4f, micro F1 %.4f, macro F1 %.4f", accuracy, micro.f1(),
                macroF1);
    }
}
