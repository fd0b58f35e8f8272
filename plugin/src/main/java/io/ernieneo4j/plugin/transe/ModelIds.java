package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.trainer.transe.TransEModelFiles;

import java.util.HashMap;
import java.util.Map;

/** A stored model's node ids and relationship types to its dense ids. */
final class ModelIds {
    final Map<Long, Integer> entities = new HashMap<>();
    final Map<String, Integer> relations = new HashMap<>();
    final int entityCount;
    final int relationCount;
    /** The node of each entity, by the model's dense id. */
    final long[] nodeIds;

    ModelIds(TransEModelFiles.NamedModel model) {
        for (int i = 0; i < model.entities().size(); i++) entities.put(Long.parseLong(model.entities().get(i)), i);
        for (int i = 0; i < model.relations().size(); i++) relations.put(model.relations().get(i), i);
        entityCount = model.entities().size();
        nodeIds = model.entities().stream().mapToLong(Long::parseLong).toArray();
        relationCount = model.relations().size();
    }
}
