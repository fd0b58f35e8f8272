package io.ernieneo4j.plugin.align;

import io.ernieneo4j.plugin.common.ConfigMap;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of {@code ernie.align.evaluate}: the linker's own configuration (as {@code ernie.align.write} takes
 * it) and where the gold links are.
 *
 * @param align                the dictionary, matching and documents
 * @param goldRelationshipType gold links stored in the graph: {@code (document)-[:TYPE {start, end}]->(entity)}
 * @param gold                 gold links listed by the caller: {@code {document, start, end, node}} maps (nodes or
 *                             ids); exactly one of the two is given
 * @param maxConfusions        how many of the most frequent errors the result lists
 */
public record AlignEvaluateConfig(AlignConfig align, Optional<String> goldRelationshipType,
                                  List<Map<String, Object>> gold, int maxConfusions) {

    public static final int DEFAULT_MAX_CONFUSIONS = 10;
    /** The keys of a listed gold link. */
    static final Set<String> GOLD_KEYS = Set.of("document", "start", "end", "node");

    public static AlignEvaluateConfig from(Map<String, Object> configuration) {
        return from(configuration, AlignConfig.Mode.EVALUATE);
    }

    /** As {@code mode} reads it: {@code EVALUATE}, or {@code TRAIN}, which reads the gold the same way. */
    static AlignEvaluateConfig from(Map<String, Object> configuration, AlignConfig.Mode mode) {
        AlignConfig align = AlignConfig.from(configuration, mode);
        ConfigMap config = ConfigMap.of(configuration, align.toMap().keySet()); // keys checked by AlignConfig
        Optional<String> type = config.optionalString("goldRelationshipType");
        List<Map<String, Object>> gold = config.mapList("gold");
        if (type.isPresent() == config.containsKey("gold")) {
            throw new IllegalArgumentException("Give the gold links either as `goldRelationshipType` (a relationship "
                    + "type from documents to entities, with `start` and `end` properties) or as `gold` (a list of "
                    + "{document, start, end, node}), not " + (type.isPresent() ? "both." : "neither."));
        }
        return new AlignEvaluateConfig(align, type, gold,
                config.intValue("maxConfusions", DEFAULT_MAX_CONFUSIONS, 0, 10_000));
    }
}
