package io.ernieneo4j.trainer.transe;

/**
 * Ranking metrics of link prediction over a set of queries (one query per triple and side).
 *
 * @param queries      how many ranks were averaged
 * @param meanRank     MR
 * @param mrr          mean reciprocal rank
 * @param hitsAt1      share of queries whose true entity ranked ≤ 1
 * @param hitsAt3      ... ≤ 3
 * @param hitsAt10     ... ≤ 10
 */
public record LinkPredictionMetrics(long queries, double meanRank, double mrr, double hitsAt1, double hitsAt3,
                                    double hitsAt10) {

    /** Accumulates ranks; not thread-safe, merge per-thread accumulators with {@link #add(Accumulator)}. */
    public static final class Accumulator {
        private long count;
        private double rankSum;
        private double reciprocalSum;
        private long hits1;
        private long hits3;
        private long hits10;

        public void add(double rank) {
            count++;
            rankSum += rank;
            reciprocalSum += 1 / rank;
            if (rank <= 1) hits1++;
            if (rank <= 3) hits3++;
            if (rank <= 10) hits10++;
        }

        public void add(Accumulator other) {
            count += other.count;
            rankSum += other.rankSum;
            reciprocalSum += other.reciprocalSum;
            hits1 += other.hits1;
            hits3 += other.hits3;
            hits10 += other.hits10;
        }

        public LinkPredictionMetrics metrics() {
            if (count == 0) {
                return new LinkPredictionMetrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new LinkPredictionMetrics(count, rankSum / count, reciprocalSum / count,
                    (double) hits1 / count, (double) hits3 / count, (double) hits10 / count);
        }
    }
}
