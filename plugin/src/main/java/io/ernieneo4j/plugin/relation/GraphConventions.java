package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.trainer.completion.RelationConventions;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterable;
import org.neo4j.graphdb.Transaction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts {@link RelationConventions} learns the graph's inverse and symmetric types from, read in the
 * procedure's transaction: over every relationship type but {@code MENTIONS}, how often each edge comes back as each
 * type; one pass over the nodes. Predicted edges ({@code predicted: true}) do not count.
 */
final class GraphConventions {

    private static final int CHECK_EVERY = 10_000;

    private GraphConventions() {}

    @SuppressWarnings("deprecation") // internal node ids, within this transaction
    static RelationConventions learn(Transaction tx, Termination termination) {
        List<RelationshipType> types = new ArrayList<>();
        tx.getAllRelationshipTypesInUse().forEach(t -> {
            if (!t.name().equals("MENTIONS")) {
                types.add(t);
            }
        });
        RelationshipType[] wanted = types.toArray(RelationshipType[]::new);
        Map<String, Long> total = new HashMap<>();
        Map<String, Map<String, Long>> back = new HashMap<>();
        long nodes = 0;
        try (ResourceIterable<Node> all = tx.getAllNodes()) {
            for (Node node : all) {
                if (++nodes % CHECK_EVERY == 0) {
                    termination.assertRunning();
                }
                Map<Long, List<String>> incoming = new HashMap<>();
                for (Relationship r : node.getRelationships(Direction.INCOMING, wanted)) {
                    if (!isPredicted(r)) {
                        incoming.computeIfAbsent(r.getStartNodeId(), k -> new ArrayList<>(2)).add(r.getType().name());
                    }
                }
                for (Relationship r : node.getRelationships(Direction.OUTGOING, wanted)) {
                    if (isPredicted(r)) {
                        continue;
                    }
                    String type = r.getType().name();
                    total.merge(type, 1L, Long::sum);
                    for (String reverse : incoming.getOrDefault(r.getEndNodeId(), List.of())) {
                        back.computeIfAbsent(type, k -> new HashMap<>()).merge(reverse, 1L, Long::sum);
                    }
                }
            }
        }
        return RelationConventions.of(total, back);
    }

    static boolean isPredicted(Relationship r) {
        return Boolean.TRUE.equals(r.getProperty("predicted", false));
    }
}
