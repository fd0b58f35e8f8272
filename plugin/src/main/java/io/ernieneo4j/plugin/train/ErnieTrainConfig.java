package io.ernieneo4j.plugin.train;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.dataset.DatasetExportConfig;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.training.TrainingParameters;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of {@code ernie.type.train} and {@code ernie.relation.train}: how the graph is read (the keys of
 * ernie.dataset.export, less {@code directory} and {@code overwrite}, the TransE model under {@code transeModel}),
 * where fine-tuning starts, and the schedule (the keys and defaults of {@code ernie-trainer finetune}).
 *
 * @param graph        the graph reading, as ernie.dataset.export's
 * @param start        where fine-tuning starts
 * @param entityScale  multiplies the entity vectors into an ONNX {@code init}'s fresh entity side
 * @param noEntities   the baseline: the same architecture and schedule with no entity input
 * @param maxLength    word pieces per text, markers included
 * @param trainLimit   a seeded sample of this many training examples, 0 = all
 * @param devLimit     the same for dev
 * @param parameters   the schedule (seeded with the graph reading's {@code seed})
 * @param device       'auto', 'cpu' or 'gpu': where it trains and where the trained model is loaded
 * @param replace      whether an existing model folder of the name, and a loaded model of the name, may be replaced
 * @param resume       whether to go on from the checkpoint a terminated run of the name left, with the same
 *                     configuration and examples
 * @param sudo         whether to train although the memory estimate says it will not fit (GDS's key)
 */
public record ErnieTrainConfig(DatasetExportConfig graph, Start start, float entityScale, boolean noEntities, int maxLength, int trainLimit, int devLimit,
                               TrainingParameters parameters, String device, boolean replace,
                               boolean resume, boolean sudo, Map<String, Object> toMap) {

    public static final String MINILM = "minilm";
    public static final String BERT_BASE = "bert-base";
    public static final int DEFAULT_MAX_LENGTH = 64;

    private static final Set<String> TRAINING_KEYS = Set.of("init", "tokenizer", "architecture", "entityScale",
            "noEntities", "maxLength", "trainLimit", "devLimit", "epochs", "batchSize", "learningRate",
            "headLearningRate", "warmup", "weightDecay", "clipNorm", "patience", "checkpointSteps", "device", "replace",
            "resume", "sudo");

    /** The keys {@code task} accepts: typing also takes the {@code threshold} a type is predicted above. */
    static Set<String> keys(ErnieTask task) {
        Set<String> keys = new HashSet<>(DatasetExportConfig.TRAINING_KEYS);
        keys.addAll(TRAINING_KEYS);
        if (task == ErnieTask.TYPING) {
            keys.add("threshold");
        }
        return keys;
    }

    public static ErnieTrainConfig from(ErnieTask task, Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, keys(task));
        DatasetExportConfig graph = DatasetExportConfig.forTraining(config);
        TrainingParameters defaults = TrainingParameters.builder().build();
        TrainingParameters parameters = schedule(config, defaults.epochs(), graph.seed())
                .optHeadLearningRate(rate(config, "headLearningRate", defaults.headLearningRate(), 0))
                .optPatience(config.intValue("patience", defaults.patience(), 0, 1000))
                .optThreshold((float) config.doubleValue("threshold", defaults.threshold(), -100, 100))
                .build();
        return new ErnieTrainConfig(graph,
                Start.from(config),
                (float) config.doubleValue("entityScale", 1.0, 1e-6, 1000),
                config.bool("noEntities", false),
                config.intValue("maxLength", DEFAULT_MAX_LENGTH, 8, 512),
                config.intValue("trainLimit", 0, 0, Integer.MAX_VALUE),
                config.intValue("devLimit", 0, 0, Integer.MAX_VALUE),
                parameters,
                config.oneOf("device", DeviceChoice.AUTO,
                        List.of(DeviceChoice.AUTO, DeviceChoice.CPU, DeviceChoice.GPU)),
                config.bool("replace", false),
                config.bool("resume", false),
                config.bool("sudo", false),
                config.toMap());
    }

    /** The shape of an ONNX {@code init}, with the entity scale. */
    ErnieConfig onnxArchitecture() {
        return start.onnxArchitecture().withEntityScale(entityScale);
    }

    /**
     * Where training starts (fine-tuning and pretraining alike).
     *
     * @param init         the starting weights, relative to ernie.dir.models: a model folder (e.g. from
     *                     {@code pretrain}), an ONNX BERT, or the reference implementation's folder; empty: the
     *                     bundled MiniLM, when its jar is in the plugins folder
     * @param tokenizer    a tokenizer.json relative to ernie.dir.models; empty: the one in the {@code init} folder
     * @param architecture the shape of an ONNX {@code init}: {@code minilm} or {@code bert-base}
     */
    public record Start(Optional<String> init, Optional<String> tokenizer, String architecture) {

        static Start from(ConfigMap config) {
            return new Start(config.optionalString("init"), config.optionalString("tokenizer"),
                    config.oneOf("architecture", MINILM, List.of(MINILM, BERT_BASE)));
        }

        /** The shape of an ONNX {@code init}. */
        ErnieConfig onnxArchitecture() {
            return architecture.equals(BERT_BASE) ? ErnieConfig.bertBase() : ErnieConfig.miniLm();
        }
    }

    /**
     * The schedule keys fine-tuning and pretraining share, with the command line's defaults from the one place that
     * holds them (but {@code defaultEpochs}, which differ): {@code epochs}, {@code batchSize}, {@code learningRate},
     * {@code warmup}, {@code weightDecay}, {@code clipNorm}, {@code checkpointSteps}; seeded with {@code seed}.
     */
    static TrainingParameters.Builder schedule(ConfigMap config, int defaultEpochs, long seed) {
        TrainingParameters defaults = TrainingParameters.builder().build();
        return TrainingParameters.builder()
                .optEpochs(config.intValue("epochs", defaultEpochs, 1, 1000))
                .optBatchSize(config.intValue("batchSize", defaults.batchSize(), 1, 4096))
                .optLearningRate(rate(config, "learningRate", defaults.learningRate(), Double.MIN_VALUE))
                .optWarmupFraction(rate(config, "warmup", defaults.warmupFraction(), 0))
                .optWeightDecay(rate(config, "weightDecay", defaults.weightDecay(), 0))
                .optClipNorm((float) config.doubleValue("clipNorm", defaults.clipNorm(), 0, 1000))
                .optCheckpointSteps(config.intValue("checkpointSteps", 0, 0, Integer.MAX_VALUE))
                .optSeed(seed);
    }

    static float rate(ConfigMap config, String key, float defaultValue, double min) {
        return (float) config.doubleValue(key, defaultValue, min, 1.0);
    }
}
