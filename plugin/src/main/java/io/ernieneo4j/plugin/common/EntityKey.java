package io.ernieneo4j.plugin.common;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a stored model names the nodes it learnt, across transactions and restarts: by the node's {@code elementId}
 * (the default) or by the value of a key property the user chose. Internal node ids stay inside one transaction's
 * computation; they never reach a file.
 *
 * <p>Neo4j reuses the internal id of a deleted node, and its elementId embeds that id, so an elementId-keyed model
 * hands a node created later in a deleted node's place the deleted node's vector. A key property that the user keeps
 * unique (an external id) does not have that caveat.
 */
public final class EntityKey {

    /** The key recorded for elementId-keyed models. */
    public static final String ELEMENT_ID = "elementId";
    private static final String PROPERTY_PREFIX = "property:";

    private final String property;

    private EntityKey(String property) {
        this.property = property;
    }

    public static EntityKey elementId() {
        return new EntityKey(null);
    }

    public static EntityKey property(String name) {
        return new EntityKey(name);
    }

    /** The key a manifest records ({@link #spec()}). */
    public static EntityKey parse(String spec) {
        if (ELEMENT_ID.equals(spec)) {
            return elementId();
        }
        if (spec != null && spec.startsWith(PROPERTY_PREFIX) && spec.length() > PROPERTY_PREFIX.length()) {
            return property(spec.substring(PROPERTY_PREFIX.length()));
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "Unknown entity key `%s`: expected `%s` or "
                + "`%s<name>`.", spec, ELEMENT_ID, PROPERTY_PREFIX));
    }

    /** {@code elementId}, or {@code property:<name>}. */
    public String spec() {
        return property == null ? ELEMENT_ID : PROPERTY_PREFIX + property;
    }

    /** What a message calls the key: {@code elementId} or {@code property `name`}. */
    public String describe() {
        return property == null ? ELEMENT_ID : "property `" + property + "`";
    }

    /** The node's key, or null when it lacks the key property (or holds an array there). */
    public String of(Node node) {
        if (property == null) {
            return node.getElementId();
        }
        Object value = node.getProperty(property, null);
        return value == null || value.getClass().isArray() ? null : value.toString();
    }

    /** Finds nodes by key in one transaction. */
    public Lookup in(Transaction tx) {
        return new Lookup(tx);
    }

    /** Keys to the nodes of one transaction; a property key scans the nodes once, on the first look-up. */
    public final class Lookup {
        private final Transaction tx;
        private Map<String, String> elementIdByValue;

        private Lookup(Transaction tx) {
            this.tx = tx;
        }

        /** The node with this key, or null when none has it (or, for a property, several do). */
        public Node node(String key) {
            if (property == null) {
                try {
                    return tx.getNodeByElementId(key);
                } catch (NotFoundException | IllegalArgumentException e) {
                    return null; // deleted, or no elementId of this database
                }
            }
            if (elementIdByValue == null) {
                elementIdByValue = scan();
            }
            String elementId = elementIdByValue.get(key);
            return elementId == null ? null : tx.getNodeByElementId(elementId);
        }

        private Map<String, String> scan() {
            Map<String, String> byValue = new HashMap<>();
            try (ResourceIterator<Node> nodes = tx.getAllNodes().iterator()) {
                while (nodes.hasNext()) {
                    Node node = nodes.next();
                    String value = of(node);
                    if (value != null) {
                        byValue.merge(value, node.getElementId(), (a, b) -> ""); // "": several nodes, no answer
                    }
                }
            }
            byValue.values().removeIf(String::isEmpty);
            return byValue;
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
