package io.ernieneo4j.trainer.completion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The probability that a candidate fact {@code (head, relation, tail)} is true, from up to four sources of evidence:
 * the text ({@link Source#TEXT}, the relation model's probability aggregated over every sentence that mentions both),
 * the graph ({@link Source#GRAPH}, TransE's plausibility {@code -|h + r - t|}), the types ({@link Source#TYPES},
 * the {@link TypeConstraints} density) and the links ({@link Source#LINKS}, how sure the linker was that the
 * sentences name these two entities: a fact read about the wrong sense of a word is not a fact). A logistic
 * regression over the standardised features with one intercept per relationship type (shrunk towards a shared one),
 * fitted by maximum likelihood on labelled candidates that no source was trained on: the fit weighs the sources and
 * calibrates the result in one step (Platt scaling when one source is used), so a probability of 0.9 is right about
 * 90% of the time on data like the fitting data.
 *
 * <p>A missing feature (an entity without a TransE vector, a type TransE never saw) is set to the fitting data's
 * mean: it moves the probability neither way.
 *
 * @param sources         the evidence used, in {@link Source} order
 * @param textAggregation how the text feature combines a pair's sentences: {@code max} or {@code noisyOr}
 * @param means           each used source's feature mean on the fitting data
 * @param scales          each used source's feature standard deviation there (1 when constant)
 * @param weights         each used source's weight on its standardised feature
 * @param intercept       the shared intercept
 * @param offsets         each relationship type's offset from it
 */
public record EvidenceFusion(List<Source> sources, String textAggregation, Map<Source, Double> means,
                             Map<Source, Double> scales, Map<Source, Double> weights, double intercept,
                             Map<String, Double> offsets) {

    /** A source of evidence, by the name a configuration uses. */
    public enum Source {
        TEXT("text"), GRAPH("graph"), TYPES("types"), LINKS("links");

        private final String key;

        Source(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static Source of(String key) {
            for (Source s : values()) {
                if (s.key.equals(key)) {
                    return s;
                }
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `evidence` was `%s`, but must be one of %s.", key, keys()));
        }

        /** Every source's key, in order: {@code [text, graph, types, links]}. */
        public static String keys() {
            return java.util.Arrays.stream(values()).map(Source::key).toList().toString();
        }
    }

    /**
     * The raw evidence for one candidate fact.
     *
     * @param text  the aggregated probability of the relation in the text, in [0, 1]
     * @param graph TransE's {@code -distance}, NaN when TransE has no vector for it
     * @param types the type density, in (0, 1]
     * @param links the linker's score of the head mention times the tail mention's, the best over the fact's
     *              sentences, in [0, 1]; NaN when no sentence mentions both
     */
    public record Candidate(String relation, double text, double graph, double types, double links) {

        /** A candidate no sentence's links speak for or against. */
        public Candidate(String relation, double text, double graph, double types) {
            this(relation, text, graph, types, Double.NaN);
        }

        double feature(Source source) {
            return switch (source) {
                case TEXT -> logit(text);
                case GRAPH -> graph;
                case TYPES -> Math.log(Math.max(types, 1e-300));
                case LINKS -> Math.log(Math.max(links, 1e-6));
            };
        }
    }

    /** L2 penalty on the source weights: only keeps a separable fit finite. */
    static final double WEIGHT_PENALTY = 1e-3;
    /** L2 penalty on the per-type offsets: a type with few candidates stays near the shared intercept. */
    static final double OFFSET_PENALTY = 1.0;
    private static final int MAX_ITERATIONS = 100;

    public EvidenceFusion {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("`evidence` must name at least one of " + Source.keys() + ".");
        }
        sources = List.copyOf(new TreeSet<>(sources));
        means = Map.copyOf(means);
        scales = Map.copyOf(scales);
        weights = Map.copyOf(weights);
        offsets = Map.copyOf(offsets);
    }

    /** The probability that the candidate is true. */
    public double probability(Candidate candidate) {
        double z = intercept + offsets.getOrDefault(candidate.relation(), 0.0);
        for (Source s : sources) {
            z += weights.get(s) * standardised(candidate, s, means, scales);
        }
        return sigmoid(z);
    }

    /**
     * Fits the fusion of {@code sources} on candidates whose truth is known ({@code truth[i]} for
     * {@code candidates.get(i)}), by Newton's method on the penalised log-likelihood (concave: one optimum).
     */
    public static EvidenceFusion fit(List<Source> sources, String textAggregation, List<Candidate> candidates,
                                     boolean[] truth) {
        List<Source> used = List.copyOf(new TreeSet<>(sources));
        int positives = 0;
        for (boolean t : truth) positives += t ? 1 : 0;
        if (positives == 0 || positives == truth.length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Fitting the evidence fusion needs true "
                    + "and false candidate facts; got %d true of %d.", positives, truth.length));
        }
        Map<Source, Double> means = new TreeMap<>();
        Map<Source, Double> scales = new TreeMap<>();
        for (Source s : used) {
            double sum = 0;
            double squares = 0;
            int n = 0;
            for (Candidate c : candidates) {
                double x = c.feature(s);
                if (Double.isFinite(x)) {
                    sum += x;
                    squares += x * x;
                    n++;
                }
            }
            double mean = n == 0 ? 0 : sum / n;
            double variance = n == 0 ? 0 : squares / n - mean * mean;
            means.put(s, mean);
            scales.put(s, variance > 1e-12 ? Math.sqrt(variance) : 1.0);
        }
        List<String> relations = new ArrayList<>(new TreeSet<>(candidates.stream().map(Candidate::relation).toList()));
        int sourceCount = used.size();
        int dimension = 1 + sourceCount + relations.size();
        double[][] rows = new double[candidates.size()][];
        for (int i = 0; i < rows.length; i++) {
            Candidate c = candidates.get(i);
            double[] x = new double[dimension];
            x[0] = 1;
            for (int k = 0; k < sourceCount; k++) {
                x[1 + k] = standardised(c, used.get(k), means, scales);
            }
            x[1 + sourceCount + relations.indexOf(c.relation())] = 1;
            rows[i] = x;
        }
        double[] penalty = new double[dimension];
        for (int k = 1; k < dimension; k++) {
            penalty[k] = k <= sourceCount ? WEIGHT_PENALTY : OFFSET_PENALTY;
        }
        double[] theta = new double[dimension];
        double prior = (double) positives / truth.length;
        theta[0] = Math.log(prior / (1 - prior));
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] gradient = new double[dimension];
            double[][] hessian = new double[dimension][dimension];
            for (int i = 0; i < rows.length; i++) {
                double[] x = rows[i];
                double p = sigmoid(dot(theta, x));
                double residual = (truth[i] ? 1 : 0) - p;
                double w = p * (1 - p);
                for (int a = 0; a < dimension; a++) {
                    if (x[a] == 0) continue;
                    gradient[a] += residual * x[a];
                    for (int b = 0; b < dimension; b++) {
                        hessian[a][b] += w * x[a] * x[b];
                    }
                }
            }
            for (int k = 0; k < dimension; k++) {
                gradient[k] -= penalty[k] * theta[k];
                hessian[k][k] += penalty[k] + 1e-9;
            }
            double[] step = solve(hessian, gradient);
            // Newton's step, halved while it lowers the objective (it can overshoot on near-separable data)
            double before = objective(theta, rows, truth, penalty);
            double[] next = new double[dimension];
            double scale = 1;
            for (int halving = 0; halving < 30; halving++, scale /= 2) {
                for (int k = 0; k < dimension; k++) next[k] = theta[k] + scale * step[k];
                if (objective(next, rows, truth, penalty) >= before - 1e-12) break;
            }
            double size = 0;
            for (int k = 0; k < dimension; k++) {
                size = Math.max(size, Math.abs(next[k] - theta[k]));
                theta[k] = next[k];
            }
            if (size < 1e-9) {
                break;
            }
        }
        Map<Source, Double> weights = new TreeMap<>();
        for (int k = 0; k < sourceCount; k++) {
            weights.put(used.get(k), theta[1 + k]);
        }
        Map<String, Double> offsets = new TreeMap<>();
        for (int r = 0; r < relations.size(); r++) {
            offsets.put(relations.get(r), theta[1 + sourceCount + r]);
        }
        return new EvidenceFusion(used, textAggregation, means, scales, weights, theta[0], offsets);
    }

    /** The penalised log-likelihood. */
    private static double objective(double[] theta, double[][] rows, boolean[] truth, double[] penalty) {
        double sum = 0;
        for (int i = 0; i < rows.length; i++) {
            double z = dot(theta, rows[i]);
            // log sigmoid(z) or log sigmoid(-z), computed without overflow
            double signed = truth[i] ? z : -z;
            sum += signed >= 0 ? -Math.log1p(Math.exp(-signed)) : signed - Math.log1p(Math.exp(signed));
        }
        for (int k = 0; k < theta.length; k++) {
            sum -= 0.5 * penalty[k] * theta[k] * theta[k];
        }
        return sum;
    }

    /** As a Cypher map: what an evaluation returns and a write takes back as {@code fusion}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("evidence", sources.stream().map(Source::key).toList());
        map.put("textAggregation", textAggregation);
        map.put("means", byKey(means));
        map.put("scales", byKey(scales));
        map.put("weights", byKey(weights));
        map.put("intercept", intercept);
        map.put("offsets", new TreeMap<>(offsets));
        return map;
    }

    /** Reads {@link #toMap()}'s map back; a key missing or of the wrong kind is named in the error. */
    public static EvidenceFusion fromMap(Map<?, ?> map) {
        Object evidence = map.get("evidence");
        if (!(evidence instanceof List<?> list) || list.isEmpty()) {
            throw invalid("evidence", "a non-empty list of " + Source.keys());
        }
        List<Source> sources = list.stream().map(x -> Source.of(String.valueOf(x))).toList();
        Object aggregation = map.get("textAggregation");
        if (!(aggregation instanceof String a) || !TextEvidence.AGGREGATIONS.contains(a)) {
            throw invalid("textAggregation", "one of " + TextEvidence.AGGREGATIONS);
        }
        Map<Source, Double> means = sourceNumbers(map, "means", sources);
        Map<Source, Double> scales = sourceNumbers(map, "scales", sources);
        Map<Source, Double> weights = sourceNumbers(map, "weights", sources);
        if (!(map.get("intercept") instanceof Number intercept)) {
            throw invalid("intercept", "a number");
        }
        if (!(map.get("offsets") instanceof Map<?, ?> raw)) {
            throw invalid("offsets", "a map from relationship type to number");
        }
        Map<String, Double> offsets = new TreeMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (!(e.getValue() instanceof Number n)) {
                throw invalid("offsets", "a map from relationship type to number");
            }
            offsets.put(String.valueOf(e.getKey()), n.doubleValue());
        }
        return new EvidenceFusion(sources, a, means, scales, weights, intercept.doubleValue(), offsets);
    }

    private static Map<Source, Double> sourceNumbers(Map<?, ?> map, String key, List<Source> sources) {
        if (!(map.get(key) instanceof Map<?, ?> raw)) {
            throw invalid(key, "a map from each source of `evidence` to a number");
        }
        Map<Source, Double> numbers = new TreeMap<>();
        for (Source s : sources) {
            if (!(raw.get(s.key()) instanceof Number n)) {
                throw invalid(key, "a map from each source of `evidence` to a number; `" + s.key() + "` is missing");
            }
            numbers.put(s, n.doubleValue());
        }
        return numbers;
    }

    private static IllegalArgumentException invalid(String key, String expected) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "`fusion`.`%s` must be %s: pass the `fusion` map that ernie.relation.evaluate returns.",
                key, expected));
    }

    private static Map<String, Double> byKey(Map<Source, Double> values) {
        Map<String, Double> map = new LinkedHashMap<>();
        values.forEach((s, v) -> map.put(s.key(), v));
        return map;
    }

    private static double standardised(Candidate c, Source s, Map<Source, Double> means, Map<Source, Double> scales) {
        double x = c.feature(s);
        return Double.isFinite(x) ? (x - means.get(s)) / scales.get(s) : 0;
    }

    /** The log-odds of a probability kept a little inside (0, 1), so that 0 and 1 stay finite. */
    static double logit(double p) {
        double q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
        return Math.log(q / (1 - q));
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Solves {@code a x = b} by Gaussian elimination with partial pivoting ({@code a} symmetric positive definite). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
            }
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                if (f == 0) continue;
                for (int k = col; k <= n; k++) m[r][k] -= f * m[col][k];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
            x[r] = s / m[r][r];
        }
        return x;
    }
}
