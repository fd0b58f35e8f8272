package io.ernieneo4j.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.DictionaryEntry;
import io.ernieneo4j.trainer.calibration.TemperatureScaling;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.infer.EntityTypes;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

/**
 * Entity linking, ERNIE typing and relation classification of a Neo4j database's documents on Apache Spark: what
 * {@code ernie.align.write}, {@code ernie.type.write} and {@code ernie.relation.write} do in one server, spread over a
 * cluster's executors. The driver reads the
 * entity dictionary through Neo4j's Connector for Apache Spark and broadcasts it; each executor builds the
 * dictionary and loads the typing model once per JVM, links and types its partitions of the documents with the
 * trainer's own code, and the results are written back through the connector: the same MENTIONS (replacing a
 * document's earlier ones), the same type properties and the same predicted relationships ({@link RelationWriter}),
 * with the same scores, as the plugin writes.
 *
 * <p>Every document is linked and typed before anything is written, so that bad input (an empty or overlong
 * text) writes nothing. Writes go through one writer (Neo4j serialises writers to shared entity nodes anyway, and
 * parallel ones deadlock).
 *
 * <p>{@code spark-submit --class io.ernieneo4j.spark.ErnieSparkJob <jar> --url bolt://... --documentLabel ...}
 * (docs/scaling-out.md); as a library, {@link #run}.
 */
public final class ErnieSparkJob {

