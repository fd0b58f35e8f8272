package io.ernieneo4j.plugin.relation;

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
import java.util.Set;
import java.util.TreeSet;

/**
 * How the graph states the relationship types that come in pairs, learned from its own edges rather than from a list
 * written for one graph: two types are inverse when (almost) every {@code (x)-[:A]->(y)} has a {@code (y)-[:B]->(x)}
 * and the other way round (WordNet's hypernym and hyponym), and a type is symmetric when its edges (almost) always
 * come back ({@code similar to}). A fact one of these states twice is written once: in the pair's canonical type
 * (the one with more edges; on a tie, the first by name), and a symmetric fact from the lower node id. Predicted
 * edges ({@code predicted: true}) do not count.
 */
final class RelationConventions {

    /** The share of a type's edges whose reverse must be there for the pair (or the symmetry) to hold. */
    static final double AGREEMENT = 0.9;
    private static final int CHECK_EVERY = 10_000;

    /** A fact as written: {@code (head)-[:type]->(tail)}. */
    record Fact(long head, String type, long tail) {}

    private final Map<String, String> partner;
    private final Set<String> inverted;
    private final Set<String> symmetric;

    private RelationConventions(Map<String, String> partner, Set<String> inverted, Set<String> symmetric) {
        this.partner = partner;
        this.inverted = inverted;
        this.symmetric = symmetric;
    }

    /**
     * Counts, over every relationship type but {@code MENTIONS}, how often each edge comes back as each type; one
     * pass over the nodes.
     */
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
        Map<String, String> partner = new HashMap<>();
        Set<String> inverted = new TreeSet<>();
        Set<String> symmetric = new TreeSet<>();
        for (String a : new TreeSet<>(total.keySet())) {
            for (String b : new TreeSet<>(back.getOrDefault(a, Map.of()).keySet())) {
                if (!agrees(back, total, a, b) || !agrees(back, total, b, a)) {
                    continue;
                }
                if (a.equals(b)) {
                    symmetric.add(a);
                } else if (!partner.containsKey(a) && !partner.containsKey(b)) {
                    partner.put(a, b);
                    partner.put(b, a);
                    long ta = total.get(a);
                    long tb = total.get(b);
                    inverted.add(ta > tb || (ta == tb && a.compareTo(b) < 0) ? b : a);
                }
            }
        }
        return new RelationConventions(partner, inverted, symmetric);
    }

    private static boolean agrees(Map<String, Map<String, Long>> back, Map<String, Long> total, String a, String b) {
        long count = back.getOrDefault(a, Map.of()).getOrDefault(b, 0L);
        return total.getOrDefault(a, 0L) > 0 && count >= AGREEMENT * total.get(a);
    }

    /** The fact as the graph states it. */
    Fact canonical(long head, String type, long tail) {
        if (inverted.contains(type)) {
            return new Fact(tail, partner.get(type), head);
        }
        if (symmetric.contains(type) && head > tail) {
            return new Fact(tail, type, head);
        }
        return new Fact(head, type, tail);
    }

    /** Every way the graph may state a canonical fact: itself, its inverse, its mirror. */
    List<Fact> statements(Fact canonical) {
        List<Fact> forms = new ArrayList<>(2);
        forms.add(canonical);
        String inverse = partner.get(canonical.type());
        if (inverse != null) {
            forms.add(new Fact(canonical.tail(), inverse, canonical.head()));
        }
        if (symmetric.contains(canonical.type())) {
            forms.add(new Fact(canonical.tail(), canonical.type(), canonical.head()));
        }
        return forms;
    }

    /** Inverse pairs, canonical type first, and symmetric types, for the log. */
    String describe() {
        List<String> pairs = new ArrayList<>();
        for (String written : inverted) {
            pairs.add(partner.get(written) + "/" + written);
        }
        return "inverse pairs " + pairs + ", symmetric " + symmetric;
    }

    private static boolean isPredicted(Relationship r) {
        return Boolean.TRUE.equals(r.getProperty("predicted", false));
    }
}
