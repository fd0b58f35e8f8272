package io.ernieneo4j.trainer.infer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The types an entity is written with, from the typing predictions of its mentions: each type's best score over
 * the mentions, highest first (ties keep the order the types were first seen). One rule for every writer — the
 * plugin's {@code ernie.type.write} and the Spark job — so that both write the same lists from the same
 * predictions.
 */
public final class EntityTypes {

    private final Map<String, Double> best = new LinkedHashMap<>();

    /** Counts one mention's score for a type (over the threshold the caller applied). */
    public void add(String type, double score) {
        best.merge(type, score, Math::max);
    }

    /** Merges another part of the same entity's predictions (e.g. from another partition). */
    public void addAll(EntityTypes other) {
        other.best.forEach(this::add);
    }

    public boolean isEmpty() {
        return best.isEmpty();
    }

    /** The types, best score first. */
    public List<Map.Entry<String, Double>> ranked() {
        List<Map.Entry<String, Double>> types = new ArrayList<>(best.entrySet());
        types.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        return types;
    }

    /** The types' names, best score first. */
    public String[] names() {
        return ranked().stream().map(Map.Entry::getKey).toArray(String[]::new);
    }

    /** Their scores, in the order of {@link #names}. */
    public double[] scores() {
        return ranked().stream().mapToDouble(Map.Entry::getValue).toArray();
    }
}