    /**
     * What a run did.
     *
     * @param documents       documents linked
     * @param mentions        MENTIONS relationships written
     * @param examples        mentions given to the typing model
     * @param examplesTooLong mentions the model could not take (longer than its maximum length)
     * @param entitiesTyped   entity nodes whose types were written
     * @param dictionarySize  entities in the dictionary
     * @param millis          the whole run
     * @param dictionaryMillis checking the model's files, reading the dictionary and building it once on the driver
     * @param computeMillis   reading the documents, linking and typing them (executors' dictionary builds and model
     *                        loads included)
     * @param writeMillis     writing MENTIONS, types and relations (with the reads that decide relations)
     * @param relations       what relation classification did; {@link Relations#NONE} without a relation model
     */
    public record Summary(long documents, long mentions, long examples, long examplesTooLong, long entitiesTyped,
                          long dictionarySize, long millis, long dictionaryMillis, long computeMillis,
                          long writeMillis, Relations relations) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "ernie-spark: %d documents, %d MENTIONS written, %d mentions typed "
                            + "(%d too long for the model), %d entities typed; dictionary of %d entities; %d ms "
                            + "(%d reading the dictionary, %d linking and typing, %d writing)%s",
                    documents, mentions, examples, examplesTooLong, entitiesTyped, dictionarySize, millis,
                    dictionaryMillis, computeMillis, writeMillis, relations == Relations.NONE ? "" : "; " + relations);
        }
    }

    /**
     * What relation classification did, counted as ernie.relation.write counts it.
     *
     * @param examples      mention pairs given to the relation model
     * @param tooLong       pairs it could not take (their span longer than its maximum length)
     * @param predictions   distinct facts predicted over the threshold, each counted once however it was stated
     * @param merged        predictions merged into another of the same fact (inverse or mirrored)
     * @param created       relationships created
     * @param updated       earlier predicted relationships written again
     * @param alreadyKnown  facts the graph states by a relationship that was not predicted, or an accepted one
     * @param rejected      facts a curator rejected before ({@code status: 'rejected'})
     */
    public record Relations(long examples, long tooLong, long predictions, long merged, long created, long updated,
                            long alreadyKnown, long rejected) {

        public static final Relations NONE = new Relations(0, 0, 0, 0, 0, 0, 0, 0);

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d mention pairs classified (%d too long for the model), %d facts "
                            + "predicted (%d merged): %d relationships created, %d updated, %d already known, "
                            + "%d rejected", examples, tooLong, predictions, merged, created, updated, alreadyKnown,
                    rejected);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErnieSparkJob() {}

    public static void main(String[] args) {
        SparkJobConfig config = SparkJobConfig.fromArguments(args);
        SparkSession spark = SparkSession.builder().appName("ernie-neo4j").getOrCreate();
        try {
            System.out.println(run(spark, config));
        } finally {
            spark.stop();
        }
    }

    /** Links (and, with {@code model}, types) the documents {@code config} selects, and writes the results. */
    public static Summary run(SparkSession spark, SparkJobConfig config) {
        long start = System.nanoTime();
        Neo4jConnector neo4j = new Neo4jConnector(spark, config);
        // the model's files first: a wrong folder fails before Spark reads anything
        double temperature = Double.NaN;
        String modelKeySpec = "elementId";
        if (config.model().isPresent()) {
            Path folder = Path.of(config.model().get());
            ErnieManifest manifest = manifest(folder, "model");
            if (manifest.task() != ErnieTask.TYPING) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`model`: a `%s` model cannot type entities; name a model fine-tuned for typing.",
                        manifest.task().code()));
            }
            if (manifest.entities().used()) {
                // checks folder and dimension
                ExecutorResources.entities(folder, config.transeModel().orElse(null), "model", "transeModel");
                modelKeySpec = ExecutorResources.transe(Path.of(config.transeModel().get()), "transeModel")
                        .manifest().entityKey();
            }
            temperature = config.temperature().orElseGet(() -> savedTemperature(folder));
        }
        String relationKeySpec = "elementId";
        if (config.relationModel().isPresent()) {
            Path folder = Path.of(config.relationModel().get());
            ErnieManifest manifest = manifest(folder, "relationModel");
            if (manifest.task() != ErnieTask.RELATION) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`relationModel`: a `%s` model cannot "
                        + "classify relations; name a model fine-tuned for relation classification.",
                        manifest.task().code()));
            }
            if (manifest.entities().used()) {
                ExecutorResources.entities(folder, config.relationTranseModel().orElse(null), "relationModel",
                        "relationTranseModel");
                relationKeySpec = ExecutorResources.transe(Path.of(config.relationTranseModel().get()),
                        "relationTranseModel").manifest().entityKey();
            }
            if (Files.isRegularFile(folder.resolve("fusion.json"))) {
                System.err.println("ernie-spark: `relationModel` has a fusion.json (ernie.relation.evaluate's); the "
                        + "job does not fuse evidence: it writes the text's scores, as ernie.relation.write without "
                        + "`fusion`.");
            }
        }
        DictionaryData data = dictionary(neo4j, config, modelKeySpec, relationKeySpec);
        AlignmentDictionary checked = data.build(config.entityLabels(), config.nameProperties());
        long dictionaryMillis = millisSince(start);

        Dataset<Row> documents = neo4j.read(neo4j.documents());
        int partitions = config.partitions() > 0 ? config.partitions()
                : spark.sparkContext().defaultParallelism();
        Broadcast<DictionaryData> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(data);
        Dataset<Row> linked = documents.select("document", "text", "isText", "nodeId").repartition(partitions)
                .mapPartitions(new DocumentLinker(broadcast, PartitionSettings.of(config, temperature)),
                        Encoders.row(DocumentLinker.SCHEMA))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long computeStart = System.nanoTime();
            Row counts = linked.agg(org.apache.spark.sql.functions.count("document"),
                    sum(size(col("mentions"))), sum(col("examples")), sum(col("examplesTooLong")),
                    sum(col("relationExamples")), sum(col("relationExamplesTooLong"))).first();
            long documentCount = counts.getLong(0);
            long computeMillis = millisSince(computeStart);
            if (documentCount == 0) {
                return new Summary(0, 0, 0, 0, 0, checked.entityCount(), millisSince(start), dictionaryMillis,
                        computeMillis, 0, config.relationModel().isPresent() ? new Relations(0, 0, 0, 0, 0, 0, 0, 0)
                        : Relations.NONE);
            }
            long writeStart = System.nanoTime();
            neo4j.write(linked.select("document", "mentions"), Neo4jConnector.writeMentions());
            long typed = 0;
            if (config.model().isPresent()) {
                Dataset<Row> types = entityTypes(linked, config.recordedModelName());
                typed = types.count();
                neo4j.write(types, Neo4jConnector.writeTypes(config.writeProperty()));
            }
            Relations relations = Relations.NONE;
            if (config.relationModel().isPresent()) {
                relations = RelationWriter.write(spark, neo4j, linked, config, counts.getLong(4), counts.getLong(5));
            }
            // typing's aggregation runs inside the types' count and write: counted as writing
            return new Summary(documentCount, counts.getLong(1), counts.getLong(2), counts.getLong(3), typed,
                    checked.entityCount(), millisSince(start), dictionaryMillis, computeMillis,
                    millisSince(writeStart), relations);
        } finally {
            linked.unpersist();
            broadcast.destroy();
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static final StructType ENTITY_TYPES = new StructType()
            .add("entity", DataTypes.StringType, false)
            .add("types", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("scores", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("model", DataTypes.StringType, false);

    /**
     * Each typed entity's types as ernie.type.write writes them ({@link EntityTypes}: the best score of each type
     * over the entity's mentions in every document, highest first); ties keep the model's label order.
     */
    static Dataset<Row> entityTypes(Dataset<Row> linked, String modelName) {
        Dataset<Row> best = linked.select(explode(col("types")).as("t"))
                .select(col("t.entity").as("entity"), col("t.type").as("type"), col("t.score").as("score"))
                .groupBy("entity", "type").agg(max("score").as("score"))
                .groupBy("entity").agg(collect_list(struct(col("type"), col("score"))).as("types"));
        return best.map((MapFunction<Row, Row>) row -> {
            List<Row> types = new ArrayList<>(row.getList(1));
            types.sort(Comparator.comparing(t -> t.getString(0))); // the labels' logit order
            EntityTypes entity = new EntityTypes();
            for (Row t : types) {
                entity.add(t.getString(0), t.getDouble(1));
            }
            List<String> names = List.of(entity.names());
            List<Double> scores = new ArrayList<>();
            for (double s : entity.scores()) scores.add(s);
            return RowFactory.create(row.getString(0), SparkRows.seq(names), SparkRows.seq(scores), modelName);
        }, Encoders.row(ENTITY_TYPES));
    }

    /**
     * The entities as ernie.align.write's dictionary reads them, checked as it checks them: in label order, then by
     * node id; names per property; embeddings as floats.
     */
    static DictionaryData dictionary(Neo4jConnector neo4j, SparkJobConfig config, String modelKeySpec,
                                     String relationKeySpec) {
        List<Row> entities = new ArrayList<>(neo4j.read(neo4j.entityRows(modelKeySpec, relationKeySpec))
                .collectAsList());
        entities.sort(Comparator.<Row>comparingLong(r -> r.getAs("labelIndex"))
                .thenComparingLong(r -> r.getAs("nodeId")));
        Map<Long, Integer> position = new HashMap<>();
        for (Row row : entities) {
            if (!row.<Boolean>getAs("priorValid")) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`priorProperty`: property `%s` of node %s is not a number.",
                        config.priorProperty().orElseThrow(), row.<String>getAs("elementId")));
            }
            position.put(row.getAs("nodeId"), position.size());
        }
        int n = entities.size();
        List<List<List<String>>> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<List<String>> perProperty = new ArrayList<>();
            for (int p = 0; p < config.nameProperties().size(); p++) perProperty.add(new ArrayList<>());
            names.add(perProperty);
        }
        List<Row> nameRows = new ArrayList<>(neo4j.read(neo4j.nameRows()).collectAsList());
        nameRows.sort(Comparator.<Row>comparingLong(r -> r.getAs("position")));
        for (Row row : nameRows) {
            int entity = position.get(row.<Long>getAs("nodeId"));
            int property = (int) (long) row.<Long>getAs("property");
            if (!row.<Boolean>getAs("isText")) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`nameProperties`: property `%s` of node %s is not a string or a list of strings.",
                        config.nameProperties().get(property),
                        entities.get(entity).<String>getAs("elementId")));
            }
            names.get(entity).get(property).add(row.getAs("name"));
        }
        float[][] embeddings = new float[n][];
        if (config.embeddingProperty().isPresent()) {
            for (Row row : neo4j.read(neo4j.embeddingRows()).collectAsList()) {
                int entity = position.get(row.<Long>getAs("nodeId"));
                if (!row.<Boolean>getAs("isVector")) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "`embeddingProperty`: property `%s` of node %s is not a list of floats.",
                            config.embeddingProperty().get(), entities.get(entity).<String>getAs("elementId")));
                }
                List<Object> values = row.getList(row.fieldIndex("embedding"));
                float[] vector = new float[values.size()];
                for (int k = 0; k < vector.length; k++) vector[k] = ((Number) values.get(k)).floatValue();
                embeddings[entity] = vector;
            }
        }
        List<DictionaryEntry> entries = new ArrayList<>(n);
        String[] elementIds = new String[n];
        String[] modelKeys = new String[n];
        String[] relationKeys = new String[n];
        long[] nodeIds = new long[n];
        for (int i = 0; i < n; i++) {
            Row row = entities.get(i);
            List<List<String>> entityNames = new ArrayList<>();
            for (List<String> property : names.get(i)) entityNames.add(List.copyOf(property));
            entries.add(new DictionaryEntry(i, row.getAs("prior"), List.copyOf(entityNames), embeddings[i]));
            elementIds[i] = row.getAs("elementId");
            nodeIds[i] = row.getAs("nodeId");
            String key = row.getAs("modelKey");
            modelKeys[i] = key == null || key.isEmpty() ? null : key;
            String relationKey = row.getAs("relationKey");
            relationKeys[i] = relationKey == null || relationKey.isEmpty() ? null : relationKey;
        }
        return new DictionaryData(entries, elementIds, nodeIds, modelKeys, relationKeys, config.acronymCase(),
                config.primaryNameWeight());
    }

    private static ErnieManifest manifest(Path folder, String key) {
        try {
            return ModelDirectory.readManifest(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("`" + key + "`: cannot read the ERNIE model in `" + folder + "`: "
                    + e.getMessage(), e);
        }
    }

    /** The temperature ernie.type.evaluate saved with the model ({@code calibration.json}), or NaN. */
    private static double savedTemperature(Path folder) {
        Path saved = folder.resolve("calibration.json");
        if (!Files.isRegularFile(saved)) {
            return Double.NaN;
        }
        try {
            Map<?, ?> map = JSON.readValue(saved.toFile(), Map.class);
            return TemperatureScaling.fromMap(map, "calibration").temperature();
        } catch (IOException e) {
            throw new IllegalArgumentException("`model`: the calibration saved with the model (" + saved
                    + ") cannot be read: " + e.getMessage(), e);
        }
    }
}
