package io.ernieneo4j.trainer.linking;

import java.util.List;
import java.util.Locale;

/**
 * Picks among a mention's candidate entities by {@code beta * log(prior) + alpha * similarity}, where the similarity
 * is the cosine of the mention's sentence vector and the candidate's description vector ({@link TextEncoder}), and
 * turns those scores into probabilities by a softmax over the candidates: a conditional logit with two parameters.
 *
 * <p>{@link #fit} finds the two by maximum likelihood on mentions whose right candidate is known (Newton's method;
 * the log-likelihood is concave), which both weighs the two signals and calibrates the probabilities. The prior alone
 * is {@link #PRIOR} ({@code alpha = 0, beta = 1}): its probabilities are the priors, normalised over the candidates.
 *
 * @param alpha weight of the description similarity
 * @param beta  weight of the log prior
 */
public record SenseScorer(double alpha, double beta) {

    /** The prior alone: the most frequent sense, with the priors as probabilities. */
    public static final SenseScorer PRIOR = new SenseScorer(0, 1);

    static final int MAX_ITERATIONS = 100;
    /** Stop when a step gains less than this per choice, or moves less than this relative to the weights. */
    static final double TOLERANCE = 1e-12;

    public SenseScorer {
        if (!Double.isFinite(alpha) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Values for `alpha` and `beta` were `%s` and `%s`, but must be finite.", alpha, beta));
        }
    }

    /**
     * One mention's candidates, and which of them is right.
     *
     * @param logPriors    the natural log of each candidate's prior (finite: priors are smoothed above 0)
     * @param similarities each candidate's description similarity to the mention's sentence
     * @param gold         the index of the right candidate
     */
    public record Choice(double[] logPriors, double[] similarities, int gold) {
        public Choice {
            if (logPriors.length != similarities.length || logPriors.length == 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "A choice needs as many log priors as similarities, at least one; got %d and %d.",
                        logPriors.length, similarities.length));
            }
            if (gold < 0 || gold >= logPriors.length) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Value for `gold` was `%d`, but must be within the range [0, %d].", gold,
                        logPriors.length - 1));
            }
        }
    }

    /** The score of one candidate. */
    public double score(double logPrior, double similarity) {
        return beta * logPrior + alpha * similarity;
    }

    /** The softmax of the candidates' scores: one probability per candidate, summing to 1. */
    public double[] probabilities(double[] logPriors, double[] similarities) {
        if (logPriors.length != similarities.length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Got %d log priors but %d similarities.", logPriors.length, similarities.length));
        }
        double[] p = new double[logPriors.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < p.length; k++) {
            p[k] = score(logPriors[k], similarities[k]);
            max = Math.max(max, p[k]);
        }
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(p[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** The index of the best-scoring candidate (ties: the first). */
    public int best(double[] logPriors, double[] similarities) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < logPriors.length; k++) {
            double s = score(logPriors[k], similarities[k]);
            if (s > bestScore) {
                bestScore = s;
                best = k;
            }
        }
        return best;
    }

    /** The mean log-probability of the right candidates. */
    public double meanLogLikelihood(List<Choice> choices) {
        double sum = 0;
        for (Choice c : choices) {
            sum += Math.log(probabilities(c.logPriors(), c.similarities())[c.gold()]);
        }
        return sum / Math.max(1, choices.size());
    }

    /**
     * The maximum-likelihood {@code alpha} and {@code beta} on {@code choices}, by Newton's method from
     * {@link #PRIOR} with step halving. Where a direction carries no information (all similarities of every choice
     * equal), that weight stays where it started; where the data separate perfectly the likelihood has no maximum and
     * the fit stops after {@value #MAX_ITERATIONS} steps.
     */
    public static SenseScorer fit(List<Choice> choices) {
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("Cannot fit on no choices.");
        }
        double a = PRIOR.alpha;
        double b = PRIOR.beta;
        double current = logLikelihood(choices, a, b, null);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] derivatives = new double[5]; // gA, gB, hAA, hAB, hBB (of the negative Hessian)
            logLikelihood(choices, a, b, derivatives);
            double gA = derivatives[0];
            double gB = derivatives[1];
            // a tiny ridge keeps the system solvable where a direction is flat
            double hAA = derivatives[2] + 1e-9 * choices.size();
            double hAB = derivatives[3];
            double hBB = derivatives[4] + 1e-9 * choices.size();
            double det = hAA * hBB - hAB * hAB;
            double stepA;
            double stepB;
            if (det > 0 && Double.isFinite(det)) {
                stepA = (hBB * gA - hAB * gB) / det;
                stepB = (hAA * gB - hAB * gA) / det;
            } else {
                stepA = gA / choices.size();
                stepB = gB / choices.size();
            }
            double scale = 1;
            double next = Double.NEGATIVE_INFINITY;
            for (int halving = 0; halving < 40; halving++) {
                next = logLikelihood(choices, a + scale * stepA, b + scale * stepB, null);
                if (next >= current) {
                    break;
                }
                scale /= 2;
            }
            if (!(next >= current)) {
                break;
            }
            a += scale * stepA;
            b += scale * stepB;
            double gain = next - current;
            current = next;
            double moved = Math.abs(scale * stepA) + Math.abs(scale * stepB);
            if (gain <= TOLERANCE * choices.size() || moved <= TOLERANCE * (1 + Math.abs(a) + Math.abs(b))) {
                break;
            }
        }
        return new SenseScorer(a, b);
    }

    /**
     * The summed log-likelihood at (a, b); with {@code derivatives}, also its gradient and the negative of its
     * Hessian (the summed covariance of the two features under each choice's softmax).
     */
    private static double logLikelihood(List<Choice> choices, double a, double b, double[] derivatives) {
        SenseScorer scorer = new SenseScorer(a, b);
        double sum = 0;
        for (Choice c : choices) {
            double[] p = scorer.probabilities(c.logPriors(), c.similarities());
            sum += Math.log(Math.max(p[c.gold()], Double.MIN_NORMAL));
            if (derivatives != null) {
                double meanS = 0;
                double meanL = 0;
                for (int k = 0; k < p.length; k++) {
                    meanS += p[k] * c.similarities()[k];
                    meanL += p[k] * c.logPriors()[k];
                }
                double varS = 0;
                double cov = 0;
                double varL = 0;
                for (int k = 0; k < p.length; k++) {
                    double ds = c.similarities()[k] - meanS;
                    double dl = c.logPriors()[k] - meanL;
                    varS += p[k] * ds * ds;
                    cov += p[k] * ds * dl;
                    varL += p[k] * dl * dl;
                }
                derivatives[0] += c.similarities()[c.gold()] - meanS;
                derivatives[1] += c.logPriors()[c.gold()] - meanL;
                derivatives[2] += varS;
                derivatives[3] += cov;
                derivatives[4] += varL;
            }
        }
        return sum;
    }
}
