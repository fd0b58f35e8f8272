package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import io.ernieneo4j.trainer.transe.TransEParameters;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of {@code ernie.transe.train}, {@code .stream}, {@code .stats} and {@code .train.estimate}: which graph
 * to learn from, TransE's hyper-parameters, and (train only) where the result goes.
 *
 * @param nodeLabels        only relationships between nodes with one of these labels (empty: any node)
 * @param relationshipTypes the relations to learn (empty: every type in use)
 * @param graphName         a graph projected in GDS's catalog to read instead of the store
 * @param splitProperty     when set, only relationships whose property equals {@code trainSplit} are learnt (stored
 *                          graph only: a GDS projection cannot carry it)
 * @param modelName         the name the trained model is kept under (train only)
 * @param writeProperty     node property that receives the embedding as {@code float[]} (train only; optional)
 * @param keyProperty       the node property whose value names each entity in the stored model (train only; by
 *                          default the node's elementId)
 * @param incremental       update the stored model {@code modelName} to the graph as it is now instead of training
 *                          from scratch (train only): unset keys take the stored run's values
 */
public record TransEConfig(
        List<String> nodeLabels,
        List<String> relationshipTypes,
        Optional<String> graphName,
        Optional<String> splitProperty,
        String trainSplit,
        TransEParameters parameters,
        Optional<String> modelName,
        Optional<String> writeProperty,
        Optional<String> keyProperty,
        boolean incremental,
        Map<String, Object> toMap) {

    public static final int DEFAULT_DIMENSIONS = 100;
    public static final int DEFAULT_BATCH_SIZE = 10_000;
    public static final long DEFAULT_SEED = 42;

    /** The modes, each with the keys it accepts beyond the common ones. */
    public enum Mode {
        TRAIN(Set.of("modelName", "writeProperty", "keyProperty", "incremental")),
        STREAM(Set.of()),
        STATS(Set.of()),
        ESTIMATE(Set.of("modelName", "writeProperty", "keyProperty"));

        private final Set<String> extraKeys;

        Mode(Set<String> extraKeys) {
            this.extraKeys = extraKeys;
        }
    }

    private static final Set<String> COMMON_KEYS = Set.of("nodeLabels", "relationshipTypes", "graphName",
            "splitProperty", "trainSplit", "dimensions", "epochs", "learningRate", "margin", "norm",
            "negativeSampling", "negatives", "batchSize", "concurrency", "randomSeed", "initialisation",
            "normalizeRelations");

    /**
     * The configuration of an incremental update: {@code given} over the configuration {@code stored} with the model
     * (what its last run was given), less {@code incremental}. The graph selection, the vectors' shape and the entity
     * key cannot change, since the stored vectors and triples are in their terms; a given key that changes one is
     * refused, naming it.
     */
    public static TransEConfig incremental(Map<String, Object> given, Map<String, Object> stored) {
        Map<String, Object> merged = new LinkedHashMap<>(stored);
        merged.putAll(given);
        merged.remove("incremental");
        TransEConfig before = from(stored, Mode.TRAIN);
        TransEConfig after = from(merged, Mode.TRAIN);
        String model = after.modelName().orElseThrow();
        requireSame("nodeLabels", before.nodeLabels(), after.nodeLabels(), model);
        requireSame("relationshipTypes", before.relationshipTypes(), after.relationshipTypes(), model);
        requireSame("graphName", before.graphName(), after.graphName(), model);
        requireSame("splitProperty", before.splitProperty(), after.splitProperty(), model);
        requireSame("trainSplit", before.trainSplit(), after.trainSplit(), model);
        requireSame("keyProperty", before.keyProperty(), after.keyProperty(), model);
        requireSame("dimensions", before.parameters().dimensions(), after.parameters().dimensions(), model);
        requireSame("norm", before.parameters().norm(), after.parameters().norm(), model);
        return new TransEConfig(after.nodeLabels(), after.relationshipTypes(), after.graphName(),
                after.splitProperty(), after.trainSplit(), after.parameters(), after.modelName(),
                after.writeProperty(), after.keyProperty(), true, withIncremental(merged));
    }

    private static Map<String, Object> withIncremental(Map<String, Object> merged) {
        Map<String, Object> shown = new LinkedHashMap<>(merged);
        shown.put("incremental", true);
        return shown;
    }

    private static void requireSame(String key, Object before, Object after, String model) {
        if (!before.equals(after)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "`%s` cannot change in an incremental "
                    + "update: model `%s` was trained with %s, given %s. Leave it out to keep the model's, or train "
                    + "without `incremental` to start again.", key, model, shown(before), shown(after)));
        }
    }

    private static String shown(Object value) {
        Object plain = value instanceof Optional<?> optional ? optional.map(Object::toString).orElse("none") : value;
        return plain instanceof String ? "`" + plain + "`" : String.valueOf(plain);
    }

    public static TransEConfig from(Map<String, Object> configuration, Mode mode) {
        Set<String> keys = new HashSet<>(COMMON_KEYS);
        keys.addAll(mode.extraKeys);
        ConfigMap config = ConfigMap.of(configuration, keys);
        List<String> labels = config.stringList("nodeLabels");
        List<String> types = config.stringList("relationshipTypes");
        Optional<String> graphName = config.optionalString("graphName");
        if (graphName.isPresent() && !labels.isEmpty()) {
            throw new IllegalArgumentException("`graphName` and `nodeLabels` exclude each other: a projected graph "
                    + "already chose its nodes.");
        }
        Optional<String> splitProperty = config.optionalString("splitProperty");
        if (graphName.isPresent() && splitProperty.isPresent()) {
            // GDS projects only numeric relationship properties, so a split could not be read from the projection
            throw new IllegalArgumentException("`graphName` and `splitProperty` exclude each other: a GDS projection "
                    + "keeps only numeric relationship properties, so the split cannot be read from it and held-out "
                    + "relationships would be learnt. Either project only the training relationships (e.g. "
                    + "gds.graph.project.cypher with `WHERE r.split = 'train'`) and pass `graphName` alone, or leave "
                    + "out `graphName` to read the stored graph with `splitProperty`.");
        }
        TransEParameters parameters = new TransEParameters(
                config.intValue("dimensions", DEFAULT_DIMENSIONS, 1, 4096),
                config.intValue("epochs", TransEParameters.DEFAULT_EPOCHS, 1, 1_000_000),
                config.doubleValue("learningRate", TransEParameters.DEFAULT_LEARNING_RATE, 1e-9, 10),
                config.doubleValue("margin", TransEParameters.DEFAULT_MARGIN, 1e-9, 1_000),
                Norm.valueOf(config.oneOf("norm", "L1", List.of("L1", "L2"))),
                NegativeSampling.valueOf(config.oneOf("negativeSampling",
                        TransEParameters.DEFAULT_NEGATIVE_SAMPLING_NAME, List.of("uniform", "bern"))
                        .toUpperCase(Locale.ROOT)),
                config.intValue("negatives", 1, 1, 1_000),
                config.intValue("batchSize", DEFAULT_BATCH_SIZE, 1, Integer.MAX_VALUE),
                config.intValue("concurrency", Math.min(4, Runtime.getRuntime().availableProcessors()), 1, 1_024),
                config.longValue("randomSeed", DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
                Initialisation.valueOf(config.oneOf("initialisation", TransEParameters.DEFAULT_INITIALISATION_NAME,
                        List.of("uniform_unit", "small_normal")).toUpperCase(Locale.ROOT)),
                config.bool("normalizeRelations", TransEParameters.DEFAULT_NORMALIZE_RELATIONS));
        Optional<String> modelName = config.optionalString("modelName");
        if (mode == Mode.TRAIN && modelName.isEmpty()) {
            throw new IllegalArgumentException(
                    "No value specified for the mandatory configuration parameter `modelName`.");
        }
        return new TransEConfig(labels, types, graphName, splitProperty,
                config.string("trainSplit", "train"), parameters, modelName, config.optionalString("writeProperty"),
                config.optionalString("keyProperty"), config.bool("incremental", false), config.toMap());
    }
}
