package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import io.ernieneo4j.trainer.ernie.onnx.OnnxExport;
import io.ernieneo4j.trainer.infer.onnx.OnnxRuntimeInference;
import io.ernieneo4j.trainer.wordnet.Synset;
import io.ernieneo4j.trainer.wordnet.WordNet;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Inference throughput of the bare model (sequences/s) on the same real sentences in the same batches:
 * <ul>
 *   <li>MiniLM-sized: ONNX Runtime running all-MiniLM-L6-v2 (the plain BERT: the baseline), the same BERT on DJL, the
 *       ERNIE typing model on it (K-Encoder with the aligned entity, 40 labels) on DJL, and that ERNIE exported
 *       ({@code OnnxExport}) and run by the plugin's ONNX Runtime engine ({@code OnnxRuntimeInference}) with float32
 *       and with int8 encoder weights;</li>
 *   <li>BERT-base-sized (12 x 768, random weights: speed does not depend on values): the BERT and the ERNIE on DJL,
 *       and on ONNX Runtime the plain BERT exported the same way (the baseline: no BERT-base ONNX is on Maven Central)
 *       and the ERNIE with float32 and int8 weights.</li>
 * </ul>
 * Sentences are WordNet noun definitions written {@code lemma : definition}, the synset aligned to the lemma (the
 * shape of the typing data), sorted by length so that a batch pads only to its own longest text. Entity vectors are
 * seeded random unit vectors. Each figure is the median of the rounds after a warm-up round.
 * {@code ./ernie.sh benchmark ErnieThroughputBenchmark [sentences] [batch] [rounds] [bertBaseSentences]}. The
 * benchmark profile sets {@code ORT_DISABLE_TELEMETRY=1}: with the class path on its command line, ONNX Runtime 1.29's
 * telemetry would overflow the main thread's stack (docs/model-notes.md).
 */
public final class ErnieThroughputBenchmark {

    private ErnieThroughputBenchmark() {}

