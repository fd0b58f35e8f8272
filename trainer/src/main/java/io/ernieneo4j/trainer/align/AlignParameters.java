package io.ernieneo4j.trainer.align;

import java.util.Locale;
import java.util.Objects;

/**
 * How mentions are found and linked.
 *
 * @param minLength     mentions shorter than this many characters (of the original text) are dropped
 * @param stopWords     drop one-word mentions of English function words ({@link StopWords})
 * @param minScore      mentions whose best candidate scores below this are dropped
 * @param contextWeight weight of context coherence against the prior, in [0, 1]; used only where the dictionary has
 *                      embeddings and the text has other mentions with embedded candidates
 * @param maxCandidates how many candidates each mention reports, best first
 * @param inflection    which inflected forms of a text's words reach a name's base form
 */
public record AlignParameters(int minLength, boolean stopWords, double minScore, double contextWeight,
                              int maxCandidates, Inflection inflection) {

    /** Inflected forms that reach a name, by WordNet's morphy (a trailing {@code 's} is always stripped). */
    public enum Inflection {
        /** Names match only as written, case and punctuation aside. */
        NONE,
        /** Noun plurals: morphy's noun rules and {@code noun.exc} ("dogs", "boxes", "geese"); what entity names need. */
        PLURAL,
        /** Every part of speech's rules and exceptions, unchecked ("barked" → "bark", but also "transporter" →
         *  "transport"); for a dictionary of verbs and adjectives, such as WordNet's. */
        ALL
    }

    public static final int DEFAULT_MIN_LENGTH = 2;
    public static final double DEFAULT_CONTEXT_WEIGHT = 0.5;
    public static final int DEFAULT_MAX_CANDIDATES = 5;

    public static final Inflection DEFAULT_INFLECTION = Inflection.PLURAL;

    public static final AlignParameters DEFAULTS = new AlignParameters(DEFAULT_MIN_LENGTH, true, 0.0,
            DEFAULT_CONTEXT_WEIGHT, DEFAULT_MAX_CANDIDATES, DEFAULT_INFLECTION);

    public AlignParameters {
        check(minLength >= 1, "minLength", minLength, "[1, ...]");
        check(minScore >= 0 && minScore <= 1, "minScore", minScore, "[0, 1]");
        check(contextWeight >= 0 && contextWeight <= 1, "contextWeight", contextWeight, "[0, 1]");
        check(maxCandidates >= 1, "maxCandidates", maxCandidates, "[1, ...]");
        Objects.requireNonNull(inflection, "inflection");
    }

    public AlignParameters withContextWeight(double weight) {
        return new AlignParameters(minLength, stopWords, minScore, weight, maxCandidates, inflection);
    }

    public AlignParameters withInflection(Inflection forms) {
        return new AlignParameters(minLength, stopWords, minScore, contextWeight, maxCandidates, forms);
    }

    private static void check(boolean ok, String key, Object value, String range) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%s`, but must be within the range %s.", key, value, range));
        }
    }
}
