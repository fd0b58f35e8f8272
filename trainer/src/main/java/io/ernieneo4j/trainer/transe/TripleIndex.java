package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.data.Triple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names of entities and relations (synset ids, node ids, relationship types) to the dense ids TransE works on, in
 * first-seen order; also the id files of OpenKE / Fast-TransX ({@code entity2id.txt}, {@code relation2id.txt}).
 */
public final class TripleIndex {

    private final Map<String, Integer> entityIds = new HashMap<>();
    private final List<String> entities = new ArrayList<>();
    private final Map<String, Integer> relationIds = new HashMap<>();
    private final List<String> relations = new ArrayList<>();

    /** Adds the names of {@code triples} not seen yet, then returns them over dense ids. */
    public TripleStore addAll(List<Triple> triples) {
        int[] h = new int[triples.size()];
        int[] r = new int[triples.size()];
        int[] t = new int[triples.size()];
        for (int i = 0; i < triples.size(); i++) {
            Triple triple = triples.get(i);
            h[i] = id(entityIds, entities, triple.head());
            r[i] = id(relationIds, relations, triple.relation());
            t[i] = id(entityIds, entities, triple.tail());
        }
        return new TripleStore(entities.size(), relations.size(), h, r, t);
    }

    /**
     * The triples over the ids already known (e.g. test triples over the training graph's ids).
     *
     * @throws IllegalArgumentException naming the first entity or relation that is not known
     */
    public TripleStore lookup(List<Triple> triples) {
        int[] h = new int[triples.size()];
        int[] r = new int[triples.size()];
        int[] t = new int[triples.size()];
        for (int i = 0; i < triples.size(); i++) {
            Triple triple = triples.get(i);
            h[i] = known(entityIds, triple.head(), "entity");
            r[i] = known(relationIds, triple.relation(), "relation");
            t[i] = known(entityIds, triple.tail(), "entity");
        }
        return new TripleStore(entities.size(), relations.size(), h, r, t);
    }

    public int entityCount() {
        return entities.size();
    }

    public int relationCount() {
        return relations.size();
    }

    public List<String> entities() {
        return Collections.unmodifiableList(entities);
    }

    public List<String> relations() {
        return Collections.unmodifiableList(relations);
    }

    public Integer entityId(String name) {
        return entityIds.get(name);
    }

    public Integer relationId(String name) {
        return relationIds.get(name);
    }

    private static int id(Map<String, Integer> ids, List<String> names, String name) {
        Integer id = ids.get(name);
        if (id == null) {
            id = names.size();
            ids.put(name, id);
            names.add(name);
        }
        return id;
    }

    private static int known(Map<String, Integer> ids, String name, String what) {
        Integer id = ids.get(name);
        if (id == null) {
            throw new IllegalArgumentException("Unknown " + what + " `" + name + "`: it does not occur in the training graph.");
        }
        return id;
    }
}
