package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.trainer.transe.LinkPredictor.Side;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of {@code ernie.transe.predict.stream} and {@code .write}: which model, which relationship type,
 * the given nodes and how many candidates each; for write, the threshold and where the predictions go.
 *
 * @param given                 the nodes (or node ids) named by {@code heads} or {@code tails}, resolved later
 * @param side                  {@link Side#TAILS} for {@code heads} (their tails are predicted), else
 *                              {@link Side#HEADS}
 * @param writeRelationshipType the type written (write only; the predicted type by default)
 */
record TransEPredictConfig(String modelName, String relationshipType, List<Object> given, Side side, int topK,
                           double threshold, String writeRelationshipType, int batchSize, Map<String, Object> toMap) {

    static final int DEFAULT_TOP_K = 10;
    static final int DEFAULT_BATCH_SIZE = 10_000;

    // `concurrency` is accepted as before; one request ranks one given node at a time
    private static final Set<String> STREAM_KEYS = Set.of("modelName", "relationshipType", "heads", "tails", "topK",
            "concurrency");
    private static final Set<String> WRITE_KEYS = Set.of("modelName", "relationshipType", "heads", "tails", "topK",
            "concurrency", "threshold", "writeRelationshipType", "batchSize");

    /** The key the given nodes came under: {@code heads} or {@code tails}. */
    String givenKey() {
        return side == Side.TAILS ? "heads" : "tails";
    }

    static TransEPredictConfig from(Map<String, Object> configuration, boolean write) {
        ConfigMap config = ConfigMap.of(configuration, write ? WRITE_KEYS : STREAM_KEYS);
        String modelName = config.requireString("modelName");
        String type = config.requireString("relationshipType");
        int topK = config.intValue("topK", DEFAULT_TOP_K, 1, 100_000);
        config.intValue("concurrency", 1, 1, 1_024);
        boolean heads = config.containsKey("heads");
        if (heads == config.containsKey("tails")) {
            throw new IllegalArgumentException("Give exactly one of `heads` (to predict their tails) and `tails` "
                    + "(to predict their heads).");
        }
        Object given = config.toMap().get(heads ? "heads" : "tails");
        List<Object> nodes = given instanceof List<?> list ? new java.util.ArrayList<>(list) : List.of(given);
        return new TransEPredictConfig(modelName, type, nodes, heads ? Side.TAILS : Side.HEADS, topK,
                config.doubleValue("threshold", 0.0, 0.0, 1.0), config.string("writeRelationshipType", type),
                config.intValue("batchSize", DEFAULT_BATCH_SIZE, 1, 1_000_000), config.toMap());
    }
}
