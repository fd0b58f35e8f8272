package io.ernieneo4j.trainer.completion;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which types of node each relationship type connects, learned from the graph's own edges: the smoothed density of
 * a relationship type between nodes of two types, {@code P(h -[r]-> t | type(h), type(t))}, the share of the
 * {@code (head type, tail type)} node pairs that an {@code r} edge links. A pair of types {@code r} never connects
 * gets a density near zero (a noun and a verb for hyponymy, a city and a person for works-for) without a rule written
 * for one graph; a pair it often connects gets a high one.
 *
 * <p>Smoothing: {@code (n(r, th, tt) + alpha * d(r)) / (N(th) N(tt) + alpha)}, where {@code d(r)} is {@code r}'s
 * density over all node pairs, so a pair of types seen with no {@code r} edge falls back towards the relation's base
 * rate weighed by how many node pairs were seen without one.
 */
public final class TypeConstraints {

    private final Map<String, Long> nodesOfType;
    private final Map<String, Long> edgesOfRelation;
    private final Map<String, Long> edgesOfTypes;
    private final long nodes;
    private final double smoothing;

    private TypeConstraints(Map<String, Long> nodesOfType, Map<String, Long> edgesOfRelation,
                            Map<String, Long> edgesOfTypes, long nodes, double smoothing) {
        this.nodesOfType = nodesOfType;
        this.edgesOfRelation = edgesOfRelation;
        this.edgesOfTypes = edgesOfTypes;
        this.nodes = nodes;
        this.smoothing = smoothing;
    }

    /** Collects the node types and the typed edges; {@code smoothing} is the {@code alpha} above, {@code > 0}. */
    public static Builder builder(double smoothing) {
        if (!(smoothing > 0) || !Double.isFinite(smoothing)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `typeSmoothing` was `%s`, but must be a positive number.", smoothing));
        }
        return new Builder(smoothing);
    }

    public static final class Builder {
        private final Map<String, Long> nodesOfType = new HashMap<>();
        private final Map<String, Long> edgesOfRelation = new HashMap<>();
        private final Map<String, Long> edgesOfTypes = new HashMap<>();
        private final double smoothing;
        private long nodes;

        private Builder(double smoothing) {
            this.smoothing = smoothing;
        }

        /** One node, of {@code type}. */
        public Builder node(String type) {
            nodesOfType.merge(type, 1L, Long::sum);
            nodes++;
            return this;
        }

        /** One {@code (head)-[:relation]->(tail)} edge, by its end nodes' types. */
        public Builder edge(String headType, String relation, String tailType) {
            edgesOfRelation.merge(relation, 1L, Long::sum);
            edgesOfTypes.merge(key(headType, relation, tailType), 1L, Long::sum);
            return this;
        }

        public TypeConstraints build() {
            return new TypeConstraints(Map.copyOf(nodesOfType), Map.copyOf(edgesOfRelation),
                    Map.copyOf(edgesOfTypes), nodes, smoothing);
        }
    }

    /** The smoothed density of {@code relation} from a node of {@code headType} to one of {@code tailType}. */
    public double density(String headType, String relation, String tailType) {
        double pairs = (double) Math.max(1, nodesOfType.getOrDefault(headType, 0L))
                * Math.max(1, nodesOfType.getOrDefault(tailType, 0L));
        double base = (edgesOfRelation.getOrDefault(relation, 0L) + smoothing)
                / ((double) Math.max(1, nodes) * Math.max(1, nodes) + smoothing);
        long seen = edgesOfTypes.getOrDefault(key(headType, relation, tailType), 0L);
        return Math.min(1.0, (seen + smoothing * base) / (pairs + smoothing));
    }

    /** The number of typed edges of {@code relation} learned from. */
    public long edges(String relation) {
        return edgesOfRelation.getOrDefault(relation, 0L);
    }

    public long nodes() {
        return nodes;
    }

    public int types() {
        return nodesOfType.size();
    }

    private static String key(String headType, String relation, String tailType) {
        return headType + '\u0000' + relation + '\u0000' + tailType;
    }
}
