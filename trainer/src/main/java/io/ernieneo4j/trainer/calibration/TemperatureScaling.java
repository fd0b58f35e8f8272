package io.ernieneo4j.trainer.calibration;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Temperature scaling (Guo et al. 2017): one number {@code T > 0} that divides a model's logits before its sigmoid
 * or softmax, fitted on held-out data by minimising the log-loss. It changes no decision at probability 0.5 (a
 * sigmoid's sign, a softmax's argmax) but makes a score of 0.8 mean more nearly "right 80% of the time".
 *
 * <p>The log-loss of {@code logits / T} is convex in {@code 1/T}, so as a function of {@code log T} it has a single
 * minimum; a golden-section search over {@code log T} in [{@value #MIN_TEMPERATURE}, {@value #MAX_TEMPERATURE}]
 * finds it. A fit is never worse than no scaling on the data it was fitted on: when {@code T = 1} scores at least as
 * well, it is kept.
 *
 * @param temperature the divisor of the logits
 * @param fittedOn    how many examples it was fitted on (0: not fitted)
 */
public record TemperatureScaling(double temperature, int fittedOn) {

    /** No scaling. */
    public static final TemperatureScaling IDENTITY = new TemperatureScaling(1.0, 0);
    public static final double MIN_TEMPERATURE = 0.01;
    public static final double MAX_TEMPERATURE = 100.0;
    private static final int ITERATIONS = 80;
    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    public TemperatureScaling {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("A temperature must be a positive finite number, not " + temperature
                    + ".");
        }
    }

    /**
     * Fits T for independent sigmoids (multi-label): the mean binary log-loss over every (example, label) pair.
     *
     * @param gold per example, per label, whether the label is right
     */
    public static TemperatureScaling fitSigmoid(float[][] logits, boolean[][] gold) {
        return fit(logits.length, t -> sigmoidLogLoss(logits, gold, t));
    }

    /** Fits T for a softmax (one label per example): the mean log-loss of the gold label. */
    public static TemperatureScaling fitSoftmax(float[][] logits, int[] gold) {
        return fit(logits.length, t -> softmaxLogLoss(logits, gold, t));
    }

    private static TemperatureScaling fit(int examples, DoubleUnaryOperator lossAtTemperature) {
        if (examples == 0) {
            throw new IllegalArgumentException("A temperature needs at least one example to be fitted on.");
        }
        DoubleUnaryOperator loss = logT -> lossAtTemperature.applyAsDouble(Math.exp(logT));
        double a = Math.log(MIN_TEMPERATURE);
        double b = Math.log(MAX_TEMPERATURE);
        double c = b - GOLDEN * (b - a);
        double d = a + GOLDEN * (b - a);
        double fc = loss.applyAsDouble(c);
        double fd = loss.applyAsDouble(d);
        for (int i = 0; i < ITERATIONS; i++) {
            if (fc <= fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - GOLDEN * (b - a);
                fc = loss.applyAsDouble(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + GOLDEN * (b - a);
                fd = loss.applyAsDouble(d);
            }
        }
        double logT = (a + b) / 2;
        double best = loss.applyAsDouble(logT);
        return new TemperatureScaling(best < loss.applyAsDouble(0) ? Math.exp(logT) : 1.0, examples);
    }

    /** The mean binary log-loss of sigmoid({@code logits / temperature}) over every (example, label) pair. */
    public static double sigmoidLogLoss(float[][] logits, boolean[][] gold, double temperature) {
        double sum = 0;
        long pairs = 0;
        for (int i = 0; i < logits.length; i++) {
            for (int j = 0; j < logits[i].length; j++) {
                double z = logits[i][j] / temperature;
                // -log sigmoid(z) for a right label, -log(1 - sigmoid(z)) for a wrong one, without overflow
                sum += Math.max(z, 0) - (gold[i][j] ? z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
                pairs++;
            }
        }
        return pairs == 0 ? 0 : sum / pairs;
    }

    /** The mean log-loss of the gold label under softmax({@code logits / temperature}). */
    public static double softmaxLogLoss(float[][] logits, int[] gold, double temperature) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float z : logits[i]) max = Math.max(max, z / temperature);
            double partition = 0;
            for (float z : logits[i]) partition += Math.exp(z / temperature - max);
            sum += max + Math.log(partition) - logits[i][gold[i]] / temperature;
        }
        return logits.length == 0 ? 0 : sum / logits.length;
    }

    /** Independent sigmoids of {@code logits / T}. */
    public double[] sigmoid(float[] logits) {
        double[] p = new double[logits.length];
        for (int j = 0; j < p.length; j++) {
            p[j] = 1 / (1 + Math.exp(-logits[j] / temperature));
        }
        return p;
    }

    /** The softmax of {@code logits / T}. */
    public double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) max = Math.max(max, z / temperature);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp(logits[j] / temperature - max);
            sum += p[j];
        }
        for (int j = 0; j < p.length; j++) p[j] /= sum;
        return p;
    }

    /** As a procedure yields it and takes it back: {@code {temperature, fittedOn}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("temperature", temperature);
        map.put("fittedOn", (long) fittedOn);
        return map;
    }

    /**
     * Reads back what {@link #toMap} gave; {@code key} names the configuration key it came in, for the errors. Only
     * {@code temperature} is required.
     */
    public static TemperatureScaling fromMap(Map<?, ?> map, String key) {
        for (Object k : map.keySet()) {
            if (!"temperature".equals(k) && !"fittedOn".equals(k)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`%s` has an unexpected key `%s`; it "
                        + "takes `temperature` (a positive number) and `fittedOn`.", key, k));
            }
        }
        Object temperature = map.get("temperature");
        if (!(temperature instanceof Number t) || !(t.doubleValue() > 0) || Double.isInfinite(t.doubleValue())) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "`%s`.`temperature` must be a positive "
                    + "finite number, not `%s`.", key, temperature));
        }
        Object fittedOn = map.get("fittedOn");
        if (fittedOn != null && !(fittedOn instanceof Number)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "`%s`.`fittedOn` must be a number of "
                    + "examples, not `%s`.", key, fittedOn));
        }
        return new TemperatureScaling(t.doubleValue(), fittedOn == null ? 0
                : (int) Math.min(Integer.MAX_VALUE, ((Number) fittedOn).longValue()));
    }
}
