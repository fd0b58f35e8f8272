package io.ernieneo4j.trainer.completion;

import java.util.List;
import java.util.Locale;

/**
 * What the text says about one candidate fact, over every sentence that mentions both entities: the relation model's
 * probability for each mention pair, aggregated as the strongest one ({@code max}) or as independent pieces of
 * evidence ({@code noisyOr}: {@code 1 - prod(1 - p)}, which grows with every sentence that supports the fact).
 */
public final class TextEvidence {

    public static final List<String> AGGREGATIONS = List.of("max", "noisyOr");

    private double max;
    private double logNone;
    private int sentences;

    /** Adds one mention pair's probability of the relation. */
    public void add(double probability) {
        max = Math.max(max, probability);
        logNone += Math.log1p(-Math.min(probability, 1 - 1e-9));
        sentences++;
    }

    public double max() {
        return max;
    }

    public double noisyOr() {
        return -Math.expm1(logNone);
    }

    /** The mention pairs added. */
    public int sentences() {
        return sentences;
    }

    /** The aggregate {@code aggregation} names. */
    public double value(String aggregation) {
        return switch (aggregation) {
            case "max" -> max();
            case "noisyOr" -> noisyOr();
            default -> throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `textAggregation` was `%s`, but must be one of %s.", aggregation, AGGREGATIONS));
        };
    }
}
