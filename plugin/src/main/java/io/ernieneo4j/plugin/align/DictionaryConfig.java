package io.ernieneo4j.plugin.align;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.trainer.align.AlignmentDictionary;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which entities and names make up an alignment dictionary; also the key under which it is cached.
 *
 * @param entityLabels      nodes with any of these labels are the entities
 * @param nameProperties    properties holding an entity's names: a string or a list of strings ({@code _} reads as a
 *                          space, as in WordNet's lemmas). The first property's value, or the first element of its
 *                          list, is the entity's primary name; every other name is a synonym
 * @param priorProperty     a numeric property giving each entity's prior (a sense count, a PageRank score, ...);
 *                          absent: the node's degree, {@code MENTIONS} relationships not counted
 * @param embeddingProperty a float-array property (e.g. written by {@code ernie.transe.train}) for context coherence
 * @param acronymCase       names that are acronyms ("GAS": one word of at most five characters, in capitals) match
 *                          only text in capitals
 * @param primaryNameWeight how much more an entity counts for its primary name than for a synonym (a factor on the
 *                          smoothed prior; 1: not at all)
 */
public record DictionaryConfig(List<String> entityLabels, List<String> nameProperties, Optional<String> priorProperty,
                               Optional<String> embeddingProperty, boolean acronymCase, double primaryNameWeight) {

    static final Set<String> KEYS = Set.of("entityLabels", "nameProperties", "priorProperty", "embeddingProperty",
            "acronymCase", "primaryNameWeight");
    static final String DEFAULT_NAME_PROPERTY = "name";

    static DictionaryConfig from(ConfigMap config) {
        List<String> labels = config.stringList("entityLabels");
        if (labels.isEmpty()) {
            throw new IllegalArgumentException(
                    "No value specified for the mandatory configuration parameter `entityLabels`.");
        }
        List<String> names = config.stringList("nameProperties");
        return new DictionaryConfig(labels, names.isEmpty() ? List.of(DEFAULT_NAME_PROPERTY) : names,
                config.optionalString("priorProperty"), config.optionalString("embeddingProperty"),
                config.bool("acronymCase", true),
                config.doubleValue("primaryNameWeight", AlignmentDictionary.DEFAULT_PRIMARY_NAME_WEIGHT, 1,
                        AlignmentDictionary.MAX_PRIMARY_NAME_WEIGHT));
    }
}
