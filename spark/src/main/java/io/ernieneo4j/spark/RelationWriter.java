package io.ernieneo4j.spark;

import io.ernieneo4j.trainer.completion.RelationConventions;
import io.ernieneo4j.trainer.completion.RelationProposals;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

/**
 * Writes the relations the executors classified as ernie.relation.write (without {@code fusion}) writes them, with
 * the trainer's code deciding: {@link RelationConventions} learnt from the graph's own edges (counted through the
 * connector), one proposal per fact ({@link RelationProposals#of}), and for each the relationships that state it
 * today, read up front through the connector ({@link RelationProposals#decide}); then the new relationships are
 * created, one connector write per relationship type, and the earlier predicted ones written again, each with
 * {@link RelationProposals#properties}.
 *
 * <p>Unlike the plugin, which checks each fact in its write transaction, the job reads the graph's conventions and
 * the relationships of the types concerned once, before it writes: a relationship created or reviewed between that
 * read and the write is not seen. The driver holds the predictions over the threshold and those relationships.
 */
final class RelationWriter {

    private RelationWriter() {}

    static ErnieSparkJob.Relations write(SparkSession spark, Neo4jConnector neo4j, Dataset<Row> linked,
                                         SparkJobConfig config, long examples, long tooLong) {
        List<Row> rows = new ArrayList<>(linked.select(explode(col("relations")).as("r")).select("r.*")
                .collectAsList());
        // as the plugin reads them: document by document, each head mention's pairs by tail
        rows.sort(Comparator.<Row>comparingLong(r -> r.getAs("documentId"))
                .thenComparingInt(r -> r.getAs("headStart")).thenComparingInt(r -> r.getAs("tailStart")));
        List<RelationProposals.Prediction> predictions = new ArrayList<>(rows.size());
        for (Row r : rows) {
            predictions.add(new RelationProposals.Prediction(r.getAs("documentId"), r.getAs("head"),
                    r.getAs("relation"), r.getAs("tail"), r.getAs("score"), r.getAs("headStart"), r.getAs("headEnd"),
                    r.getAs("tailStart"), r.getAs("tailEnd")));
        }
        RelationConventions conventions = conventions(neo4j);
        RelationProposals.Proposals proposals = RelationProposals.of(predictions, conventions);
        if (proposals.proposals().isEmpty()) {
            return new ErnieSparkJob.Relations(examples, tooLong, 0, 0, 0, 0, 0, 0);
        }
        Map<RelationConventions.Fact, List<RelationProposals.Existing<String>>> existing = existing(neo4j,
                proposals, conventions);

        String now = RelationProposals.now();
        String model = config.recordedRelationModelName();
        String status = config.relationStatus().orElse(null);
        StructType properties = schema(RelationProposals.properties(proposals.proposals().getFirst(), model, now,
                status));
        Map<String, List<Row>> created = new TreeMap<>();
        List<Row> updated = new ArrayList<>();
        long known = 0;
        long rejected = 0;
        for (RelationProposals.Proposal proposal : proposals.proposals()) {
            RelationConventions.Fact fact = proposal.fact();
            List<RelationProposals.Existing<String>> stating = new ArrayList<>();
            for (RelationConventions.Fact form : conventions.statements(fact)) {
                stating.addAll(existing.getOrDefault(form, List.of()));
            }
            RelationProposals.Decision<String> decision = RelationProposals.decide(fact, stating);
            Object[] values = values(properties, RelationProposals.properties(proposal, model, now, status));
            switch (decision.outcome()) {
                case ALREADY_KNOWN -> known++;
                case REJECTED -> rejected++;
                case CREATE -> created.computeIfAbsent(fact.type(), t -> new ArrayList<>())
                        .add(row(values, fact.head(), fact.tail()));
                case UPDATE -> updated.add(row(values, decision.edge()));
            }
        }
        // the properties are the events' own columns, after the nodes or the relationship
        List<String> keys = List.of(properties.fieldNames());
        StructType createSchema = new StructType().add("head", DataTypes.LongType, false)
                .add("tail", DataTypes.LongType, false);
        StructType updateSchema = new StructType().add("edge", DataTypes.StringType, false);
        for (var field : properties.fields()) {
            createSchema = createSchema.add(field);
            updateSchema = updateSchema.add(field);
        }
        long createdCount = 0;
        for (Map.Entry<String, List<Row>> type : created.entrySet()) {
            neo4j.write(spark.createDataFrame(type.getValue(), createSchema),
                    Neo4jConnector.createRelationships(type.getKey(), keys));
            createdCount += type.getValue().size();
        }
        if (!updated.isEmpty()) {
            neo4j.write(spark.createDataFrame(updated, updateSchema), Neo4jConnector.updateRelationships(keys));
        }
        return new ErnieSparkJob.Relations(examples, tooLong, proposals.proposals().size(), proposals.merged(),
                createdCount, updated.size(), known, rejected);
    }

