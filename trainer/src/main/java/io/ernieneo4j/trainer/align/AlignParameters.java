package io.ernieneo4j.trainer.align;

import java.util.Locale;

/**
 * How mentions are found and linked.
 *
 * @param minLength     mentions shorter than this many characters (of the original text) are dropped
 * @param stopWords     drop one-word mentions of English function words ({@link StopWords})
 * @param minScore      mentions whose best candidate scores below this are dropped
 * @param contextWeight weight of context coherence against the prior, in [0, 1]; used only where the dictionary has
 *                      embeddings and the text has other mentions with embedded candidates
 * @param maxCandidates how many candidates each mention reports, best first
 */
public record AlignParameters(int minLength, boolean stopWords, double minScore, double contextWeight,
                              int maxCandidates) {

    public static final int DEFAULT_MIN_LENGTH = 2;
    public static final double DEFAULT_CONTEXT_WEIGHT = 0.5;
    public static final int DEFAULT_MAX_CANDIDATES = 5;

    public static final AlignParameters DEFAULTS = new AlignParameters(DEFAULT_MIN_LENGTH, true, 0.0,
            DEFAULT_CONTEXT_WEIGHT, DEFAULT_MAX_CANDIDATES);

    public AlignParameters {
        check(minLength >= 1, "minLength", minLength, "[1, ...]");
        check(minScore >= 0 && minScore <= 1, "minScore", minScore, "[0, 1]");
        check(contextWeight >= 0 && contextWeight <= 1, "contextWeight", contextWeight, "[0, 1]");
        check(maxCandidates >= 1, "maxCandidates", maxCandidates, "[1, ...]");
    }

    public AlignParameters withContextWeight(double weight) {
        return new AlignParameters(minLength, stopWords, minScore, weight, maxCandidates);
    }

    private static void check(boolean ok, String key, Object value, String range) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%s`, but must be within the range %s.", key, value, range));
        }
    }
}
