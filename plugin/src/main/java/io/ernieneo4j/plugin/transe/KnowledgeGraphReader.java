package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TripleStore;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

/**
 * Reads the triples TransE learns from: relationships of the chosen types between nodes of the chosen labels,
 * straight from the store, or from a graph projected in GDS's catalog (through its public procedures). Relationships
 * the plugin predicted ({@code predicted: true}) are never learnt: they are the model's output, not ground truth.
 */
final class KnowledgeGraphReader {

    private static final int CHECK_EVERY = 10_000;
    /** The property ernie.transe.predict.write and ernie.relation.write set to true on what they write. */
    static final String PREDICTED = "predicted";

    private final Transaction tx;
    private final Termination termination;

    KnowledgeGraphReader(Transaction tx, Termination termination) {
        this.tx = tx;
        this.termination = termination;
    }

    /** The relationship types to read, after checking that the labels and types exist. */
    List<String> validateSelection(TransEConfig config) {
        Set<String> labelsInUse = names(tx.getAllLabelsInUse(), Label::name);
        for (String label : config.nodeLabels()) {
            if (!labelsInUse.contains(label)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "No node label `%s` exists in the database (labels in use: %s).", label, labelsInUse));
            }
        }
        Set<String> typesInUse = names(tx.getAllRelationshipTypesInUse(), RelationshipType::name);
        for (String type : config.relationshipTypes()) {
            if (!typesInUse.contains(type)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "No relationship type `%s` exists in the database (types in use: %s).", type, typesInUse));
            }
        }
        return config.relationshipTypes().isEmpty() ? List.copyOf(typesInUse) : config.relationshipTypes();
    }

    KnowledgeGraph read(TransEConfig config) {
        Builder builder = new Builder();
        if (config.graphName().isPresent()) {
            readProjected(config, builder);
        } else {
            readStore(config, validateSelection(config), builder);
        }
        if (builder.heads.isEmpty()) {
            throw new IllegalArgumentException("The selected graph has no relationships to learn from"
                    + (config.splitProperty().isPresent()
                    ? String.format(Locale.ROOT, " (none has `%s` = '%s')", config.splitProperty().get(), config.trainSplit())
                    : "") + (builder.predictedLeftOut > 0 ? String.format(Locale.ROOT, "; %d predicted relationships "
                    + "(`predicted: true`) are never learnt", builder.predictedLeftOut) : "") + ".");
        }
        return builder.build();
    }

    @SuppressWarnings("deprecation") // internal node ids: the ids GDS and its results use
    private void readStore(TransEConfig config, List<String> types, Builder builder) {
        List<Label> labels = config.nodeLabels().stream().map(Label::label).toList();
        Map<Long, Boolean> selected = new HashMap<>();
        long seen = 0;
        for (String type : types) {
            int relation = builder.relation(type);
            try (ResourceIterator<Relationship> relationships = tx.findRelationships(RelationshipType.withName(type))) {
                while (relationships.hasNext()) {
                    Relationship r = relationships.next();
                    if (++seen % CHECK_EVERY == 0) {
                        termination.assertRunning();
                    }
                    if (config.splitProperty().isPresent()
                            && !config.trainSplit().equals(r.getProperty(config.splitProperty().get(), null))) {
                        continue;
                    }
                    Node start = r.getStartNode();
                    Node end = r.getEndNode();
                    if (!labels.isEmpty() && !(hasAny(start, labels, selected) && hasAny(end, labels, selected))) {
                        continue;
                    }
                    if (isPredicted(r)) {
                        builder.predictedLeftOut++;
                        continue;
                    }
                    builder.add(start.getId(), relation, end.getId());
                }
            }
        }
    }

    /** What a selection holds, counted without reading it: nodes (an upper bound with labels), relationships, types. */
    record Size(long nodes, long relationships, int relationshipTypes) {}

    Size size(TransEConfig config) {
        return config.graphName().isPresent() ? projectionSize(config) : storeSize(config);
    }

    private Size storeSize(TransEConfig config) {
        List<String> types = validateSelection(config);
        long nodes = 0;
        if (config.nodeLabels().isEmpty()) {
            nodes = count("MATCH (n) RETURN count(n) AS c", Map.of());
        } else {
            for (String label : config.nodeLabels()) {
                nodes += count("MATCH (n:`" + label.replace("`", "``") + "`) RETURN count(n) AS c", Map.of());
            }
        }
        long relationships = 0;
        for (String type : types) {
            relationships += count("MATCH ()-[r:`" + type.replace("`", "``") + "`]->() RETURN count(r) AS c", Map.of());
        }
        return new Size(nodes, relationships, types.size());
    }

    /** The projection's own counts, from GDS's catalog; with types, their relationships counted in the projection. */
    private Size projectionSize(TransEConfig config) {
        String graphName = config.graphName().get();
        List<String> types = validateProjectedTypes(graphName, config.relationshipTypes());
        try (Result listed = tx.execute("CALL gds.graph.list($name) YIELD nodeCount, relationshipCount "
                + "RETURN nodeCount, relationshipCount", Map.of("name", graphName))) {
            Map<String, Object> row = listed.next();
            long nodes = ((Number) row.get("nodeCount")).longValue();
            long relationships = config.relationshipTypes().isEmpty()
                    ? ((Number) row.get("relationshipCount")).longValue()
                    : count("CALL gds.graph.relationships.stream($name, $types) YIELD relationshipType "
                            + "RETURN count(*) AS c", Map.of("name", graphName, "types", types));
            return new Size(nodes, relationships, types.size());
        }
    }

    /** The projection's relationship types to read, after checking that the graph and the chosen types exist. */
    @SuppressWarnings("unchecked")
    private List<String> validateProjectedTypes(String graphName, List<String> chosen) {
        try (Result exists = tx.execute("CALL gds.graph.exists($name) YIELD exists RETURN exists", Map.of("name", graphName))) {
            if (!(Boolean) exists.next().get("exists")) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "No graph `%s` in GDS's graph catalog (project one with gds.graph.project).", graphName));
            }
        }
        Set<String> projected;
        try (Result listed = tx.execute("CALL gds.graph.list($name) YIELD schemaWithOrientation "
                + "RETURN schemaWithOrientation", Map.of("name", graphName))) {
            Map<String, Object> schema = (Map<String, Object>) listed.next().get("schemaWithOrientation");
            projected = new TreeSet<>(((Map<String, Object>) schema.get("relationships")).keySet());
        }
        for (String type : chosen) {
            if (!projected.contains(type)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "No relationship type `%s` in graph `%s` (its types: %s).", type, graphName, projected));
            }
        }
        return chosen.isEmpty() ? List.copyOf(projected) : chosen;
    }

    private long count(String query, Map<String, Object> parameters) {
        try (Result result = tx.execute(query, parameters)) {
            return ((Number) result.next().get("c")).longValue();
        }
    }

    /** Whether a relationship is a prediction of this plugin rather than a fact. */
    static boolean isPredicted(Relationship r) {
        return Boolean.TRUE.equals(r.getProperty(PREDICTED, false));
    }

    /**
     * Reads a projection, leaving out the triples that only predictions state. A projection keeps no boolean
     * property, so it cannot say which of its relationships were predicted; the store can: a projected triple is
     * left out when every stored relationship of its type from its source to its target is a prediction. This
     * matches triples by node ids and type name in the natural orientation (a projection that renames types or
     * reverses them is not matched: filter predictions in its Cypher instead), and a predicted pair also stated
     * by a fact stays.
     */
    private void readProjected(TransEConfig config, Builder builder) {
        String graphName = config.graphName().get();
        List<String> types = validateProjectedTypes(graphName, config.relationshipTypes());
        Set<PairKey> predictedOnly = predictedOnly(types);
        try (Result rows = tx.execute("CALL gds.graph.relationships.stream($name, $types) "
                + "YIELD sourceNodeId, targetNodeId, relationshipType RETURN sourceNodeId, targetNodeId, relationshipType",
                Map.of("name", graphName, "types", types))) {
            long seen = 0;
            while (rows.hasNext()) {
                Map<String, Object> row = rows.next();
                if (++seen % CHECK_EVERY == 0) {
                    termination.assertRunning();
                }
                long source = (Long) row.get("sourceNodeId");
                String type = (String) row.get("relationshipType");
                long target = (Long) row.get("targetNodeId");
                if (!predictedOnly.isEmpty() && predictedOnly.contains(new PairKey(source, type, target))) {
                    builder.predictedLeftOut++;
                    continue;
                }
                builder.add(source, builder.relation(type), target);
            }
        }
    }

    private record PairKey(long source, String type, long target) {}

    /** The (source, type, target) of the stored types that only relationships marked predicted state. */
    private Set<PairKey> predictedOnly(List<String> types) {
        Set<String> stored = names(tx.getAllRelationshipTypesInUse(), RelationshipType::name);
        Set<PairKey> keys = new HashSet<>();
        for (String type : types) {
            if (!stored.contains(type)) {
                continue;
            }
            String escaped = "`" + type.replace("`", "``") + "`";
            try (Result rows = tx.execute("MATCH (a)-[r:" + escaped + "]->(b) WHERE r." + PREDICTED + " = true "
                    + "AND NOT EXISTS { (a)-[s:" + escaped + "]->(b) WHERE NOT coalesce(s." + PREDICTED
                    + " = true, false) } RETURN DISTINCT id(a) AS a, id(b) AS b", Map.of())) {
                while (rows.hasNext()) {
                    Map<String, Object> row = rows.next();
                    keys.add(new PairKey((Long) row.get("a"), type, (Long) row.get("b")));
                }
            }
            termination.assertRunning();
        }
        return keys;
    }

    private static boolean hasAny(Node node, List<Label> labels, Map<Long, Boolean> cache) {
        @SuppressWarnings("deprecation") long id = node.getId();
        return cache.computeIfAbsent(id, k -> labels.stream().anyMatch(node::hasLabel));
    }

    private static <T> Set<String> names(Iterable<T> items, java.util.function.Function<T, String> name) {
        Set<String> names = new TreeSet<>();
        StreamSupport.stream(items.spliterator(), false).map(name).forEach(names::add);
        return names;
    }

    /** Node ids and types to dense ids, in first-seen order. */
    private static final class Builder {
        private final Map<Long, Integer> entityIndex = new HashMap<>();
        private final List<Long> nodeIds = new ArrayList<>();
        private final Map<String, Integer> relationIndex = new HashMap<>();
        private final List<String> relationTypes = new ArrayList<>();
        private final IntList heads = new IntList();
        private final IntList relations = new IntList();
        private final IntList tails = new IntList();
        private long predictedLeftOut;

        int relation(String type) {
            return relationIndex.computeIfAbsent(type, t -> {
                relationTypes.add(t);
                return relationTypes.size() - 1;
            });
        }

        void add(long start, int relation, long end) {
            heads.add(entity(start));
            relations.add(relation);
            tails.add(entity(end));
        }

        private int entity(long nodeId) {
            return entityIndex.computeIfAbsent(nodeId, id -> {
                nodeIds.add(id);
                return nodeIds.size() - 1;
            });
        }

        KnowledgeGraph build() {
            long[] ids = nodeIds.stream().mapToLong(Long::longValue).toArray();
            TripleStore store = new TripleStore(ids.length, relationTypes.size(), heads.toArray(), relations.toArray(),
                    tails.toArray());
            return new KnowledgeGraph(ids, entityIndex, List.copyOf(relationTypes), store, predictedLeftOut);
        }
    }

    /** A growable int array: the triples of millions of relationships without boxing. */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        boolean isEmpty() {
            return size == 0;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
