package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.plugin.common.MemorySize;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.plugin.common.TrainingJobs;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TrainingWarnings;
import io.ernieneo4j.trainer.transe.TransE;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TransEParameters;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** Reads the graph, trains TransE, and keeps or writes the result: what the TransE procedures share. */
final class TransEFeature {

    static final String MODEL_KIND = "transe";
    private static final int WRITE_BATCH = 10_000;

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Log log;
    private final Termination termination;
    private final String procedure;

    TransEFeature(GraphDatabaseService db, Transaction tx, Log log, TerminationGuard guard, String procedure) {
        this.db = db;
        this.tx = tx;
        this.log = log;
        this.termination = Neo4jRun.termination(guard);
        this.procedure = procedure;
    }

    /**
     * A finished run: the graph it learnt from, the trained model and timings.
     *
     * @param entityKeys each entity's key in the stored model (train only; null otherwise)
     */
    record Run(KnowledgeGraph graph, List<String> entityKeys, TransE.Result result, long readMillis,
               List<String> warnings) {}

    /**
     * A run in ernie.progress(): under its stored model's folder when it stores one (a second run of the same model
     * is refused while this one trains), else under a key of its own.
     */
    private TrainingJobs.Job job(TransEConfig config, boolean stores) {
        Object key = stores ? PluginFolders.storedModel(db, MODEL_KIND, config.modelName().orElseThrow()) : new Object();
        return TrainingJobs.start(key, db.databaseName(), config.modelName().orElse(null), procedure,
                config.parameters().epochs());
    }

    Run train(TransEConfig config, TrainingJobs.Job job) {
        long start = System.nanoTime();
        KnowledgeGraph graph = new KnowledgeGraphReader(tx, termination).read(config);
        long readMillis = (System.nanoTime() - start) / 1_000_000;
        config.writeProperty().ifPresent(property -> checkWritable(graph, property));
        List<String> entityKeys = config.modelName().isPresent() ? entityKeys(graph, config) : null;
        Progress progress = job.epochs(Neo4jRun.progress(log, procedure));
        progress.info(String.format(Locale.ROOT, "read %d triples over %d nodes and %d relationship types in %d ms; "
                + "left out %d predicted relationships (`predicted: true`)", graph.triples().size(),
                graph.nodeIds().length, graph.relationshipTypes().size(), readMillis, graph.predictedLeftOut()));
        TransE.Result result = new TransE(graph.triples(), config.parameters(), progress, termination).train();
        List<String> warnings = TrainingWarnings.of(result, config.parameters());
        warnings.forEach(warning -> log.warn("%s: %s", procedure, warning));
        return new Run(graph, entityKeys, result, readMillis, warnings);
    }

    private static EntityKey entityKey(TransEConfig config) {
        return config.keyProperty().map(EntityKey::property).orElse(EntityKey.elementId());
    }

