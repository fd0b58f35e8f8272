package io.ernieneo4j.trainer.training;

import java.util.Locale;

/**
 * How a fine-tuning run trains. Defaults follow the reference's fine-tuning (AdamW, weight decay 0.01 off biases
 * and LayerNorms, clipping at 1.0, linear warm-up then linear decay), with a learning rate suited to MiniLM.
 *
 * @param epochs           passes over the training set at most
 * @param batchSize        sequences per optimiser step
 * @param learningRate     peak learning rate
 * @param headLearningRate peak learning rate of the parameters the starting checkpoint did not provide (task head,
 *                         a missing pooler, a fresh entity side); 0 = {@code learningRate}. A larger one keeps a
 *                         fresh head from lagging behind the encoder: all-MiniLM has no pooler, and at 5e-5 for
 *                         everything the encoder collapsed to the label prior before the head could learn.
 * @param warmupFraction   share of all steps spent warming up
 * @param weightDecay      decoupled weight decay of the weight matrices
 * @param clipNorm         global gradient-norm clip (0 = off)
 * @param patience         stop after this many epochs without a better dev score (0 = never stop early)
 * @param seed             seeds batch order, dropout and fresh parameters
 * @param evalBatchSize    sequences per evaluation batch
 * @param checkpointSteps  also checkpoint every this many steps (0 = only at the end of each epoch)
 * @param threshold        typing: a type is predicted when its logit exceeds this (0 = probability 0.5)
 */
public record TrainingParameters(int epochs, int batchSize, float learningRate, float headLearningRate,
                                 float warmupFraction,
                                 float weightDecay, float clipNorm, int patience, long seed, int evalBatchSize,
                                 int checkpointSteps, float threshold) {

    public TrainingParameters {
        atLeast("epochs", epochs, 1);
        atLeast("batchSize", batchSize, 1);
        atLeast("evalBatchSize", evalBatchSize, 1);
        atLeast("patience", patience, 0);
        atLeast("checkpointSteps", checkpointSteps, 0);
        if (!(learningRate > 0)) {
            throw invalid("learningRate", learningRate, "a positive number");
        }
        if (!(headLearningRate >= 0)) {
            throw invalid("headLearningRate", headLearningRate, "at least 0");
        }
        if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
            throw invalid("warmupFraction", warmupFraction, "within the range [0, 1]");
        }
        if (!(weightDecay >= 0) || !(clipNorm >= 0)) {
            throw invalid(weightDecay < 0 ? "weightDecay" : "clipNorm", weightDecay < 0 ? weightDecay : clipNorm,
                    "at least 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the defaults above; every setter is optional. */
    public static final class Builder {
        private int epochs = 3;
        private int batchSize = 32;
        private float learningRate = 5e-5f;
        private float headLearningRate = 1e-3f;
        private float warmupFraction = 0.1f;
        private float weightDecay = 0.01f;
        private float clipNorm = 1f;
        private int patience = 2;
        private long seed = 42;
        private int evalBatchSize = 64;
        private int checkpointSteps = 0;
        private float threshold = 0f;

        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder optLearningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optHeadLearningRate(float headLearningRate) {
            this.headLearningRate = headLearningRate;
            return this;
        }

        public Builder optWarmupFraction(float warmupFraction) {
            this.warmupFraction = warmupFraction;
            return this;
        }

        public Builder optWeightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder optClipNorm(float clipNorm) {
            this.clipNorm = clipNorm;
            return this;
        }

        public Builder optPatience(int patience) {
            this.patience = patience;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optEvalBatchSize(int evalBatchSize) {
            this.evalBatchSize = evalBatchSize;
            return this;
        }

        public Builder optCheckpointSteps(int checkpointSteps) {
            this.checkpointSteps = checkpointSteps;
            return this;
        }

        public Builder optThreshold(float threshold) {
            this.threshold = threshold;
            return this;
        }

        public TrainingParameters build() {
            return new TrainingParameters(epochs, batchSize, learningRate, headLearningRate, warmupFraction,
                    weightDecay, clipNorm, patience, seed, evalBatchSize, checkpointSteps, threshold);
        }
    }

    /** The head's learning rate over the encoder's (1 when they are the same). */
    public float headRateFactor() {
        return headLearningRate == 0f ? 1f : headLearningRate / learningRate;
    }

    private static void atLeast(String key, int value, int minimum) {
        if (value < minimum) {
            throw invalid(key, value, "at least " + minimum);
        }
    }

    private static IllegalArgumentException invalid(String key, Object value, String allowed) {
        return new IllegalArgumentException(String.format(Locale.ROOT, "Value for `%s` was `%s`, but must be %s.",
                key, value, allowed));
    }
}
