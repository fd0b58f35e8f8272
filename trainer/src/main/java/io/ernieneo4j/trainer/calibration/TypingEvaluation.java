package io.ernieneo4j.trainer.calibration;

import io.ernieneo4j.trainer.align.CalibrationError;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.infer.TaskMetrics;
import io.ernieneo4j.trainer.infer.TypingMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A multi-label typing model (independent sigmoids) scored on examples with known types, under one temperature: the
 * types predicted are those whose probability reaches {@code threshold} (none when none does, as ernie.type.stream
 * streams them); precision, recall and F1 micro-averaged over (example, type) pairs and macro-averaged over the types
 * that occur in gold or predictions ({@link TypingMetrics}); top-1 accuracy (the most probable type is a gold type);
 * the mean binary log-loss; and two expected calibration errors: of every per-type probability against whether that
 * type is gold (what a threshold acts on), and of the top-1 probability against whether the top type is gold.
 *
 * @param calibrationError     ECE over every (example, type) probability
 * @param top1CalibrationError ECE of the most probable type's probability
 * @param byType               per type (in gold or predictions), in label order
 */
public record TypingEvaluation(int examples, TaskMetrics.Scores micro, TaskMetrics.Scores macro, double top1Accuracy,
                               double logLoss, double calibrationError, double top1CalibrationError,
                               Map<String, TaskMetrics.Scores> byType) {

    /**
     * @param labels the model's labels in logit order
     * @param logits per example, the model's logits
     * @param gold   per example, per label, whether it is a gold type
     */
    public static TypingEvaluation of(List<String> labels, float[][] logits, boolean[][] gold,
                                      TemperatureScaling scaling, double threshold) {
        LabelSet labelSet = new LabelSet(labels);
        if (!labelSet.names().equals(labels)) {
            throw new IllegalArgumentException("Labels must be in logit order (sorted): " + labels);
        }
        List<int[]> goldSets = new ArrayList<>(logits.length);
        List<int[]> predicted = new ArrayList<>(logits.length);
        CalibrationError perType = new CalibrationError();
        CalibrationError top1 = new CalibrationError();
        int top1Right = 0;
        for (int i = 0; i < logits.length; i++) {
            double[] p = scaling.sigmoid(logits[i]);
            boolean[] g = gold[i];
            goldSets.add(IntStream.range(0, g.length).filter(j -> g[j]).toArray());
            predicted.add(IntStream.range(0, p.length).filter(j -> p[j] >= threshold).toArray());
            int top = 0;
            for (int j = 0; j < p.length; j++) {
                perType.add(p[j], g[j]);
                if (p[j] > p[top]) top = j;
            }
            top1.add(p[top], g[top]);
            top1Right += g[top] ? 1 : 0;
        }
        TypingMetrics metrics = TypingMetrics.of(labelSet, goldSets, predicted);
        double precision = metrics.perLabel().values().stream().mapToDouble(TaskMetrics.Scores::precision)
                .average().orElse(0);
        double recall = metrics.perLabel().values().stream().mapToDouble(TaskMetrics.Scores::recall)
                .average().orElse(0);
        TaskMetrics.Scores macro = new TaskMetrics.Scores(precision, recall, metrics.macroF1(),
                metrics.micro().support());
        return new TypingEvaluation(logits.length, metrics.micro(), macro,
                logits.length == 0 ? 0 : (double) top1Right / logits.length,
                TemperatureScaling.sigmoidLogLoss(logits, gold, scaling.temperature()), perType.value(), top1.value(),
                metrics.perLabel());
    }

    /** As a procedure yields it: the averages, then {@code byType} rows {type, support, precision, recall, f1}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mentions", (long) examples);
        map.put("microPrecision", micro.precision());
        map.put("microRecall", micro.recall());
        map.put("microF1", micro.f1());
        map.put("macroPrecision", macro.precision());
        map.put("macroRecall", macro.recall());
        map.put("macroF1", macro.f1());
        map.put("top1Accuracy", top1Accuracy);
        map.put("logLoss", logLoss);
        map.put("calibrationError", calibrationError);
        map.put("top1CalibrationError", top1CalibrationError);
        List<Map<String, Object>> rows = new ArrayList<>();
        byType.forEach((type, scores) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("type", type);
            row.put("support", (long) scores.support());
            row.put("precision", scores.precision());
            row.put("recall", scores.recall());
            row.put("f1", scores.f1());
            rows.add(row);
        });
        map.put("byType", rows);
        return map;
    }
}
