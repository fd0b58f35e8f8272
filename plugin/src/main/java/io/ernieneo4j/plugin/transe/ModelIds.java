package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored model's entities and relationship types to its dense ids, in one transaction: a node is an entity of the
 * model when its key (elementId or key property, as the model records) is one of the model's names.
 */
final class ModelIds {
    final Map<String, Integer> relations = new HashMap<>();
    final int entityCount;
    final int relationCount;
    private final Map<String, Integer> entities = new HashMap<>();
    private final List<String> names;
    private final EntityKey key;
    private final EntityKey.Lookup lookup;
    private final Node[] nodes;
    private final boolean[] looked;

    ModelIds(TransEModelFiles.NamedModel model, Transaction tx) {
        names = model.entities();
        for (int i = 0; i < names.size(); i++) entities.put(names.get(i), i);
        for (int i = 0; i < model.relations().size(); i++) relations.put(model.relations().get(i), i);
        entityCount = names.size();
        relationCount = model.relations().size();
        key = EntityKey.parse(model.manifest().entityKey());
        lookup = key.in(tx);
        nodes = new Node[entityCount];
        looked = new boolean[entityCount];
    }

    /** The node's entity id, or null when the model has no embedding for it. */
    Integer entity(Node node) {
        String name = key.of(node);
        return name == null ? null : entities.get(name);
    }

    /** The node that entity {@code id} names in this transaction, or null when no node holds its key any more. */
    Node node(int id) {
        if (!looked[id]) {
            nodes[id] = lookup.node(names.get(id));
            looked[id] = true;
        }
        return nodes[id];
    }
}
