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
import io.ernieneo4j.trainer.transe.TransEUpdate;
import io.ernieneo4j.trainer.transe.TripleStore;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
     * @param result     the training (null for an update that found nothing changed)
     * @param update     what an incremental update changed (null for a run from scratch)
     */
    record Run(KnowledgeGraph graph, List<String> entityKeys, TransE.Result result, long readMillis,
               List<String> warnings, TransEUpdate.Result update) {

        /** The trained model (an update's, which may have trained nothing). */
        TransEModel model() {
            return update != null ? update.model() : result.model();
        }

        long epochs() {
            return result == null ? 0 : result.epochs().size();
        }

        double finalLoss() {
            return result == null ? Double.NaN : result.finalLoss();
        }

        double trainSeconds() {
            return result == null ? 0 : result.trainSeconds();
        }

        double triplesPerSecond() {
            return result == null ? 0 : result.triplesPerSecond();
        }
    }

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
        return train(config, job, null);
    }

    /** A run from scratch, or with {@code stored} an incremental update of it. */
    private Run train(TransEConfig config, TrainingJobs.Job job, StoredRun stored) {
        long start = System.nanoTime();
        KnowledgeGraph graph = new KnowledgeGraphReader(tx, termination).read(config);
        long readMillis = (System.nanoTime() - start) / 1_000_000;
        config.writeProperty().ifPresent(property -> checkWritable(graph, property));
        List<String> entityKeys = config.modelName().isPresent() ? entityKeys(graph, config) : null;
        Progress progress = job.epochs(Neo4jRun.progress(log, procedure));
        progress.info(String.format(Locale.ROOT, "read %d triples over %d nodes and %d relationship types in %d ms; "
                + "left out %d predicted relationships (`predicted: true`)", graph.triples().size(),
                graph.nodeIds().length, graph.relationshipTypes().size(), readMillis, graph.predictedLeftOut()));
        if (stored != null) {
            return update(config, stored, graph, entityKeys, readMillis, progress);
        }
        TransE.Result result = new TransE(graph.triples(), config.parameters(), progress, termination).train();
        return new Run(graph, entityKeys, result, readMillis, warnings(result, config), null);
    }

    /** Brings the stored model up to date with {@code graph}: {@link TransEUpdate}. */
    private Run update(TransEConfig config, StoredRun stored, KnowledgeGraph graph, List<String> entityKeys,
                       long readMillis, Progress progress) {
        TransEUpdate.Result update = TransEUpdate.update(stored.model().model(), stored.model().entities(),
                stored.model().relations(), stored.triples(), entityKeys, graph.relationshipTypes(), graph.triples(),
                config.parameters(), progress, termination);
        TransEUpdate.Change change = update.change();
        progress.info(String.format(Locale.ROOT, "updated: %d entities added, %d refined, %d removed; %d relationship "
                + "types added; %d triples added, %d removed; %d triples sampled per epoch", change.entitiesAdded(),
                change.entitiesRefined(), change.entitiesRemoved(), change.relationsAdded(), change.triplesAdded(),
                change.triplesRemoved(), change.triplesSampled()));
        List<String> warnings = update.training() == null ? List.of() : warnings(update.training(), config);
        return new Run(graph, entityKeys, update.training(), readMillis, warnings, update);
    }

    private List<String> warnings(TransE.Result result, TransEConfig config) {
        List<String> warnings = TrainingWarnings.of(result, config.parameters());
        warnings.forEach(warning -> log.warn("%s: %s", procedure, warning));
        return warnings;
    }

    /** A stored model with the triples and configuration of its last run: what an incremental update starts from. */
    record StoredRun(TransEModelFiles.NamedModel model, TripleStore triples, Map<String, Object> configuration) {}

    /**
     * The stored model {@code name} as an update needs it, or a clear refusal when there is none or it was saved
     * without its training triples (imported, or trained before updates existed).
     */
    @SuppressWarnings("unchecked")
    static StoredRun storedRun(GraphDatabaseService db, String name) {
        Path dir = PluginFolders.storedModel(db, MODEL_KIND, name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "`incremental`: there is no TransE model "
                    + "`%s` to update; train it once without `incremental`.", name));
        }
        TransEModelFiles.NamedModel model = TransEModelRegistry.load(dir, name);
        try {
            Optional<TripleStore> triples = TransEModelFiles.readTrainingTriples(dir);
            Object configuration = model.manifest().metadata().get("configuration");
            if (triples.isEmpty() || !(configuration instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`incremental`: TransE model `%s` was "
                        + "stored without the triples and configuration it was trained with (imported, or trained by "
                        + "an older plugin), so what changed cannot be told; train it once without `incremental`.",
                        name));
            }
            return new StoredRun(model, triples.get(), (Map<String, Object>) configuration);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read TransE model `" + name + "`: " + e.getMessage(), e);
        }
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
        TransEModel model = run.model();
        long[] nodeIds = run.graph().nodeIds();
        return LongStream.range(0, nodeIds.length).mapToObj(i -> new TransETrainProc.StreamResult(
                nodeIds[(int) i], toList(model.entity((int) i))));
    }

    /** Trains and stores the model; with {@code stored} (its stored state), updates it incrementally instead. */
    TransETrainProc.TrainResult trainAndWrite(TransEConfig config, StoredRun stored) {
        Run run;
        long written;
        long writeMillis;
        try (TrainingJobs.Job job = job(config, true)) {
            run = train(config, job, stored);
            job.phase("writing");
            long writeStart = System.nanoTime();
            // an update moves only some vectors; the others are on the nodes already when the last run wrote them
            Optional<String> lastWritten = stored == null ? Optional.empty()
                    : Optional.ofNullable((String) stored.configuration().get("writeProperty"));
            saveModel(config, run);
            written = config.writeProperty().map(p -> writeEmbeddings(run, p,
                    lastWritten.filter(p::equals).isPresent())).orElse(0L);
            writeMillis = (System.nanoTime() - writeStart) / 1_000_000;
        }
        return new TransETrainProc.TrainResult(config.modelName().orElseThrow(), run.graph().nodeIds().length,
                run.graph().triples().size(), run.graph().predictedLeftOut(), run.graph().relationshipTypes().size(),
                run.epochs(), run.finalLoss(), run.warnings(), run.readMillis(),
                Math.round(run.trainSeconds() * 1000), Math.round(run.triplesPerSecond()), writeMillis, written,
                run.update() == null ? null : updateMap(run.update()), config.toMap());
    }

    private static Map<String, Object> updateMap(TransEUpdate.Result update) {
        TransEUpdate.Change change = update.change();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("entitiesAdded", change.entitiesAdded());
        map.put("entitiesRefined", change.entitiesRefined());
        map.put("entitiesRemoved", change.entitiesRemoved());
        map.put("relationshipTypesAdded", change.relationsAdded());
        map.put("relationshipsAdded", change.triplesAdded());
        map.put("relationshipsRemoved", change.triplesRemoved());
        map.put("relationshipsSampledPerEpoch", change.triplesSampled());
        map.put("entitiesTouchedFraction", change.entitiesTouchedFraction());
        return map;
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
        TransEModel model = run.model();
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
        metadata.put("finalLoss", run.finalLoss());
        metadata.put("trainSeconds", run.trainSeconds());
        // what the next incremental update starts from: this run's configuration (less `incremental`), and below
        // the triples it learnt
        Map<String, Object> configuration = new LinkedHashMap<>(config.toMap());
        configuration.remove("incremental");
        metadata.put("configuration", configuration);
        if (run.update() != null) {
            metadata.put("lastUpdate", updateMap(run.update()));
        }
        List<String> entities = run.entityKeys();
        var manifest = new TransEModelFiles.Manifest(TransEModelFiles.FORMAT_VERSION, name, model.dimensions(),
                model.norm().name(), model.entityCount(), model.relationCount(), entityKey(config).spec(),
                Instant.now().toString(), metadata);
        try {
            TransEModelFiles.write(PluginFolders.storedModel(db, MODEL_KIND, name),
                    new TransEModelFiles.NamedModel(manifest, model, entities, run.graph().relationshipTypes()),
                    run.graph().triples());
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

    /**
     * Writes each entity's vector (only those an update moved, with {@code movedOnly}) in batches of independent
     * transactions; returns the properties written.
     */
    @SuppressWarnings("deprecation")
    private long writeEmbeddings(Run run, String property, boolean movedOnly) {
        long[] nodeIds = run.graph().nodeIds();
        TransEModel model = run.model();
        List<Integer> rows = movedOnly && run.update() != null
                ? java.util.Arrays.stream(run.update().moved()).boxed().toList()
                : java.util.stream.IntStream.range(0, nodeIds.length).boxed().toList();
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
        // per entity: its vector, its node id and an id-map entry; per triple: three ints while reading (up to twice
        // that when the reading buffer has just grown), and while training three ints, two sorted keys and the
        // key table, 16 to 32 bytes as it is a quarter to half full (TripleStore)
        long perEntity = TransE.estimateMemoryBytes(1, 0, dim) + Long.BYTES + 64;
        long types = TransE.estimateMemoryBytes(0, size.relationshipTypes(), dim);
        long min = nodes * perEntity + relationships * (12 + 44) + types;
        long max = nodes * perEntity + relationships * (24 + 60) + types;
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
