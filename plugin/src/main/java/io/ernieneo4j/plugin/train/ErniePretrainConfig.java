package io.ernieneo4j.plugin.train;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.dataset.DatasetExportConfig;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.pretrain.PretrainParameters;
import io.ernieneo4j.trainer.training.TrainingParameters;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of {@code ernie.model.pretrain}: the corpus read from the graph (the documents, their text and
 * MENTIONS, the TransE model under {@code transeModel}), where pretraining starts, and the schedule (the keys and
 * defaults of {@code ernie-trainer pretrain}).
 *
 * @param graph      the corpus reading: {@code documentLabel}, {@code textProperty}, {@code transeModel},
 *                   {@code minLinkScore}, {@code seed} (also seeds training)
 * @param start      where pretraining starts: {@code init}, {@code tokenizer}, {@code architecture}
 * @param maxLength  word pieces per text, [CLS] and [SEP] included; longer texts are cut
 * @param parameters the schedule and the masked-LM settings
 * @param device     'auto', 'cpu' or 'gpu'
 * @param replace    whether an existing model folder of the name may be replaced
 * @param resume     whether to go on from the checkpoint a terminated run of the name left
 * @param sudo       whether to train although the memory estimate says it will not fit
 */
public record ErniePretrainConfig(DatasetExportConfig graph, ErnieTrainConfig.Start start, int maxLength,
                                  PretrainParameters parameters, String device, boolean replace, boolean resume,
                                  boolean sudo, Map<String, Object> toMap) {

    /** The command line's defaults, which differ from fine-tuning's. */
    static final int DEFAULT_EPOCHS = 1;
    static final float DEFAULT_MASK_PROBABILITY = 0.15f;
    static final int DEFAULT_MAX_PREDICTIONS = 20;

    private static final Set<String> KEYS = Set.of("init", "tokenizer", "architecture", "maxLength",
            "maskProbability", "maxPredictions", "freezePretrained", "epochs", "batchSize", "learningRate", "warmup",
            "weightDecay", "clipNorm", "checkpointSteps", "device", "replace", "resume", "sudo");

    public static ErniePretrainConfig from(Map<String, Object> configuration) {
        Set<String> keys = new HashSet<>(DatasetExportConfig.PRETRAINING_KEYS);
        keys.addAll(KEYS);
        ConfigMap config = ConfigMap.of(configuration, keys);
        DatasetExportConfig graph = DatasetExportConfig.forPretraining(config);
        TrainingParameters training = ErnieTrainConfig.schedule(config, DEFAULT_EPOCHS, graph.seed())
                .optPatience(0)
                .build();
        PretrainParameters parameters = new PretrainParameters(training,
                (float) config.doubleValue("maskProbability", DEFAULT_MASK_PROBABILITY, 0.001, 0.999),
                config.intValue("maxPredictions", DEFAULT_MAX_PREDICTIONS, 1, 512),
                config.bool("freezePretrained", false));
        return new ErniePretrainConfig(graph, ErnieTrainConfig.Start.from(config),
                config.intValue("maxLength", ErnieTrainConfig.DEFAULT_MAX_LENGTH, 8, 512),
                parameters,
                config.oneOf("device", DeviceChoice.AUTO,
                        List.of(DeviceChoice.AUTO, DeviceChoice.CPU, DeviceChoice.GPU)),
                config.bool("replace", false),
                config.bool("resume", false),
                config.bool("sudo", false),
                config.toMap());
    }
}
