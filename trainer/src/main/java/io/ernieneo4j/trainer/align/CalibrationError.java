package io.ernieneo4j.trainer.align;

/**
 * Expected calibration error of confidence scores: in {@value #BINS} equal-width bins of the score, the gap between
 * the mean score and the share of right answers, weighed by the bin's share of all answers. 0 when a score of 0.8
 * is right 80% of the time; a threshold on calibrated scores means what it says.
 */
public final class CalibrationError {

    public static final int BINS = 10;

    private final double[] confidence = new double[BINS];
    private final double[] right = new double[BINS];
    private int count;

    /** One answer: its score in [0, 1] and whether it was right. */
    public void add(double score, boolean correct) {
        int bin = Math.clamp((int) (score * BINS), 0, BINS - 1);
        confidence[bin] += score;
        right[bin] += correct ? 1 : 0;
        count++;
    }

    public int count() {
        return count;
    }

    /** The error, in [0, 1]; 0 without answers. */
    public double value() {
        double error = 0;
        for (int b = 0; b < BINS; b++) {
            error += Math.abs(confidence[b] - right[b]);
        }
        return count == 0 ? 0 : error / count;
    }
}
