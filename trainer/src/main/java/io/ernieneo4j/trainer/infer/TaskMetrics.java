package io.ernieneo4j.trainer.infer;

/** The scores of a model on one split; {@link #headline} is the number early stopping and reports compare. */
public sealed interface TaskMetrics permits TypingMetrics, RelationMetrics {

    /** Typing: micro F1; relations: macro F1 (the target metrics). */
    double headline();

    /** One line for logs. */
    String summary();

    /** Precision, recall and F1 of one class (or of a micro/macro average). */
    record Scores(double precision, double recall, double f1, int support) {

        static Scores of(long truePositives, long predicted, long gold) {
            double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
            double recall = gold == 0 ? 0 : (double) truePositives / gold;
            return new Scores(precision, recall, f1(precision, recall), Math.toIntExact(gold));
        }

        static double f1(double precision, double recall) {
            return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
    }
}
