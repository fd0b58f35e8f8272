package io.ernieneo4j.plugin.align;

import io.ernieneo4j.plugin.common.ConfigMap;

import java.util.Map;

/**
 * Configuration of {@code ernie.align.train}: the gold links and documents as {@code ernie.align.evaluate} reads
 * them, the linking model to start from ({@code model} with {@code descriptionProperty}), and the split by entity.
 *
 * @param testFraction share of gold entities held out to score the fit
 * @param randomSeed   seeds which entities are held out
 */
public record AlignTrainConfig(AlignEvaluateConfig evaluate, double testFraction, long randomSeed) {

    public static final double DEFAULT_TEST_FRACTION = 0.2;
    public static final long DEFAULT_SEED = 42;

    public static AlignTrainConfig from(Map<String, Object> configuration) {
        AlignEvaluateConfig evaluate = AlignEvaluateConfig.from(configuration, AlignConfig.Mode.TRAIN);
        if (evaluate.align().sentenceModel().isEmpty()) {
            throw new IllegalArgumentException("`model`: ernie.align.train fits the weights of a linking model; name "
                    + "the loaded one to start from in `model`, with `descriptionProperty`.");
        }
        ConfigMap config = ConfigMap.of(configuration, evaluate.align().toMap().keySet()); // keys checked already
        return new AlignTrainConfig(evaluate,
                config.doubleValue("testFraction", DEFAULT_TEST_FRACTION, 0.01, 0.99),
                config.longValue("randomSeed", DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE));
    }
}
