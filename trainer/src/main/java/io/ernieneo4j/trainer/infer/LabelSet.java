package io.ernieneo4j.trainer.infer;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** A task's classes in logit order (sorted by name, so the order never depends on the file's). */
public final class LabelSet {

    /** The relation class meaning "none of the others": left out of micro-averaged relation scores (TACRED). */
    public static final String NO_RELATION = "no_relation";

    private final List<String> names;
    private final Map<String, Integer> indices = new HashMap<>();

    public LabelSet(Collection<String> labels) {
        this.names = List.copyOf(new TreeSet<>(labels));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("A task needs at least one label.");
        }
        for (int i = 0; i < names.size(); i++) {
            indices.put(names.get(i), i);
        }
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }

    /** The index of {@code label}, or -1 when the task does not know it. */
    public int indexOf(String label) {
        return indices.getOrDefault(label, -1);
    }

    /** The index of the {@link #NO_RELATION} class, or -1 when there is none. */
    public int negativeIndex() {
        return indexOf(NO_RELATION);
    }
}
