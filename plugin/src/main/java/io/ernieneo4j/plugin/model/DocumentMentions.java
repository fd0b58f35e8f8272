package io.ernieneo4j.plugin.model;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.plugin.common.NodeArguments;
import io.ernieneo4j.trainer.data.Mention;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What ERNIE reads from the graph: documents of a label, their text, and their aligned mentions — the
 * {@code (doc)-[:MENTIONS {start, end, score}]->(entity)} relationships of ernie.align.write — with a linker score of
 * at least {@code minLinkScore}. A mention's entity is the entity node's key (elementId or key property), as in the
 * TransE model's entity table.
 *
 * @param documentIds nodes or node ids to read, or null for every node of the label
 */
public record DocumentMentions(String modelName, String documentLabel, String textProperty, List<Object> documentIds,
                               double minLinkScore, double threshold, int batchSize) {

    /** The configuration keys every ERNIE inference procedure takes. */
    public static final Set<String> KEYS = Set.of("modelName", "documentLabel", "textProperty", "documents",
            "minLinkScore", "threshold", "batchSize");
    public static final RelationshipType MENTIONS = RelationshipType.withName("MENTIONS");

    /** {@link #KEYS} and a write mode's own keys. */
    public static Set<String> keysWith(String... writeKeys) {
        Set<String> keys = new java.util.HashSet<>(KEYS);
        keys.addAll(List.of(writeKeys));
        return keys;
    }

    /**
     * One document's text and mentions, by start, with each mention's linker score (same order).
     *
     * @param entityNodeIds each mentioned entity's internal node id, by key: for this transaction's rows only
     */
    public record Document(long id, String text, List<Mention> mentions, List<Double> scores,
                           Map<String, Long> entityNodeIds) {

        /** The internal id of the node a mention's entity key names. */
        public long nodeId(String entity) {
            return entityNodeIds.get(entity);
        }

        /** The linker's score of one of the document's mentions. */
        public double score(Mention mention) {
            return scores.get(mentions.indexOf(mention));
        }
    }

    /** What a document weighs before it is read: its text's length and its {@code MENTIONS}, at any score. */
    public record DocumentSize(int textLength, int mentions) {}

    public static DocumentMentions from(ConfigMap config, Transaction tx) {
        String label = config.requireString("documentLabel");
        boolean exists = false;
        for (Label l : tx.getAllLabelsInUse()) {
            exists |= l.name().equals(label);
        }
        if (!exists) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "No node label `%s` exists in the database.", label));
        }
        Object documents = config.toMap().get("documents");
        List<Object> ids = documents == null ? null
                : documents instanceof List<?> list ? new ArrayList<>(list) : List.of(documents);
        return new DocumentMentions(config.requireString("modelName"), label, config.string("textProperty", "text"),
                ids, config.doubleValue("minLinkScore", 0.0, 0.0, 1.0), config.doubleValue("threshold", 0.5, 0.0, 1.0),
                config.intValue("batchSize", 32, 1, 4096));
    }

    /**
     * The documents with a non-empty text and at least one mention over {@code minLinkScore}, mentions naming their
     * entity by {@code key} (a mention of a node without a key value is left out: no model can know it).
     */
    @SuppressWarnings("deprecation")
    public List<Document> read(Transaction tx, EntityKey key) {
        List<Document> documents = new ArrayList<>();
        for (Node node : nodes(tx)) {
            Object text = node.getProperty(textProperty, null);
            if (!(text instanceof String s) || s.isEmpty()) {
                continue;
            }
            List<Map.Entry<Mention, Double>> scored = new ArrayList<>();
            Map<String, Long> entityNodeIds = new HashMap<>();
            for (Relationship r : node.getRelationships(Direction.OUTGOING, MENTIONS)) {
                double score = ((Number) r.getProperty("score", 1.0)).doubleValue();
                Node entity = r.getEndNode();
                String entityKey = key.of(entity);
                if (score >= minLinkScore && entityKey != null) {
                    entityNodeIds.put(entityKey, entity.getId());
                    scored.add(Map.entry(new Mention(((Number) r.getProperty("start")).intValue(),
                            ((Number) r.getProperty("end")).intValue(), entityKey), score));
                }
            }
            if (!scored.isEmpty()) {
                scored.sort(Comparator.comparingInt(e -> e.getKey().start()));
                documents.add(new Document(node.getId(), s, scored.stream().map(Map.Entry::getKey).toList(),
                        scored.stream().map(Map.Entry::getValue).toList(), entityNodeIds));
            }
        }
        return documents;
    }

    /**
     * The sizes of the documents {@link #read} would read, without reading their mentions: the mention count is
     * the degree, an upper bound when {@code minLinkScore} leaves some out.
     */
    public List<DocumentSize> sizes(Transaction tx) {
        List<DocumentSize> sizes = new ArrayList<>();
        for (Node node : nodes(tx)) {
            Object text = node.getProperty(textProperty, null);
            int mentions = node.getDegree(MENTIONS, Direction.OUTGOING);
            if (text instanceof String s && !s.isEmpty() && mentions > 0) {
                sizes.add(new DocumentSize(s.length(), mentions));
            }
        }
        return sizes;
    }

    /** Every node of the label, or the nodes given in {@code documents}, each of which must have the label. */
    private List<Node> nodes(Transaction tx) {
        List<Node> nodes = new ArrayList<>();
        if (documentIds == null) {
            try (ResourceIterator<Node> it = tx.findNodes(Label.label(documentLabel))) {
                it.forEachRemaining(nodes::add);
            }
            return nodes;
        }
        for (Object id : documentIds) {
            Node node = NodeArguments.node(tx, id, "documents");
            if (!node.hasLabel(Label.label(documentLabel))) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`documents` names node %s, which has no label `%s` (`documentLabel`).",
                        id instanceof Node given ? given.getElementId() : id, documentLabel));
            }
            nodes.add(node);
        }
        return nodes;
    }

    /**
     * Refuses a {@code textProperty} that no selected document has: a misspelt key would otherwise read nothing
     * and say nothing. For a caller that read no document.
     */
    public void requireTextProperty(Transaction tx) {
        List<Node> nodes = nodes(tx);
        if (nodes.isEmpty() || nodes.stream().anyMatch(node -> node.hasProperty(textProperty))) {
            return;
        }
        Set<String> present = new java.util.TreeSet<>();
        nodes.stream().limit(100).forEach(node -> node.getPropertyKeys().forEach(present::add));
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "`textProperty`: no `%s` node selected has a property `%s` (their properties include %s).",
                documentLabel, textProperty, present));
    }
}
