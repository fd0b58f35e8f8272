package io.ernieneo4j.trainer.completion;

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
 * edges ({@code predicted: true}) do not count. Neo4j-free: the plugin counts the edges in its transaction, the Spark
 * job through the connector, and both decide here.
 */
public final class RelationConventions {

    /** The share of a type's edges whose reverse must be there for the pair (or the symmetry) to hold. */
    public static final double AGREEMENT = 0.9;

    /** A fact as written: {@code (head)-[:type]->(tail)}. */
    public record Fact(long head, String type, long tail) {}

    private final Map<String, String> partner;
    private final Set<String> inverted;
    private final Set<String> symmetric;

    private RelationConventions(Map<String, String> partner, Set<String> inverted, Set<String> symmetric) {
        this.partner = partner;
        this.inverted = inverted;
        this.symmetric = symmetric;
    }

    /**
     * The conventions that the counts of a graph's edges show.
     *
     * @param total how many edges (not predicted, not {@code MENTIONS}) each type has
     * @param back  for each type {@code A} and type {@code B}: how many pairs of an {@code (x)-[:A]->(y)} edge and a
     *              {@code (y)-[:B]->(x)} edge there are (a self-loop is its own reverse); also not predicted, not
     *              {@code MENTIONS}
     */
    public static RelationConventions of(Map<String, Long> total, Map<String, Map<String, Long>> back) {
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
    public Fact canonical(long head, String type, long tail) {
        if (inverted.contains(type)) {
            return new Fact(tail, partner.get(type), head);
        }
        if (symmetric.contains(type) && head > tail) {
            return new Fact(tail, type, head);
        }
        return new Fact(head, type, tail);
    }

    /** Every way the graph may state a canonical fact: itself, its inverse, its mirror. */
    public List<Fact> statements(Fact canonical) {
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
    public String describe() {
        List<String> pairs = new ArrayList<>();
        for (String written : inverted) {
            pairs.add(partner.get(written) + "/" + written);
        }
        return "inverse pairs " + pairs + ", symmetric " + symmetric;
    }

}
