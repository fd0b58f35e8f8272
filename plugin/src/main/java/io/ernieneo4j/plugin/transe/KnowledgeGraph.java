package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.trainer.transe.TripleStore;

import java.util.List;
import java.util.Map;

/**
 * Triples read from the database over dense ids: entity i is the node with internal id {@code nodeIds[i]}, relation
 * j the relationship type {@code relationshipTypes.get(j)}.
 */
record KnowledgeGraph(long[] nodeIds, Map<Long, Integer> entityIndex, List<String> relationshipTypes,
                      TripleStore triples) {}
