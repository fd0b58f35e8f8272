package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.trainer.transe.TripleStore;

import java.util.List;
import java.util.Map;

/**
 * Triples read from the database over dense ids: entity i is the node with internal id {@code nodeIds[i]}, relation
 * j the relationship type {@code relationshipTypes.get(j)}.
 *
 * @param predictedLeftOut relationships the selection held that were left out because they are predictions
 *                         ({@code predicted: true})
 */
record KnowledgeGraph(long[] nodeIds, Map<Long, Integer> entityIndex, List<String> relationshipTypes,
                      TripleStore triples, long predictedLeftOut) {}
