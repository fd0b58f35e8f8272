package io.ernieneo4j.trainer.pretrain;

import io.ernieneo4j.trainer.training.TrainingParameters;

import java.util.Locale;

/**
 * How a pretraining run trains: the shared schedule (epochs, batch size, learning rate, warm-up, weight decay,
 * clipping, seed, checkpoint interval; patience, evaluation batch and threshold are not used) plus the masked-LM
 * settings.
 *
 * @param training        the optimiser and schedule, as fine-tuning takes them
 * @param maskProbability share of word pieces predicted (BERT: 0.15)
 * @param maxPredictions  masked-LM predictions per sequence at most (reference: 40 at length 256)
 * @param freezePretrained whether the weights the starting checkpoint provided stay as they are: only what it lacks
 *                        (the K-Encoder's entity side when starting from a plain BERT) and the two heads train
 */
public record PretrainParameters(TrainingParameters training, float maskProbability, int maxPredictions,
                                 boolean freezePretrained) {

    public PretrainParameters {
        if (!(maskProbability > 0 && maskProbability < 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `maskProbability` was `%s`, but must be within the range (0, 1).", maskProbability));
        }
        if (maxPredictions < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `maxPredictions` was `%d`, but must be at least 1.", maxPredictions));
        }
    }
}
