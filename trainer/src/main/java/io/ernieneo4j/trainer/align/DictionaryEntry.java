package io.ernieneo4j.trainer.align;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One entity as a dictionary source reads it: its id, raw prior, names and embedding. How these become dictionary
 * entries — which name is primary, how a list of names is read — is decided here once, so that every reader (the
 * plugin's, from the store; the Spark job's, from rows the connector returns) builds the same dictionary from the
 * same graph.
 *
 * <p>Serializable: the Spark job ships the entries of the whole dictionary to its executors and each builds the
 * dictionary there once.
 *
 * @param id        the id the dictionary reports (a Neo4j node id in the plugin and the Spark job)
 * @param prior     the raw prior (a sense count, a degree, a PageRank score...), smoothed by the dictionary
 * @param names     the names of each name property, in the order the properties are configured: a property holding
 *                  one string is a list of one. The first property's first name is the entity's primary name; every
 *                  other name is a synonym
 * @param embedding the entity's vector for context coherence, or null
 */
public record DictionaryEntry(long id, double prior, List<List<String>> names, float[] embedding)
        implements Serializable {

    public DictionaryEntry {
        Objects.requireNonNull(names, "names");
    }

    /**
     * Adds the entity, its names and its embedding to {@code builder}, in the order a dictionary's tie-breaking
     * depends on (entities by the order of these calls).
     *
     * @return whether at least one of its names was added
     * @throws IllegalArgumentException when the embedding's length differs from the dictionary's
     */
    public boolean addTo(AlignmentDictionary.Builder builder) {
        int entity = builder.entity(id, prior);
        boolean named = false;
        for (int p = 0; p < names.size(); p++) {
            List<String> property = names.get(p);
            for (int k = 0; k < property.size(); k++) {
                named |= builder.name(entity, property.get(k), p == 0 && k == 0);
            }
        }
        if (embedding != null) {
            builder.embedding(entity, embedding);
        }
        return named;
    }
}