    public static void main(String[] commandLine) throws Exception {
        String[] args = BenchmarkResults.arguments(commandLine);
        int sentences = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int bertBaseSentences = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        BenchmarkResults report = new BenchmarkResults("ernie-throughput", String.format(Locale.ROOT,
                "./ernie.sh benchmark ErnieThroughputBenchmark %d %d %d %d", sentences, batchSize, rounds,
                bertBaseSentences));
        Path onnx = MiniLm.onnx();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        MiniLm.startDjl();
        int threads = DjlRuntime.started().orElseThrow().threads();
        report.put("loadAverageAtStart", BenchmarkResults.loadAverage())
                .put("threads", threads)
                .put("ompWaitPolicy", String.valueOf(System.getenv("OMP_WAIT_POLICY")))
                .put("sentences", sentences)
                .put("batchSize", batchSize)
                .put("roundsAfterWarmUp", rounds);

        List<Synset> nouns = WordNet.load().synsets().values().stream()
                .filter(s -> s.pos().equals("n"))
                .sorted(Comparator.comparing(Synset::id))
                .limit(sentences)
                .toList();
        List<String> ids = nouns.stream().map(Synset::id).toList();
        EntityTable entities = EntityTable.of(ids,
                ids.stream().map(id -> unitVector(id.hashCode())).toArray(float[][]::new));
        List<EncoderBatch> plainBatches = new ArrayList<>();
        List<EncoderBatch> ernieBatches = new ArrayList<>();
        long pieces = 0;
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128)) {
            record Item(TokenizedText text, int[] rows) {}
            List<Item> items = new ArrayList<>();
            for (Synset synset : nouns) {
                String lemma = synset.lemmas().get(0).replace('_', ' ');
                TokenizedText text = tokenizer.encode(lemma + " : " + synset.definition());
                EntityAlignment alignment = EntityAlignment.align(
                        text, List.of(new Mention(0, lemma.length(), synset.id())), entities);
                items.add(new Item(text, alignment.rows()));
                pieces += text.length();
            }
            items.sort(Comparator.comparingInt(item -> item.text().length()));
            for (int from = 0; from < items.size(); from += batchSize) {
                List<Item> batch = items.subList(from, Math.min(items.size(), from + batchSize));
                List<TokenizedText> texts = batch.stream().map(Item::text).toList();
                plainBatches.add(EncoderBatch.tokens(texts));
                ernieBatches.add(EncoderBatch.withEntities(texts, batch.stream().map(Item::rows).toList(), entities));
            }
        }
        report.put("meanPieces", Math.round(10.0 * pieces / sentences) / 10.0);

        ErnieConfig miniLm = ErnieConfig.miniLm();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        Path graphs = Files.createTempDirectory("ernie-throughput");
        double[][] miniLmFigures = DjlRuntime.call(() -> {
            try (OrtSession session = environment.createSession(onnx.toString(), options);
                 OnnxCheckpoint checkpoint = OnnxCheckpoint.open(onnx);
                 ErnieModel bert = ErnieModel.fromCheckpoint(miniLm.plainBert(), Device.cpu(), checkpoint,
                         name -> name.startsWith("pooler."), 1);
                 ErnieModel ernie = ErnieModel.fromCheckpoint(miniLm, ErnieTask.TYPING, LABELS, Device.cpu(),
                         checkpoint, ErnieModel.ENTITY_SIDE.or(name -> name.startsWith("pooler.")), 1);
                 OnnxRuntimeInference ernieFloat = exported(ernie, graphs, Quantization.NONE, threads);
                 OnnxRuntimeInference ernieInt8 = exported(ernie, graphs, Quantization.INT8, threads)) {
                return rounds(rounds, sentences,
                        () -> plainBatches.forEach(batch -> onnxRuntime(environment, session, batch)),
                        () -> ernieBatches.forEach(ernieFloat::logits),
                        () -> ernieBatches.forEach(ernieInt8::logits),
                        () -> run(bert, plainBatches),
                        () -> classify(ernie, ernieBatches));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        double ort = median(miniLmFigures[0]);
        double ortErnie = median(miniLmFigures[1]);
        double ortErnieInt8 = median(miniLmFigures[2]);
        double plain = median(miniLmFigures[3]);
        double knowledge = median(miniLmFigures[4]);
        report.put("miniLmOnnxRuntimeBertSequencesPerSecond", round(ort))
                .put("miniLmOnnxRuntimeErnieSequencesPerSecond", round(ortErnie))
                .put("miniLmOnnxRuntimeErnieInt8SequencesPerSecond", round(ortErnieInt8))
                .put("miniLmDjlBertSequencesPerSecond", round(plain))
                .put("miniLmDjlErnieSequencesPerSecond", round(knowledge))
                .put("miniLmErnieOverOnnxRuntime", round2(knowledge / ort))
                .put("miniLmOnnxRuntimeErnieOverOnnxRuntime", round2(ortErnie / ort))
                .put("miniLmOnnxRuntimeErnieInt8OverOnnxRuntime", round2(ortErnieInt8 / ort))
                .put("miniLmErnieTimeOverBertTime", round2(plain / knowledge))
                .put("miniLmRoundsOnnxRuntime", Arrays.toString(miniLmFigures[0]))
                .put("miniLmRoundsOnnxRuntimeErnie", Arrays.toString(miniLmFigures[1]))
                .put("miniLmRoundsOnnxRuntimeErnieInt8", Arrays.toString(miniLmFigures[2]))
                .put("miniLmRoundsDjlBert", Arrays.toString(miniLmFigures[3]))
                .put("miniLmRoundsDjlErnie", Arrays.toString(miniLmFigures[4]));

        if (bertBaseSentences > 0) {
            int batches = Math.max(1, Math.min(ernieBatches.size(), bertBaseSentences / batchSize));
            // the same share of short and long texts as the MiniLM run: every k-th batch
            int step = Math.max(1, ernieBatches.size() / batches);
            List<EncoderBatch> plainSample = new ArrayList<>();
            List<EncoderBatch> ernieSample = new ArrayList<>();
            int sampled = 0;
            for (int i = 0; i < ernieBatches.size() && plainSample.size() < batches; i += step) {
                plainSample.add(plainBatches.get(i));
                ernieSample.add(ernieBatches.get(i));
                sampled += plainBatches.get(i).batch();
            }
            int sampledSentences = sampled;
            ErnieConfig bertBase = ErnieConfig.bertBase();
            double[][] bertBaseFigures = DjlRuntime.call(() -> {
                Path bertGraph = graphs.resolve("bert-base.onnx");
                try (ErnieModel bert = ErnieModel.random(bertBase.plainBert(), Device.cpu(), 1);
                     ErnieModel ernie = ErnieModel.random(bertBase, ErnieTask.TYPING, LABELS, Device.cpu(), 1);
                     OnnxRuntimeInference ernieFloat = exported(ernie, graphs, Quantization.NONE, threads);
                     OnnxRuntimeInference ernieInt8 = exported(ernie, graphs, Quantization.INT8, threads)) {
                    OnnxExport.write(bert, bertGraph, Quantization.NONE);
                    try (OrtSession session = environment.createSession(bertGraph.toString(), options)) {
                        return rounds(Math.max(1, rounds / 2), sampledSentences,
                                () -> plainSample.forEach(batch -> onnxRuntime(environment, session, batch)),
                                () -> ernieSample.forEach(ernieFloat::logits),
                                () -> ernieSample.forEach(ernieInt8::logits),
                                () -> run(bert, plainSample),
                                () -> classify(ernie, ernieSample));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            double baseOrt = median(bertBaseFigures[0]);
            report.put("bertBaseSentences", sampledSentences)
                    .put("bertBaseOnnxRuntimeBertSequencesPerSecond", round(baseOrt))
                    .put("bertBaseOnnxRuntimeErnieSequencesPerSecond", round(median(bertBaseFigures[1])))
                    .put("bertBaseOnnxRuntimeErnieInt8SequencesPerSecond", round(median(bertBaseFigures[2])))
                    .put("bertBaseDjlBertSequencesPerSecond", round(median(bertBaseFigures[3])))
                    .put("bertBaseDjlErnieSequencesPerSecond", round(median(bertBaseFigures[4])))
                    .put("bertBaseDjlErnieOverOnnxRuntime", round2(median(bertBaseFigures[4]) / baseOrt))
                    .put("bertBaseOnnxRuntimeErnieOverOnnxRuntime", round2(median(bertBaseFigures[1]) / baseOrt))
                    .put("bertBaseOnnxRuntimeErnieInt8OverOnnxRuntime", round2(median(bertBaseFigures[2]) / baseOrt))
                    .put("bertBaseErnieTimeOverBertTime",
                            round2(median(bertBaseFigures[3]) / median(bertBaseFigures[4])));
        }
        report.write();
        try (var files = Files.list(graphs)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(graphs);
    }

    /** Typing labels for the ERNIE heads: the head's width barely matters to the speed. */
    private static final List<String> LABELS = IntStream.range(0, 40).mapToObj(i -> "type" + i).toList();

    /** {@code model} exported with {@code quantization} and opened as the plugin's ONNX Runtime engine opens it. */
    private static OnnxRuntimeInference exported(ErnieModel model, Path folder, Quantization quantization,
                                                 int threads) throws java.io.IOException {
        Path file = folder.resolve(model.config().hiddenSize() + "-" + quantization.code() + ".onnx");
        OnnxExport.write(model, file, quantization);
        ErnieManifest manifest = new ErnieManifest(ModelDirectory.FORMAT_VERSION, model.config(), model.task(),
                model.labels(), "tokenizer.json", 128, "ernie.params",
                new ErnieManifest.EntityEmbeddings("benchmark", model.config().entityDim()));
        return OnnxRuntimeInference.open(file, manifest, threads);
    }

    private static void classify(ErnieModel model, List<EncoderBatch> batches) {
        for (EncoderBatch batch : batches) {
            try (NDManager scope = model.manager().newSubManager()) {
                model.classify(batch.toNDList(scope)).toFloatArray();
            }
        }
    }

    /** One warm-up round, then {@code rounds} rounds of every pass in turn: sequences/s per pass and round. */
    private static double[][] rounds(int rounds, int sentences, Runnable... passes) {
        double[][] figures = new double[passes.length][rounds];
        for (int round = -1; round < rounds; round++) {
            for (int p = 0; p < passes.length; p++) {
                long start = System.nanoTime();
                passes[p].run();
                if (round >= 0) {
                    figures[p][round] = round(sentences / ((System.nanoTime() - start) / 1e9));
                }
            }
        }
        return figures;
    }

    private static void run(ErnieModel model, List<EncoderBatch> batches) {
        for (EncoderBatch batch : batches) {
            try (NDManager scope = model.manager().newSubManager()) {
                // the states must reach the host, as a caller's would
                model.predict(batch.toNDList(scope)).get(0).toFloatArray();
            }
        }
    }

    private static void onnxRuntime(OrtEnvironment environment, OrtSession session, EncoderBatch batch) {
        long[] shape = {batch.batch(), batch.length()};
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.ids()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.attentionMask()), shape);
             OnnxTensor types = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.tokenTypes()), shape);
             OrtSession.Result result = session.run(Map.of(
                     "input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            ((OnnxTensor) result.get(0)).getFloatBuffer();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static float[] unitVector(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] vector = new float[ErnieConfig.TRANSE_DIM];
        double norm = 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < vector.length; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }
}
