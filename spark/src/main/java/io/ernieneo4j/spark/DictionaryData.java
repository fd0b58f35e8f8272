package io.ernieneo4j.spark;

import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.DictionaryEntry;
import io.ernieneo4j.trainer.wordnet.Morphology;

import java.io.Serializable;
import java.util.List;

/**
 * The dictionary as the driver read it from Neo4j, broadcast to the executors, each of which builds the
 * {@link AlignmentDictionary} once ({@link ExecutorResources}). Dictionary ids are positions in {@code entries}: the
 * entries are in the order ernie.align.write adds them (by label as configured, then by node id), so ties between
 * candidates break the same way.
 *
 * @param entries     the entities, in dictionary order
 * @param elementIds  each entity's elementId, by dictionary id: where MENTIONS and types are written
 * @param nodeIds     each entity's internal node id, by dictionary id: how relations name their nodes (as the
 *                    plugin's do: a symmetric fact is written from the lower id)
 * @param modelKeys   each entity's key in the ERNIE typing model's TransE model (its elementId, or its key
 *                    property's value), by dictionary id; null where the entity has no key (no model can know it)
 * @param relationKeys the same in the relation model's TransE model
 */
record DictionaryData(List<DictionaryEntry> entries, String[] elementIds, long[] nodeIds, String[] modelKeys,
                      String[] relationKeys, boolean acronymCase, double primaryNameWeight) implements Serializable {

    /** Builds the dictionary; throws when no entity has a name. */
    AlignmentDictionary build(List<String> entityLabels, List<String> nameProperties) {
        AlignmentDictionary.Builder builder = AlignmentDictionary.builder(Morphology.load())
                .acronymCase(acronymCase)
                .primaryNameWeight(primaryNameWeight);
        int named = 0;
        for (DictionaryEntry entry : entries) {
            named += entry.addTo(builder) ? 1 : 0;
        }
        if (named == 0) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "No node with label %s has a name in %s: the dictionary would be empty.", entityLabels,
                    nameProperties));
        }
        return builder.build();
    }
}
