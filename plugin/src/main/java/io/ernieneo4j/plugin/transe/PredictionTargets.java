package io.ernieneo4j.plugin.transe;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Transaction;

import java.util.Locale;

/** Nodes named in a configuration, as nodes or internal node ids. */
final class PredictionTargets {

    private PredictionTargets() {}

    @SuppressWarnings("deprecation")
    static Node node(Transaction tx, Object value, String key) {
        if (value instanceof Node node) {
            return node;
        }
        if (value instanceof Number id) {
            try {
                return tx.getNodeById(id.longValue());
            } catch (NotFoundException e) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`%s` names node %d, which does not exist.",
                        key, id.longValue()));
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "`%s` must hold nodes or node ids, but holds `%s`.", key, value));
    }
}