    /** The graph's inverse and symmetric types, from the counts of its edges read through the connector. */
    private static RelationConventions conventions(Neo4jConnector neo4j) {
        Map<String, Long> total = new HashMap<>();
        for (Row row : neo4j.read(Neo4jConnector.conventionTotals()).collectAsList()) {
            total.put(row.getAs("type"), row.getAs("edges"));
        }
        Map<String, Map<String, Long>> back = new HashMap<>();
        for (Row row : neo4j.read(Neo4jConnector.conventionReverses()).collectAsList()) {
            back.computeIfAbsent(row.getAs("type"), t -> new HashMap<>()).put(row.getAs("reverse"), row.getAs("edges"));
        }
        return RelationConventions.of(total, back);
    }

    /** The relationships of every type a proposal's fact may be stated in, by the form of the fact they state. */
    private static Map<RelationConventions.Fact, List<RelationProposals.Existing<String>>> existing(
            Neo4jConnector neo4j, RelationProposals.Proposals proposals, RelationConventions conventions) {
        Set<String> types = new LinkedHashSet<>();
        for (RelationProposals.Proposal proposal : proposals.proposals()) {
            conventions.statements(proposal.fact()).forEach(form -> types.add(form.type()));
        }
        Map<RelationConventions.Fact, List<RelationProposals.Existing<String>>> existing = new HashMap<>();
        for (Row row : neo4j.read(Neo4jConnector.relationships(List.copyOf(types))).collectAsList()) {
            RelationConventions.Fact form = new RelationConventions.Fact(row.getAs("head"), row.getAs("type"),
                    row.getAs("tail"));
            existing.computeIfAbsent(form, f -> new ArrayList<>()).add(new RelationProposals.Existing<>(form,
                    row.<Boolean>getAs("predicted"), row.getAs("status"), row.getAs("edge")));
        }
        return existing;
    }

    /** The columns the properties travel in to the connector. */
    private static StructType schema(Map<String, Object> properties) {
        StructType schema = new StructType();
        for (Map.Entry<String, Object> p : properties.entrySet()) {
            schema = schema.add(p.getKey(), type(p.getKey(), p.getValue()), false);
        }
        return schema;
    }

    private static DataType type(String key, Object value) {
        return switch (value) {
            case Boolean b -> DataTypes.BooleanType;
            case Long l -> DataTypes.LongType;
            case Double d -> DataTypes.DoubleType;
            case String s -> DataTypes.StringType;
            default -> throw new IllegalStateException("Property `" + key + "` of a relationship is a "
                    + value.getClass().getSimpleName() + ", which the job cannot write.");
        };
    }

    private static Object[] values(StructType schema, Map<String, Object> properties) {
        Object[] values = new Object[schema.fields().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = properties.get(schema.fields()[i].name());
        }
        return values;
    }

    /** An event: {@code first} (the nodes, or the relationship) and then the property values. */
    private static Row row(Object[] values, Object... first) {
        Object[] all = new Object[first.length + values.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(values, 0, all, first.length, values.length);
        return RowFactory.create(all);
    }
}
