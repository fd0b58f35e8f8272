package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.trainer.dataset.DatasetParameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of {@code ernie.dataset.export}: which documents, TransE model, types and relationships become the
 * trainer's files, how they are split, and where they go.
 *
 * @param directory         the folder to write, relative to the configured datasets folder
 * @param documentLabel     label of the document nodes
 * @param textProperty      their text
 * @param modelName         the TransE model whose entity table names the entities and gives their vectors
 * @param typeProperty      entity property holding the typing labels (a string or a list of strings); null when
 *                          only the pretraining corpus is read
 * @param relationshipTypes relationship types that label entity pairs; empty: the TransE model's types
 * @param negativeRatio     {@code no_relation} pairs per related pair, sampled per split
 * @param splitRatios       shares of the documents in train, dev and test
 * @param seed              seeds the split and the negative sample
 * @param minLinkScore      mentions whose linker score is lower are left out, as ERNIE's inference does
 * @param typingMinLinkScore the linker score a mention needs to become a typing example (its label is the linked
 *                          entity's type, so a wrong link is a wrong label); at least {@code minLinkScore}, which is
 *                          the default. The mention is still an entity input of every example of its document.
 * @param overwrite         whether a folder that already holds files may be replaced
 * @param splitProperty     when set, a relationship whose property holds another value than {@code trainSplit} is
 *                          held out (the dev and test edges of a link-prediction split): no edge between its two
 *                          nodes labels their pair (an inverse edge states the same fact), nor is the pair a
 *                          {@code no_relation}, so a model fine-tuned on the files never reads the held-out facts that
 *                          ernie.relation.evaluate scores it on
 * @param trainSplit        the value of the relationships that label pairs
 */
public record DatasetExportConfig(String directory, String documentLabel, String textProperty, String modelName,
                                  String typeProperty, List<String> relationshipTypes, double negativeRatio,
                                  List<Double> splitRatios, long seed, double minLinkScore,
                                  double typingMinLinkScore, boolean overwrite,
                                  java.util.Optional<String> splitProperty, String trainSplit,
                                  Map<String, Object> toMap) {

    public static final List<Double> DEFAULT_SPLIT_RATIOS = List.of(0.8, 0.1, 0.1);
    public static final double DEFAULT_NEGATIVE_RATIO = 1.0;
    public static final long DEFAULT_SEED = 42;
    static final Set<String> KEYS = Set.of("directory", "documentLabel", "textProperty", "modelName", "typeProperty",
            "relationshipTypes", "negativeRatio", "splitRatios", "seed", "minLinkScore", "typingMinLinkScore",
            "overwrite", "splitProperty", "trainSplit");

    /** What the trainer's dataset builder needs; no relationship types configured means {@code modelTypes}. */
    DatasetParameters parameters(List<String> modelTypes) {
        return new DatasetParameters(typeProperty, relationshipTypes.isEmpty() ? modelTypes : relationshipTypes,
                negativeRatio, splitRatios, seed, typingMinLinkScore);
    }

    public static DatasetExportConfig from(Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, KEYS);
        return read(config, config.requireString("directory"), "modelName", config.bool("overwrite", false));
    }

    /**
     * The keys a training procedure reads the graph with: these less {@code directory} and {@code overwrite}, the
     * TransE model under {@code transeModel} (its own first argument is the new model's name).
     */
    public static final Set<String> TRAINING_KEYS = Set.of("documentLabel", "textProperty", "transeModel",
            "typeProperty", "relationshipTypes", "negativeRatio", "splitRatios", "seed", "minLinkScore",
            "typingMinLinkScore", "splitProperty", "trainSplit");

    /**
     * The graph reading of a training procedure's configuration ({@link #TRAINING_KEYS}; the caller checked the
     * keys): what ernie.dataset.export would read, kept in memory. {@code directory} is null.
     */
    public static DatasetExportConfig forTraining(ConfigMap config) {
        return read(config, null, "transeModel", false);
    }

    /** The keys ernie.model.pretrain reads the graph with: the documents, their text and mentions, the TransE model. */
    public static final Set<String> PRETRAINING_KEYS = Set.of("documentLabel", "textProperty", "transeModel",
            "minLinkScore", "seed");

    /**
     * The corpus reading of ernie.model.pretrain's configuration ({@link #PRETRAINING_KEYS}; the caller checked the
     * keys): the documents and their mentions only, so {@code typeProperty} is null and no relationship is read.
     */
    public static DatasetExportConfig forPretraining(ConfigMap config) {
        double minLinkScore = config.doubleValue("minLinkScore", 0.0, 0.0, 1.0);
        return new DatasetExportConfig(null, config.requireString("documentLabel"), config.string("textProperty", "text"),
                config.requireString("transeModel"), null, List.of(), DEFAULT_NEGATIVE_RATIO, DEFAULT_SPLIT_RATIOS,
                config.longValue("seed", DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE), minLinkScore, minLinkScore,
                false, java.util.Optional.empty(), "train", config.toMap());
    }

    /** @param modelKey the key that names the TransE model */
    private static DatasetExportConfig read(ConfigMap config, String directory, String modelKey, boolean overwrite) {
        double minLinkScore = config.doubleValue("minLinkScore", 0.0, 0.0, 1.0);
        double typingMinLinkScore = config.doubleValue("typingMinLinkScore", minLinkScore, 0.0, 1.0);
        if (typingMinLinkScore < minLinkScore) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Value for `typingMinLinkScore` was %s, "
                    + "but must be at least `minLinkScore` (%s): mentions under `minLinkScore` are not read at all.",
                    typingMinLinkScore, minLinkScore));
        }
        return new DatasetExportConfig(
                directory,
                config.requireString("documentLabel"),
                config.string("textProperty", "text"),
                config.requireString(modelKey),
                config.requireString("typeProperty"),
                config.stringList("relationshipTypes"),
                config.doubleValue("negativeRatio", DEFAULT_NEGATIVE_RATIO, 0.0, 100.0),
                splitRatios(config.toMap().get("splitRatios")),
                config.longValue("seed", DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
                minLinkScore,
                typingMinLinkScore,
                overwrite,
                config.optionalString("splitProperty"),
                config.string("trainSplit", "train"),
                config.toMap());
    }

    /** Three shares (train, dev, test) in [0, 1] that sum to 1, train above 0. */
    static List<Double> splitRatios(Object raw) {
        if (raw == null) {
            return DEFAULT_SPLIT_RATIOS;
        }
        List<Double> ratios = new ArrayList<>();
        if (raw instanceof List<?> list) {
            for (Object value : list) {
                if (!(value instanceof Number n)) {
                    ratios = null;
                    break;
                }
                ratios.add(n.doubleValue());
            }
        } else {
            ratios = null;
        }
        if (ratios == null || ratios.size() != 3 || ratios.stream().anyMatch(r -> !(r >= 0 && r <= 1))
                || Math.abs(ratios.get(0) + ratios.get(1) + ratios.get(2) - 1) > 1e-6 || !(ratios.get(0) > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Value for `splitRatios` was `%s`, but "
                    + "must be three numbers [train, dev, test] within [0, 1] that sum to 1, train above 0 "
                    + "(default %s).", raw, DEFAULT_SPLIT_RATIOS));
        }
        return List.copyOf(ratios);
    }
}
