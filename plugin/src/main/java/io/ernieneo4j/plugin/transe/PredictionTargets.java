package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.NodeArguments;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/** Nodes named in a configuration, as nodes or internal node ids. */
final class PredictionTargets {

    private PredictionTargets() {}

    static Node node(Transaction tx, Object value, String key) {
        return NodeArguments.node(tx, value, key);
    }
}
