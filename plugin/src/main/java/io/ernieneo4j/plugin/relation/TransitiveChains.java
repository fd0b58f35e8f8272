package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.trainer.completion.RelationConventions;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Facts of a transitive relationship type (hypernymy, part-of) that a chain of the graph's edges implies: {@code
 * dog HYPERNYM mammal} when {@code dog -> canine -> carnivore -> ... -> mammal} are all hypernym edges in that
 * direction (or their inverse edges, the other way). Such a fact is known, not a completion; and when the chain runs
 * through held-out edges, the fact is a held-out one. Which types are transitive is the caller's to say
 * ({@code transitiveTypes}): a graph stores the direct edges only, so its edges cannot show it.
 *
 * <p>A bidirectional breadth-first search that always grows the smaller side, so a hierarchy is climbed from the
 * lower node whichever way its edges point; it gives up (not implied) after {@link #MAX_VISITED} nodes.
 */
final class TransitiveChains {

    static final int MAX_VISITED = 4_096;

    private final Transaction tx;
    private final RelationConventions conventions;
    private final Set<String> transitive;

    /** {@code types}: the transitive types, in any of their forms (an inverse type names its pair). */
    TransitiveChains(Transaction tx, RelationConventions conventions, List<String> types) {
        this.tx = tx;
        this.conventions = conventions;
        this.transitive = new HashSet<>();
        for (String type : types) {
            transitive.add(conventions.canonical(0, type, 1).type());
        }
    }

    boolean isEmpty() {
        return transitive.isEmpty();
    }

    /**
     * Whether a chain of edges that {@code usable} accepts (one edge is a chain too), each stating the fact's
     * (transitive) type in the fact's direction, leads from its head to its tail. A fact of another type never is.
     */
    @SuppressWarnings("deprecation") // internal node ids, within this transaction
    boolean implied(RelationConventions.Fact fact, Predicate<Relationship> usable) {
        if (!transitive.contains(fact.type()) || fact.head() == fact.tail()) {
            return false;
        }
        List<RelationConventions.Fact> forms = conventions.statements(new RelationConventions.Fact(0, fact.type(), 1));
        Set<Long> fromHead = new HashSet<>(List.of(fact.head()));
        Set<Long> fromTail = new HashSet<>(List.of(fact.tail()));
        List<Long> headFrontier = List.of(fact.head());
        List<Long> tailFrontier = List.of(fact.tail());
        while (!headFrontier.isEmpty() && !tailFrontier.isEmpty()
                && fromHead.size() + fromTail.size() < MAX_VISITED) {
            boolean forward = headFrontier.size() <= tailFrontier.size();
            List<Long> next = new ArrayList<>();
            Set<Long> seen = forward ? fromHead : fromTail;
            Set<Long> other = forward ? fromTail : fromHead;
            for (long id : forward ? headFrontier : tailFrontier) {
                Node node = tx.getNodeById(id);
                for (RelationConventions.Fact form : forms) {
                    // form (0)-[type]->(1) steps along outgoing edges going forward; (1)-[type]->(0) along incoming
                    boolean outgoing = (form.head() == 0) == forward;
                    for (Relationship r : node.getRelationships(outgoing ? Direction.OUTGOING : Direction.INCOMING,
                            RelationshipType.withName(form.type()))) {
                        if (!usable.test(r)) continue;
                        long neighbour = r.getOtherNodeId(id);
                        if (other.contains(neighbour)) return true;
                        if (seen.add(neighbour)) next.add(neighbour);
                    }
                }
            }
            if (forward) headFrontier = next;
            else tailFrontier = next;
        }
        return false;
    }
}
