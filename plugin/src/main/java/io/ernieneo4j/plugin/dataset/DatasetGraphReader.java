package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.trainer.dataset.DatasetGraph;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The graph as ernie.dataset.export reads it: the documents of a label with their {@code MENTIONS} (read as ERNIE's
 * inference reads them), each entity's {@code typeProperty} and its other relationships ({@code predicted: true}
 * marks what ernie.transe.predict.write and ernie.relation.write wrote). Entities are named by the TransE model's
 * {@link EntityKey}; their internal ids stay inside this transaction.
 */
final class DatasetGraphReader implements DatasetGraph {

    static final String MENTIONS = "MENTIONS";

    private final Transaction tx;
    private final DatasetExportConfig config;
    private final EntityKey key;
    /** The internal id of each entity the documents mention, by key, for this transaction. */
    private final Map<String, Long> nodeIds = new HashMap<>();

    DatasetGraphReader(Transaction tx, DatasetExportConfig config, EntityKey key) {
        this.tx = tx;
        this.config = config;
        this.key = key;
    }

    /** Checks the names the configuration uses exist in the database, before anything is read. */
    void validate() {
        Set<String> labels = new HashSet<>();
        tx.getAllLabelsInUse().forEach(l -> labels.add(l.name()));
        if (!labels.contains(config.documentLabel())) {
            throw invalid("`documentLabel`: no node label `%s` exists in the database.", config.documentLabel());
        }
        Set<String> keys = new HashSet<>();
        tx.getAllPropertyKeys().forEach(keys::add);
        List<Map.Entry<String, String>> properties = new ArrayList<>(List.of(Map.entry("textProperty",
                config.textProperty())));
        if (config.typeProperty() != null) { // null: the pretraining corpus, which reads no types
            properties.add(Map.entry("typeProperty", config.typeProperty()));
        }
        for (var property : properties) {
            if (!keys.contains(property.getValue())) {
                throw invalid("`%s`: no property key `%s` exists in the database.", property.getKey(),
                        property.getValue());
            }
        }
        Set<String> types = new HashSet<>();
        tx.getAllRelationshipTypesInUse().forEach(t -> types.add(t.name()));
        for (String type : config.relationshipTypes()) {
            if (!types.contains(type)) {
                throw invalid("`relationshipTypes`: no relationship type `%s` exists in the database.", type);
            }
        }
        if (!types.contains(MENTIONS)) {
            throw invalid("No `MENTIONS` relationship exists in the database; align the documents with "
                    + "ernie.align.write first.");
        }
    }

    @Override
    public List<Document> documents() {
        DocumentMentions reader = new DocumentMentions(config.modelName(), config.documentLabel(),
                config.textProperty(), null, config.minLinkScore(), 0.5, 1);
        List<DocumentMentions.Document> read = new ArrayList<>(reader.read(tx, key));
        if (read.isEmpty()) {
            throw invalid("No `%s` node has a non-empty `%s` and MENTIONS with a score of at least %s; align the "
                    + "documents with ernie.align.write first.", config.documentLabel(), config.textProperty(),
                    config.minLinkScore());
        }
        read.sort(Comparator.comparingLong(DocumentMentions.Document::id));
        read.forEach(d -> nodeIds.putAll(d.entityNodeIds()));
        return read.stream().map(d -> new Document(Long.toString(d.id()), d.text(), d.mentions(), d.scores()))
                .toList();
    }

    /** The entity's {@code typeProperty}: a string or a list of strings (none when absent). */
    @Override
    @SuppressWarnings("deprecation")
    public List<String> types(String entity) {
        Object value = tx.getNodeById(nodeIds.get(entity)).getProperty(config.typeProperty(), null);
        List<String> labels = new ArrayList<>();
        if (value instanceof String s) {
            labels.add(s);
        } else if (value instanceof String[] array) {
            labels.addAll(List.of(array));
        } else if (value != null) {
            throw invalid("`typeProperty`: property `%s` of node %s holds %s, not a string or a list of strings.",
                    config.typeProperty(), entity, value.getClass().getSimpleName());
        }
        labels.removeIf(String::isBlank);
        return List.copyOf(new LinkedHashSet<>(labels));
    }

    @Override
    @SuppressWarnings("deprecation")
    public List<Relationship> relationships(String entity) {
        Node node = tx.getNodeById(nodeIds.get(entity));
        List<Relationship> relationships = new ArrayList<>();
        // a pair with a held-out edge is held out in every form (an inverse edge states the same fact)
        java.util.Set<Node> heldOutPairs = new java.util.HashSet<>();
        for (org.neo4j.graphdb.Relationship r : node.getRelationships()) {
            if (heldOut(r)) {
                heldOutPairs.add(r.getOtherNode(node));
            }
        }
        // the interface's Relationship shadows Neo4j's here
        for (org.neo4j.graphdb.Relationship r : node.getRelationships()) {
            if (r.getType().name().equals(MENTIONS)) {
                continue;
            }
            String other = key.of(r.getOtherNode(node));
            if (other != null) { // a node without a key is no entity of the files
                relationships.add(new Relationship(r.getType().name(), other, r.getStartNode().equals(node),
                        Boolean.TRUE.equals(r.getProperty("predicted", false))
                                || heldOutPairs.contains(r.getOtherNode(node))));
            }
        }
        return relationships;
    }

    /** A dev or test edge of the configured split: like a predicted one, it labels nothing. */
    private boolean heldOut(org.neo4j.graphdb.Relationship r) {
        if (config.splitProperty().isEmpty()) {
            return false;
        }
        Object split = r.getProperty(config.splitProperty().get(), null);
        return split != null && !config.trainSplit().equals(split);
    }

    private static IllegalArgumentException invalid(String format, Object... args) {
        return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }
}
