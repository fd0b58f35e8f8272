package io.ernieneo4j.trainer.completion;

import io.ernieneo4j.trainer.align.CalibrationError;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well scored candidate facts separate true from false, as the distant-supervision literature reports it
 * (Mintz et al. 2009; OpenNRE's held-out evaluation): the candidates ranked by score, the area under the
 * precision-recall curve (average precision), precision among the top K, and precision, recall and F1 of the
 * candidates at or above a threshold, with the expected calibration error of the scores. Recall is over the true
 * candidates: facts the text never pairs cannot be found by reading it.
 *
 * @param candidates         candidates scored
 * @param positives          true ones among them
 * @param averagePrecision   area under the precision-recall curve: mean precision at each true candidate's rank
 * @param precisionAtK       precision among the top K, for each K asked (over fewer when there are fewer)
 * @param predicted          candidates at or above the threshold
 * @param precision          share of those that are true (0 when none)
 * @param recall             share of the true ones among those
 * @param meanPredictedScore mean score of the candidates at or above the threshold (0 when none): calibrated scores
 *                           make it about {@code precision}, which the calibration error over every candidate
 *                           cannot show when nearly all are false and near 0
 * @param calibrationError   expected calibration error of the scores (10 bins)
 */
public record RankingMetrics(long candidates, long positives, double averagePrecision,
                             Map<Integer, Double> precisionAtK, long predicted, double precision, double recall,
                             double f1, double meanPredictedScore, double calibrationError) {

    /** Scores {@code scores[i]} of candidates whose truth is {@code truth[i]}; ties keep the given order. */
    public static RankingMetrics of(double[] scores, boolean[] truth, double threshold, List<Integer> ks) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
        long positives = 0;
        for (boolean t : truth) positives += t ? 1 : 0;
        double precisionSum = 0;
        long seen = 0;
        long truePredicted = 0;
        long predicted = 0;
        double predictedScores = 0;
        Map<Integer, Double> atK = new LinkedHashMap<>();
        CalibrationError calibration = new CalibrationError();
        for (int rank = 0; rank < order.length; rank++) {
            int i = order[rank];
            if (truth[i]) {
                seen++;
                precisionSum += (double) seen / (rank + 1);
            }
            if (scores[i] >= threshold) {
                predicted++;
                predictedScores += scores[i];
                truePredicted += truth[i] ? 1 : 0;
            }
            calibration.add(scores[i], truth[i]);
            for (int k : ks) {
                if (rank + 1 == k) atK.put(k, (double) seen / k);
            }
        }
        for (int k : ks) {
            atK.putIfAbsent(k, order.length == 0 ? 0 : (double) seen / order.length);
        }
        double precision = predicted == 0 ? 0 : (double) truePredicted / predicted;
        double recall = positives == 0 ? 0 : (double) truePredicted / positives;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new RankingMetrics(scores.length, positives, positives == 0 ? 0 : precisionSum / positives, atK,
                predicted, precision, recall, f1, predicted == 0 ? 0 : predictedScores / predicted,
                calibration.value());
    }

    /** As a Cypher map, {@code precisionAtK} keyed {@code "P@K"}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("candidates", candidates);
        map.put("positives", positives);
        map.put("averagePrecision", averagePrecision);
        precisionAtK.forEach((k, p) -> map.put("P@" + k, p));
        map.put("predicted", predicted);
        map.put("precision", precision);
        map.put("recall", recall);
        map.put("f1", f1);
        map.put("meanPredictedScore", meanPredictedScore);
        map.put("calibrationError", calibrationError);
        return map;
    }
}
