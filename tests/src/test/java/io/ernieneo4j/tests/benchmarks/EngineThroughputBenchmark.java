package io.ernieneo4j.tests.benchmarks;

import ai.djl.Device;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.ernieneo4j.plugin.dataset.WordNetLoadProc;
import io.ernieneo4j.plugin.model.ErnieModelProc;
import io.ernieneo4j.plugin.transe.TransETrainProc;
import io.ernieneo4j.plugin.type.TypeProc;
import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.BundledMiniLm;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import io.ernieneo4j.trainer.infer.BatchPlan;
import io.ernieneo4j.trainer.infer.Batches;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.infer.ExampleEncoder;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 18's measure: ERNIE entity typing through Bolt ({@code ernie.type.stream}, one caller, reading the graph and
 * building the inputs included) on each engine, against ONNX Runtime running the plain all-MiniLM-L6-v2 bare in this
 * JVM (the baseline) on the very sequences and batches the procedure runs: the typing inputs of the same mentions,
 * length-sorted batches of {@value #BATCH_SIZE}, the token inputs only.
 * <ul>
 *   <li>the model: a MiniLM-shaped ERNIE typing model on the bundled MiniLM's weights (the K-Encoder's entity side
 *       and the head seeded), saved once and loaded three times: {@code pytorch}, {@code onnxruntime} and
 *       {@code onnxruntime} with {@code quantization: 'int8'};</li>
 *   <li>threads: every engine and the baseline get {@value #THREADS} intra-op threads
 *       ({@code ernie.inference.threads}), the cores of this machine;</li>
 *   <li>eight callers at once on each ONNX Runtime model: total sequences/s over one caller's (target ≥ 0.9).</li>
 * </ul>
 * Each round runs every mode in turn, so that other work on the machine disturbs them alike; medians reported.
 * {@code ./ernie.sh benchmark EngineThroughputBenchmark [documents] [rounds]}
 */
public final class EngineThroughputBenchmark {

    private static final int BATCH_SIZE = 32;
    private static final int MAX_LENGTH = 128;
    private static final int THREADS = 2;
    private static final List<String> ENGINES = List.of("pytorch", "onnxruntime", "int8");

    private EngineThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        String[] a = BenchmarkReport.arguments(args);
        int documents = a.length > 0 ? Integer.parseInt(a[0]) : 300;
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 5;
        BenchmarkReport report = new BenchmarkReport("engine-throughput",
                "./ernie.sh benchmark EngineThroughputBenchmark " + documents + " " + rounds);
        Path work = Files.createTempDirectory("engine-throughput-bench");
        ErnieInferenceBenchmark.PluginFolders folders = ErnieInferenceBenchmark.PluginFolders.under(work);
        Path models = folders.models();
        Path transeModels = folders.transe();
        System.setProperty("ernie.inference.threads", Integer.toString(THREADS));
        try (EmbeddedNeo4j server = EmbeddedNeo4j.builder(work.resolve("db"))
                .procedures(WordNetLoadProc.class, TransETrainProc.class, ErnieModelProc.class, TypeProc.class)
                .start();
             Bolt bolt = new Bolt(server.boltUri())) {
            bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");
            bolt.single("CALL ernie.transe.train({modelName: 'mammal', dimensions: 100, epochs: 5, concurrency: 1})");
            ErnieInferenceBenchmark.createPassages(bolt, documents);
            List<TypingExample> examples = ErnieInferenceBenchmark.typingExamples(bolt);
            long sequences = examples.size();

            DjlRuntime.start(work.resolve("djl-cache"), THREADS);
            List<String> labels = List.of("noun.animal", "noun.artifact", "noun.person");
            DjlRuntime.call(() -> {
                try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(BundledMiniLm.onnx());
                     ErnieModel model = ErnieModel.fromCheckpoint(ErnieConfig.miniLm(), ErnieTask.TYPING, labels,
                             Device.cpu(), checkpoint, ErnieModel.ENTITY_SIDE.or(n -> n.startsWith("pooler.")), 7)) {
                    ModelDirectory.save(model, BundledMiniLm.tokenizerJson(), MAX_LENGTH, "mammal",
                            models.resolve("minilm-typing"));
                    return null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Map<String, Map<String, Object>> loaded = new LinkedHashMap<>();
            loaded.put("pytorch", bolt.single("CALL ernie.model.load('pytorch', {path: 'minilm-typing', "
                    + "engine: 'pytorch'})"));
            loaded.put("onnxruntime", bolt.single("CALL ernie.model.load('onnxruntime', {path: 'minilm-typing', "
                    + "engine: 'onnxruntime'})"));
            loaded.put("int8", bolt.single("CALL ernie.model.load('int8', {path: 'minilm-typing', "
                    + "engine: 'onnxruntime', quantization: 'int8'})"));
            report.put("documents", documents).put("sequences", sequences).put("batchSize", BATCH_SIZE)
                    .put("maxLength", MAX_LENGTH).put("threads", THREADS).put("rounds", rounds);
            for (String engine : ENGINES) {
                report.put(engine + "MemoryBytes", loaded.get(engine).get("memoryBytes"));
            }

            List<EncoderBatch> batches = batches(examples, models.resolve("minilm-typing"),
                    ErnieInferenceBenchmark.entityTable(transeModels));
            report.put("meanPieces", Math.round(10.0 * batches.stream().mapToLong(b -> (long) b.batch() * b.length())
                    .sum() / sequences) / 10.0);
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(THREADS);
            try (OrtSession baseline = environment.createSession(BundledMiniLm.onnx().toString(), options)) {
                Map<String, List<Map<String, Object>>> expected = new LinkedHashMap<>();
                for (String engine : ENGINES) { // warm-up, and what every caller of that model must get
                    expected.put(engine, bolt.rows(ErnieInferenceBenchmark.stream(engine)));
                }
                bare(environment, baseline, batches);
                report.put("loadAverageBefore", ErnieInferenceBenchmark.loadAverage());
                Map<String, List<Double>> figures = new LinkedHashMap<>();
                boolean identical = true;
                for (int round = 0; round < rounds; round++) {
                    long start = System.nanoTime();
                    bare(environment, baseline, batches);
                    figures.computeIfAbsent("baseline", k -> new ArrayList<>())
                            .add(sequences / ErnieInferenceBenchmark.seconds(start));
                    for (String engine : ENGINES) {
                        start = System.nanoTime();
                        identical &= bolt.rows(ErnieInferenceBenchmark.stream(engine)).equals(expected.get(engine));
                        figures.computeIfAbsent(engine, k -> new ArrayList<>())
                                .add(sequences / ErnieInferenceBenchmark.seconds(start));
                    }
                    for (String engine : List.of("onnxruntime", "int8")) {
                        identical &= ErnieInferenceBenchmark.concurrently(bolt, ErnieInferenceBenchmark.stream(engine),
                                expected.get(engine), figures.computeIfAbsent(engine + "EightCallers",
                                        k -> new ArrayList<>()), sequences);
                    }
                }
                double base = ErnieInferenceBenchmark.median(figures.get("baseline"));
                report.put("baselineOnnxRuntimeMiniLmBareSequencesPerSecond", ErnieInferenceBenchmark.round(base));
                for (Map.Entry<String, List<Double>> entry : figures.entrySet()) {
                    String name = entry.getKey();
                    double median = ErnieInferenceBenchmark.median(entry.getValue());
                    report.put(name + "Rounds", entry.getValue().stream().map(ErnieInferenceBenchmark::round).toList());
                    if (!name.equals("baseline")) {
                        report.put(name + "SequencesPerSecond", ErnieInferenceBenchmark.round(median));
                        report.put(name + "OverBaseline", ErnieInferenceBenchmark.round(median / base));
                    }
                    if (name.endsWith("EightCallers")) {
                        String one = name.substring(0, name.length() - "EightCallers".length());
                        report.put(name + "OverOneCaller", ErnieInferenceBenchmark.round(
                                median / ErnieInferenceBenchmark.median(figures.get(one))));
                    }
                }
                report.put("targetOnnxRuntimeOverBaseline", 1.0).put("targetInt8OverBaseline", 2.0)
                        .put("targetEightCallersOverOneCaller", 0.9)
                        .put("everyCallerIdenticalToOne", identical)
                        .put("loadAverageAfter", ErnieInferenceBenchmark.loadAverage());
            }
        } finally {
            System.clearProperty("ernie.dir.models");
            System.clearProperty("ernie.dir.transe");
            System.clearProperty("ernie.inference.threads");
        }
        report.write();
    }

    /** The typing inputs of {@code examples} as the predictor batches them (length-sorted). */
    private static List<EncoderBatch> batches(List<TypingExample> examples, Path model, EntityTable entities)
            throws Exception {
        var manifest = ModelDirectory.readManifest(model);
        ErnieConfig config = manifest.architecture();
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.open(model.resolve("tokenizer.json"), MAX_LENGTH)) {
            List<EncodedExample> encoded = new ExampleEncoder(tokenizer, new LabelSet(manifest.labels()), entities,
                    UnknownEntities.FAIL).typingInputs(examples.stream()
                    .map(e -> new SourceLine<>(Path.of("bench"), 0, e)).toList());
            int[] lengths = encoded.stream().mapToInt(EncodedExample::length).toArray();
            List<EncoderBatch> batches = new ArrayList<>();
            for (int[] batch : BatchPlan.evaluation(lengths, BATCH_SIZE)) {
                batches.add(Batches.inputs(config, Batches.pick(encoded, batch), entities));
            }
            return batches;
        }
    }

    /** The plain MiniLM on ONNX Runtime over {@code batches}' token inputs; its states reach the host. */
    private static void bare(OrtEnvironment environment, OrtSession session, List<EncoderBatch> batches)
            throws Exception {
        for (EncoderBatch batch : batches) {
            long[] shape = {batch.batch(), batch.length()};
            try (OnnxTensor ids = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.ids()), shape);
                 OnnxTensor mask = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.attentionMask()), shape);
                 OnnxTensor types = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.tokenTypes()), shape);
                 OrtSession.Result result = session.run(Map.of(
                         "input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
                ((OnnxTensor) result.get(0)).getFloatBuffer();
            }
        }
    }
}
