package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.transe.TransEModelRegistry;
import io.ernieneo4j.trainer.completion.EvidenceFusion;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.GraphDatabaseService;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fusion as ernie.relation.evaluate fits it and ernie.relation.write and .explain take it back: the weights, and
 * what its features were read with (the node types' property, the TransE model), so a later call computes the same
 * features.
 *
 * @param transe          the TransE model of the graph evidence; null when the fusion does not use it
 * @param transitiveTypes the relationship types whose chains stated facts when it was fitted: a fact they imply is
 *                        known, so a write leaves it alone
 */
record FittedFusion(EvidenceFusion fusion, Optional<String> typeProperty, TransEModelFiles.NamedModel transe,
                    List<String> transitiveTypes) {

    FittedFusion {
        transitiveTypes = List.copyOf(transitiveTypes);
    }

    /** The `fusion` configuration value: absent, or the map {@link #toMap()} gave. */
    static Optional<FittedFusion> from(Object raw, GraphDatabaseService db) {
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("`fusion` must be the map ernie.relation.evaluate returns as `fusion`.");
        }
        EvidenceFusion fusion = EvidenceFusion.fromMap(map);
        TransEModelFiles.NamedModel transe = map.get("transeModel") instanceof String name
                && fusion.sources().contains(EvidenceFusion.Source.GRAPH) ? TransEModelRegistry.load(db, name) : null;
        Optional<String> typeProperty = map.get("typeProperty") instanceof String t ? Optional.of(t) : Optional.empty();
        Object transitive = map.get("transitiveTypes");
        if (transitive != null
                && !(transitive instanceof List<?> list && list.stream().allMatch(String.class::isInstance))) {
            throw new IllegalArgumentException("`fusion`.`transitiveTypes` must be a list of relationship types: pass "
                    + "the `fusion` map that ernie.relation.evaluate returns.");
        }
        List<String> transitiveTypes = transitive == null ? List.of()
                : ((List<?>) transitive).stream().map(String.class::cast).toList();
        return Optional.of(new FittedFusion(fusion, typeProperty, transe, transitiveTypes));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>(fusion.toMap());
        map.put("typeProperty", typeProperty.orElse(null));
        map.put("transeModel", transe == null ? null : transe.manifest().name());
        map.put("transitiveTypes", transitiveTypes);
        return map;
    }
}
