package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.ConfigMap;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of {@code ernie.transe.evaluate}: the model, and the held-out triples, either the stored
 * relationships whose {@code splitProperty} equals {@code evaluationSplit} or an explicit {@code triples} list.
 */
record TransEEvaluateConfig(String modelName, String splitProperty, String evaluationSplit,
                            Optional<List<Map<String, Object>>> triples, boolean perRelation, int concurrency,
                            Map<String, Object> toMap) {

    private static final Set<String> KEYS = Set.of("modelName", "splitProperty", "evaluationSplit", "triples",
            "perRelation", "concurrency");

    static TransEEvaluateConfig from(Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, KEYS);
        Object triples = config.toMap().get("triples");
        return new TransEEvaluateConfig(config.requireString("modelName"), config.string("splitProperty", "split"),
                config.string("evaluationSplit", "test"), Optional.ofNullable(triples).map(TransEEvaluateConfig::tripleList),
                config.bool("perRelation", false),
                config.intValue("concurrency", Math.min(4, Runtime.getRuntime().availableProcessors()), 1, 1024),
                config.toMap());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tripleList(Object triples) {
        if (triples instanceof List<?> list && list.stream().allMatch(t -> t instanceof Map)) {
            return (List<Map<String, Object>>) list;
        }
        throw new IllegalArgumentException("The value of `triples` must be a list of maps {head, relationshipType, tail}.");
    }
}
