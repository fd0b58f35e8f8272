package io.ernieneo4j.plugin.align;

import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.DictionaryEntry;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.wordnet.Morphology;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an {@link AlignmentDictionary} from the store: every node with one of the entity labels, its names, prior and
 * embedding. Property values of the wrong type are errors that name the node, so that a dictionary is never built
 * from data it silently skipped.
 */
final class DictionaryReader {

    private static final int CHECK_EVERY = 10_000;

    private final Transaction tx;
    private final Termination termination;

    DictionaryReader(Transaction tx, Termination termination) {
        this.tx = tx;
        this.termination = termination;
    }

    /** Checks that the labels and property keys exist at all; call before {@link #read}. */
    void validate(DictionaryConfig config) {
        Set<String> labels = new TreeSet<>();
        tx.getAllLabelsInUse().forEach(l -> labels.add(l.name()));
        for (String label : config.entityLabels()) {
            if (!labels.contains(label)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "No node label `%s` exists in the database (labels in use: %s).", label, labels));
            }
        }
        Set<String> keys = new TreeSet<>();
        tx.getAllPropertyKeys().forEach(keys::add);
        for (String name : config.nameProperties()) {
            requireKey(keys, "nameProperties", name);
        }
        config.priorProperty().ifPresent(p -> requireKey(keys, "priorProperty", p));
        config.embeddingProperty().ifPresent(p -> requireKey(keys, "embeddingProperty", p));
    }

    @SuppressWarnings("deprecation") // internal node ids: what the results report, as GDS does
    AlignmentDictionary read(DictionaryConfig config) {
        AlignmentDictionary.Builder builder = AlignmentDictionary.builder(Morphology.load())
                .acronymCase(config.acronymCase())
                .primaryNameWeight(config.primaryNameWeight());
        Set<Long> seen = config.entityLabels().size() > 1 ? new HashSet<>() : null;
        long read = 0;
        int named = 0;
        for (String label : config.entityLabels()) {
            try (ResourceIterator<Node> nodes = tx.findNodes(Label.label(label))) {
                while (nodes.hasNext()) {
                    Node node = nodes.next();
                    if (++read % CHECK_EVERY == 0) {
                        termination.assertRunning();
                    }
                    if (seen != null && !seen.add(node.getId())) {
                        continue;
                    }
                    List<List<String>> names = new ArrayList<>(config.nameProperties().size());
                    for (String property : config.nameProperties()) {
                        names.add(names(node, property));
                    }
                    float[] embedding = config.embeddingProperty().map(p -> embedding(node, p)).orElse(null);
                    DictionaryEntry entry = new DictionaryEntry(node.getId(), prior(node, config), names, embedding);
                    try {
                        named += entry.addTo(builder) ? 1 : 0;
                    } catch (IllegalArgumentException e) { // only the embedding's length is refused there
                        throw new IllegalArgumentException("`embeddingProperty` `" + config.embeddingProperty()
                                .orElseThrow() + "`: " + e.getMessage(), e);
                    }
                }
            }
        }
        if (named == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "No node with label %s has a name in %s: the dictionary would be empty.",
                    config.entityLabels(), config.nameProperties()));
        }
        return builder.build();
    }

    private static double prior(Node node, DictionaryConfig config) {
        if (config.priorProperty().isEmpty()) {
            return node.getDegree() - node.getDegree(AlignFeature.MENTIONS);
        }
        String property = config.priorProperty().get();
        Object value = node.getProperty(property, null);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Number number)) {
            throw propertyType(node, "priorProperty", property, value, "a number");
        }
        return number.doubleValue();
    }

    /** The names of one property: its string, or its list of strings; none when it is absent. */
    private static List<String> names(Node node, String property) {
        Object value = node.getProperty(property, null);
        if (value == null) {
            return List.of();
        } else if (value instanceof String name) {
            return List.of(name);
        } else if (value instanceof String[] names) {
            return List.of(names);
        }
        throw propertyType(node, "nameProperties", property, value, "a string or a list of strings");
    }

    /** The embedding of a node, as floats; null when it has none. */
    private static float[] embedding(Node node, String property) {
        Object value = node.getProperty(property, null);
        if (value == null) {
            return null;
        } else if (value instanceof float[] floats) {
            return floats;
        } else if (value instanceof double[] doubles) {
            float[] vector = new float[doubles.length];
            for (int k = 0; k < doubles.length; k++) {
                vector[k] = (float) doubles[k];
            }
            return vector;
        }
        throw propertyType(node, "embeddingProperty", property, value, "a list of floats");
    }

    private static void requireKey(Set<String> keys, String configKey, String property) {
        if (!keys.contains(property)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`%s`: no property key `%s` exists in the database.", configKey, property));
        }
    }

    @SuppressWarnings("deprecation")
    private static IllegalArgumentException propertyType(Node node, String configKey, String property, Object value,
                                                         String expected) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "`%s`: property `%s` of node %d holds %s, not %s.", configKey, property, node.getId(),
                describe(value), expected));
    }

    private static String describe(Object value) {
        if (value instanceof String) return "a string";
        if (value instanceof Long || value instanceof Integer) return "an integer";
        if (value instanceof Number) return "a float";
        if (value instanceof Boolean) return "a boolean";
        if (value.getClass().isArray()) return "a list of " + value.getClass().getComponentType().getSimpleName();
        return "a " + value.getClass().getSimpleName();
    }
}
