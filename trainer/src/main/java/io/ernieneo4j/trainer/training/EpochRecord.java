package io.ernieneo4j.trainer.training;

/**
 * One epoch of a run, as the history, {@code metrics.json} and the plot show it.
 *
 * @param epoch              1-based
 * @param trainLoss          mean training loss of the epoch's steps
 * @param devMetric          the dev headline metric (NaN without a dev set)
 * @param seconds            training time of the epoch (without evaluation)
 * @param sequencesPerSecond training throughput
 * @param meanPieces         mean word pieces per training sequence (padding excluded)
 */
public record EpochRecord(int epoch, double trainLoss, double devMetric, double seconds, double sequencesPerSecond,
                          double meanPieces) {}
