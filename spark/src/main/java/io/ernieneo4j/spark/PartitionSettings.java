package io.ernieneo4j.spark;

import io.ernieneo4j.trainer.align.AlignParameters;

import java.io.Serializable;
import java.util.List;

/**
 * What each executor needs of the job's configuration, in a form Java serialization ships with the tasks (the
 * trainer's records and {@code Optional} are not serializable): plain values, null where a setting is absent.
 *
 * @param runId       this run's id: what an executor's cached dictionary is kept under (broadcast ids restart with
 *                    every Spark application, and a JVM may outlive one in local mode)
 * @param model       the ERNIE typing model folder, or null to link only
 * @param transeModel the TransE model folder, or null
 * @param temperature the calibration temperature, or NaN for the model's own probabilities
 * @param relationModel the ERNIE relation model folder, or null to classify no relations
 * @param relationTranseModel its TransE model folder, or null
 */
record PartitionSettings(String runId, List<String> entityLabels, List<String> nameProperties, int minLength, boolean stopWords,
                         double minScore, double contextWeight, int maxCandidates,
                         AlignParameters.Inflection inflection, int maxTextLength, String textProperty,
                         String model, String transeModel, double threshold, double minLinkScore, int batchSize,
                         double temperature, int inferenceSlots, int inferenceThreads, String djlCache,
                         String relationModel, String relationTranseModel, double relationThreshold)
        implements Serializable {

    static PartitionSettings of(SparkJobConfig config, double temperature) {
        AlignParameters a = config.align();
        return new PartitionSettings(java.util.UUID.randomUUID().toString(), List.copyOf(config.entityLabels()), List.copyOf(config.nameProperties()),
                a.minLength(), a.stopWords(), a.minScore(), a.contextWeight(), a.maxCandidates(), a.inflection(),
                config.maxTextLength(), config.textProperty(), config.model().orElse(null),
                config.transeModel().orElse(null), config.threshold(), config.minLinkScore(), config.batchSize(),
                temperature, config.inferenceSlots(), config.inferenceThreads(), config.djlCache().orElse(null),
                config.relationModel().orElse(null), config.relationTranseModel().orElse(null),
                config.relationThreshold());
    }

    AlignParameters align() {
        return new AlignParameters(minLength, stopWords, minScore, contextWeight, maxCandidates, inflection);
    }

    boolean typing() {
        return model != null;
    }

    boolean relations() {
        return relationModel != null;
    }
}
