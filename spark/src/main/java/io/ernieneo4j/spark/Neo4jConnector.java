package io.ernieneo4j.spark;

import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads and writes through Neo4j's Connector for Apache Spark, always in its Cypher-query mode: the job needs the
 * graph shaped as the plugin reads it (entities in the plugin's order, names as lists, the prior as the degree
 * without MENTIONS) and writes that replace a document's MENTIONS, which the connector's label and relationship
 * modes cannot express. Names and labels from the configuration go into the queries quoted ({@link #name}), never
 * as raw text.
 */
final class Neo4jConnector {

    static final String FORMAT = "org.neo4j.spark.DataSource";

    private final SparkSession spark;
    private final SparkJobConfig config;

    Neo4jConnector(SparkSession spark, SparkJobConfig config) {
        this.spark = spark;
        this.config = config;
    }

    /** The rows of a read query, in one partition (the connector's default for a query). */
    Dataset<Row> read(String query) {
        DataFrameReader reader = spark.read().format(FORMAT).option("query", query);
        connection(reader::option);
        return reader.load();
    }

    /**
     * Runs {@code query} once per row, the row being {@code event} (the connector's {@code UNWIND $events AS
     * event}), in one writer: parallel writers of MENTIONS to shared entity nodes would deadlock on their locks.
     */
    void write(Dataset<Row> rows, String query) {
        DataFrameWriter<Row> writer = rows.coalesce(1).write().format(FORMAT).mode(SaveMode.Append)
                .option("query", query);
        connection(writer::option);
        writer.save();
    }

    private interface Option {
        Object set(String key, String value);
    }

    private void connection(Option option) {
        option.set("url", config.url());
        if (config.user().isEmpty()) {
            option.set("authentication.type", "none");
        } else {
            option.set("authentication.type", "basic");
            option.set("authentication.basic.username", config.user());
            option.set("authentication.basic.password", config.password());
        }
        if (!config.database().isEmpty()) {
            option.set("database", config.database());
        }
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** The entity nodes, each once, with the index of its first configured label (the plugin reads label by label). */
    String entities() {
        List<String> labels = config.entityLabels();
        StringBuilder union = new StringBuilder("CALL { ");
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) union.append(" UNION ALL ");
            union.append("MATCH (n:").append(name(labels.get(i))).append(") RETURN n, ").append(i).append(" AS i");
        }
        return union.append(" } WITH n, min(i) AS labelIndex ").toString();
    }

    /** An entity's raw prior: its property (0 when absent or not a number), or its degree without MENTIONS. */
    String prior() {
        if (config.priorProperty().isEmpty()) {
            return "toFloat(COUNT { (n)--() } - COUNT { (n)-[:MENTIONS]-() })";
        }
        String p = "n." + name(config.priorProperty().get());
        return String.format(Locale.ROOT, "CASE WHEN %1$s IS :: INTEGER OR %1$s IS :: FLOAT THEN toFloat(%1$s) "
                + "ELSE 0.0 END", p);
    }

    /** Whether the prior property is absent or a number (the plugin refuses other values). */
    String priorValid() {
        if (config.priorProperty().isEmpty()) {
            return "true";
        }
        String p = "n." + name(config.priorProperty().get());
        return String.format(Locale.ROOT, "(%1$s IS NULL OR %1$s IS :: INTEGER OR %1$s IS :: FLOAT)", p);
    }

    /** An entity's key in a TransE model keyed by {@code spec} ({@code elementId} or {@code property:<name>}). */
    static String key(String spec) {
        if (spec == null || spec.equals("elementId")) {
            return "elementId(n)";
        }
        String p = "n." + name(spec.substring("property:".length()));
        return String.format(Locale.ROOT, "CASE WHEN %1$s IS NULL OR %1$s IS :: LIST<ANY> THEN '' ELSE toString(%1$s) "
                + "END", p);
    }

    /** @param relationKeySpec the relation model's key spec, the typing model's the other */
    String entityRows(String modelKeySpec, String relationKeySpec) {
        return entities() + "RETURN id(n) AS nodeId, labelIndex, elementId(n) AS elementId, " + prior()
                + " AS prior, " + priorValid() + " AS priorValid, " + key(modelKeySpec) + " AS modelKey, "
                + key(relationKeySpec) + " AS relationKey";
    }

    /** One row per name: the name property's index, the name's position in it, and whether it is text at all. */
    String nameRows() {
        String properties = config.nameProperties().stream().map(Neo4jConnector::literal)
                .collect(Collectors.joining(", ", "[", "]"));
        return "MATCH (n) WHERE " + anyLabel() + " WITH n, " + properties + " AS properties "
                + "UNWIND range(0, size(properties) - 1) AS property "
                + "WITH n, property, n[properties[property]] AS value WHERE value IS NOT NULL "
                + "WITH n, property, CASE WHEN value IS :: LIST<ANY> THEN value ELSE [value] END AS names, "
                + "(value IS :: STRING OR value IS :: LIST<STRING>) AS isText "
                + "UNWIND range(0, size(names) - 1) AS position "
                + "RETURN id(n) AS nodeId, property, position, CASE WHEN isText THEN names[position] ELSE '' END "
                + "AS name, isText";
    }

    /** One row per entity with an embedding; {@code isVector} false where the property is not a list of numbers. */
    String embeddingRows() {
        String e = "n." + name(config.embeddingProperty().orElseThrow());
        return String.format(Locale.ROOT, "MATCH (n) WHERE (%2$s) AND %1$s IS NOT NULL WITH n, (%1$s IS :: LIST<FLOAT> "
                        + "OR %1$s IS :: LIST<INTEGER>) AS isVector RETURN id(n) AS nodeId, CASE WHEN isVector "
                        + "THEN [x IN %1$s | toFloat(x)] ELSE [0.0] END AS embedding, isVector", e, anyLabel());
    }

    /** The documents with the text property (without MENTIONS, with {@code onlyNew}). */
    String documents() {
        String t = "d." + name(config.textProperty());
        return String.format(Locale.ROOT, "MATCH (d:%s) WHERE %s IS NOT NULL%s RETURN elementId(d) AS document, "
                        + "CASE WHEN %2$s IS :: STRING THEN %2$s ELSE '' END AS text, %2$s IS :: STRING AS isText, "
                        + "id(d) AS nodeId",
                name(config.documentLabel()), t,
                config.onlyNew() ? " AND NOT EXISTS { (d)-[:MENTIONS]->() }" : "");
    }

    /** Replaces a document's MENTIONS by the row's, as ernie.align.write does. */
    static String writeMentions() {
        return "MATCH (d) WHERE elementId(d) = event.document "
                + "OPTIONAL MATCH (d)-[old:MENTIONS]->() DELETE old "
                + "WITH DISTINCT d, event UNWIND event.mentions AS m "
                + "MATCH (e) WHERE elementId(e) = m.entity "
                + "CREATE (d)-[:MENTIONS {start: m.start, end: m.end, score: m.score, mention: m.mention}]->(e)";
    }

    /** Sets an entity's types, their scores and the model's name, as ernie.type.write does. */
    static String writeTypes(String property) {
        return "MATCH (n) WHERE elementId(n) = event.entity SET n." + name(property) + " = event.types, n."
                + name(property + "Scores") + " = event.scores, n." + name(property + "Model") + " = event.model";
    }

    /** An edge that counts for the graph's conventions: neither MENTIONS nor predicted. */
    private static String stated(String r) {
        return String.format(Locale.ROOT, "type(%1$s) <> 'MENTIONS' AND NOT coalesce(%1$s.predicted = true, false)", r);
    }

    /** How many edges each type has, as {@code RelationConventions} counts them ({@code type}, {@code edges}). */
    static String conventionTotals() {
        return "MATCH ()-[r]->() WHERE " + stated("r") + " RETURN type(r) AS type, count(r) AS edges";
    }

    /**
     * How often an edge of one type comes back as another ({@code type}, {@code reverse}, {@code edges}); two MATCH
     * clauses, so that a self-loop is its own reverse, as the plugin counts it.
     */
    static String conventionReverses() {
        return "MATCH (a)-[r]->(b) WHERE " + stated("r") + " MATCH (b)-[back]->(a) WHERE " + stated("back")
                + " RETURN type(r) AS type, type(back) AS reverse, count(*) AS edges";
    }

    /**
     * The relationships of {@code types}, predicted or not, as ernie.relation.write checks them: {@code head},
     * {@code type}, {@code tail} (node ids), {@code predicted}, {@code status} (null unless a string), {@code edge}
     * (elementId).
     */
    static String relationships(List<String> types) {
        String list = types.stream().map(Neo4jConnector::literal).collect(Collectors.joining(", ", "[", "]"));
        return "MATCH (h)-[r]->(t) WHERE type(r) IN " + list + " RETURN id(h) AS head, type(r) AS type, id(t) AS tail, "
                + "coalesce(r.predicted = true, false) AS predicted, CASE WHEN r.status IS :: STRING THEN r.status "
                + "END AS status, elementId(r) AS edge";
    }

    /**
     * Creates a predicted relationship of {@code type} from {@code event.head} to {@code event.tail} (node ids) with
     * the event's {@code properties} (the connector hands a nested struct over as null, so they are columns).
     */
    static String createRelationships(String type, List<String> properties) {
        return "MATCH (h) WHERE id(h) = event.head MATCH (t) WHERE id(t) = event.tail CREATE (h)-[r:" + name(type)
                + "]->(t) " + set(properties);
    }

    /** Writes a predicted relationship's {@code properties} again ({@code event.edge}: its elementId). */
    static String updateRelationships(List<String> properties) {
        return "MATCH ()-[r]->() WHERE elementId(r) = event.edge " + set(properties);
    }

    private static String set(List<String> properties) {
        return properties.stream().map(p -> "r." + name(p) + " = event." + name(p))
                .collect(Collectors.joining(", ", "SET ", ""));
    }

    private String anyLabel() {
        return config.entityLabels().stream().map(l -> "n:" + name(l)).collect(Collectors.joining(" OR "));
    }

    /** A label or property key, quoted for Cypher. */
    static String name(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** A string literal for Cypher. */
    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