    /** Each entity's key, checked before training: every node must have one, and no two the same. */
    @SuppressWarnings("deprecation") // internal ids: this transaction's reading only
    private List<String> entityKeys(KnowledgeGraph graph, TransEConfig config) {
        EntityKey key = entityKey(config);
        List<String> keys = new ArrayList<>(graph.nodeIds().length);
        Map<String, Long> owners = new HashMap<>();
        for (long id : graph.nodeIds()) {
            String value = key.of(tx.getNodeById(id));
            if (value == null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`keyProperty` `%s` is missing (or "
                        + "an array) on node %d, which the model would learn; give every node a key value or "
                        + "choose another property.", config.keyProperty().orElseThrow(), id));
            }
            Long other = owners.putIfAbsent(value, id);
            if (other != null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`keyProperty` `%s` is not unique: "
                        + "nodes %d and %d both hold `%s`; a key must name one node.",
                        config.keyProperty().orElseThrow(), other, id, value));
            }
            keys.add(value);
        }
        return keys;
    }

    Stream<TransETrainProc.StreamResult> stream(TransEConfig config) {
        Run run;
        try (TrainingJobs.Job job = job(config, false)) {
            run = train(config, job);
        }
        TransEModel model = run.result().model();
        long[] nodeIds = run.graph().nodeIds();
        return LongStream.range(0, nodeIds.length).mapToObj(i -> new TransETrainProc.StreamResult(
                nodeIds[(int) i], toList(model.entity((int) i))));
    }

    TransETrainProc.TrainResult trainAndWrite(TransEConfig config) {
        Run run;
        long written;
        long writeMillis;
        try (TrainingJobs.Job job = job(config, true)) {
            run = train(config, job);
            job.phase("writing");
            long writeStart = System.nanoTime();
            saveModel(config, run);
            written = config.writeProperty().map(p -> writeEmbeddings(run, p)).orElse(0L);
            writeMillis = (System.nanoTime() - writeStart) / 1_000_000;
        }
        TransE.Result result = run.result();
        return new TransETrainProc.TrainResult(config.modelName().orElseThrow(), run.graph().nodeIds().length,
                run.graph().triples().size(), run.graph().predictedLeftOut(), run.graph().relationshipTypes().size(),
                result.epochs().size(), result.finalLoss(), run.warnings(), run.readMillis(),
                Math.round(result.trainSeconds() * 1000), Math.round(result.triplesPerSecond()), writeMillis, written,
                config.toMap());
    }

    TransETrainProc.StatsResult stats(TransEConfig config) {
        Run run;
        try (TrainingJobs.Job job = job(config, false)) {
            run = train(config, job);
        }
        TransE.Result result = run.result();
        return new TransETrainProc.StatsResult(run.graph().nodeIds().length, run.graph().triples().size(),
                run.graph().predictedLeftOut(), run.graph().relationshipTypes().size(), result.epochs().size(),
                result.finalLoss(), result.epochs().stream().map(TransE.EpochStats::loss).toList(), run.warnings(),
                run.readMillis(),
                Math.round(result.trainSeconds() * 1000), Math.round(result.triplesPerSecond()), config.toMap());
    }

    private void saveModel(TransEConfig config, Run run) {
        String name = config.modelName().orElseThrow();
        TransEModel model = run.result().model();
        TransEParameters p = config.parameters();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("nodeLabels", config.nodeLabels());
        metadata.put("relationshipTypes", run.graph().relationshipTypes());
        config.graphName().ifPresent(g -> metadata.put("graphName", g));
        config.splitProperty().ifPresent(s -> metadata.put("splitProperty", s));
        metadata.put("trainSplit", config.trainSplit());
        config.writeProperty().ifPresent(w -> metadata.put("writeProperty", w));
        metadata.put("parameters", Map.ofEntries(Map.entry("dimensions", p.dimensions()),
                Map.entry("epochs", p.epochs()), Map.entry("learningRate", p.learningRate()),
                Map.entry("margin", p.margin()), Map.entry("norm", p.norm().name()),
                Map.entry("negativeSampling", p.negativeSampling().name()), Map.entry("negatives", p.negatives()),
                Map.entry("concurrency", p.concurrency()), Map.entry("randomSeed", p.randomSeed()),
                Map.entry("initialisation", p.initialisation().name()),
                Map.entry("normalizeRelations", p.normalizeRelations())));
        metadata.put("triples", run.graph().triples().size());
        metadata.put("predictedLeftOut", run.graph().predictedLeftOut());
        metadata.put("finalLoss", run.result().finalLoss());
        metadata.put("trainSeconds", run.result().trainSeconds());
        List<String> entities = run.entityKeys();
        var manifest = new TransEModelFiles.Manifest(TransEModelFiles.FORMAT_VERSION, name, model.dimensions(),
                model.norm().name(), model.entityCount(), model.relationCount(), entityKey(config).spec(),
                Instant.now().toString(), metadata);
        try {
            TransEModelFiles.write(PluginFolders.storedModel(db, MODEL_KIND, name),
                    new TransEModelFiles.NamedModel(manifest, model, entities, run.graph().relationshipTypes()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save TransE model `" + name + "`: " + e.getMessage(), e);
        }
        TransEModelRegistry.invalidate(PluginFolders.storedModel(db, MODEL_KIND, name));
    }

    /** Refuses a property that some entity already holds with a value that is not a float array. */
    @SuppressWarnings("deprecation")
    private void checkWritable(KnowledgeGraph graph, String property) {
        for (long id : graph.nodeIds()) {
            Object existing = tx.getNodeById(id).getProperty(property, null);
            if (existing != null && !(existing instanceof float[])) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`writeProperty` `%s` clashes with an existing property of node %d holding a %s, not a "
                                + "float array; choose another property name.", property, id,
                        existing.getClass().getSimpleName()));
            }
        }
    }

    /** Writes each entity's vector in batches of independent transactions; returns the properties written. */
    @SuppressWarnings("deprecation")
    private long writeEmbeddings(Run run, String property) {
        long[] nodeIds = run.graph().nodeIds();
        TransEModel model = run.result().model();
        List<Integer> rows = java.util.stream.IntStream.range(0, nodeIds.length).boxed().toList();
        return BatchWriter.write(db, rows, WRITE_BATCH, termination, (write, batch) -> {
            for (int i : batch) {
                write.getNodeById(nodeIds[i]).setProperty(property, model.entity(i));
            }
            return batch.size();
        });
    }

    TransETrainProc.EstimateResult estimate(TransEConfig config) {
        KnowledgeGraphReader.Size size = new KnowledgeGraphReader(tx, termination).size(config);
        long nodes = size.nodes();
        long relationships = size.relationships();
        int dim = config.parameters().dimensions();
        // per entity: its vector, its node id and an id-map entry; per triple: three ints while reading, three
        // ints and two sorted keys while training (up to twice the reading buffer when it has just grown)
        long perEntity = TransE.estimateMemoryBytes(1, 0, dim) + Long.BYTES + 64;
        long types = TransE.estimateMemoryBytes(0, size.relationshipTypes(), dim);
        long min = nodes * perEntity + relationships * 40 + types;
        long max = nodes * perEntity + relationships * 52 + types;
        double heap = Runtime.getRuntime().maxMemory();
        return new TransETrainProc.EstimateResult(MemorySize.human(max), min, max, nodes, relationships,
                Math.round(1000.0 * min / heap) / 10.0, Math.round(1000.0 * max / heap) / 10.0, config.toMap());
    }

    static List<Double> toList(float[] vector) {
        List<Double> list = new ArrayList<>(vector.length);
        for (float x : vector) list.add((double) x);
        return list;
    }
}
