package io.ernieneo4j.plugin.common;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Transaction;

import java.util.Locale;

/** Nodes a caller names in a configuration: a node, or its internal id as a whole number. */
public final class NodeArguments {

    private NodeArguments() {}

    /** The node {@code value} names under {@code key}; an id that is not a whole number or names no node is refused. */
    @SuppressWarnings("deprecation") // an id given by the caller, resolved in the caller's own transaction
    public static Node node(Transaction tx, Object value, String key) {
        if (value instanceof Node node) {
            return node;
        }
        if (value instanceof Number number) {
            long id = wholeNumber(number, key);
            try {
                return tx.getNodeById(id);
            } catch (NotFoundException e) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`%s` names node %d, which does not exist.", key, id));
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "`%s` must hold nodes or node ids, but holds `%s`.", key, value));
    }

    private static long wholeNumber(Number number, String key) {
        if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) >= 0x1p63) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`%s` holds %s, which is not a node id: node ids are whole numbers.", key, number));
            }
        }
        return number.longValue();
    }
}
