package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import io.ernieneo4j.trainer.wordnet.Synset;
import io.ernieneo4j.trainer.wordnet.WordNet;

import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inference throughput (sequences/s), MiniLM-sized, on the same real sentences in the same batches: ONNX Runtime
 * running all-MiniLM-L6-v2, the same BERT on DJL, and the ERNIE on it (K-Encoder with aligned entities). Not a test:
 * run it with {@code java -cp ... io.ernieneo4j.trainer.ernie.ErnieThroughputBenchmark [sentences] [batch] [threads]}
 * (see MODEL_NOTES.md).
 *
 * <p>Sentences are WordNet noun definitions written {@code lemma : definition}, with the synset aligned to the lemma
 * (the shape of the typing data); sorted by length so a batch pads only to its own longest text. Entity vectors are
 * seeded random unit vectors (the throughput does not depend on their values).
 */
public final class ErnieThroughputBenchmark {

    private ErnieThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int sentences = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        System.setProperty("ernie.djl.threads", Integer.toString(threads));
        MiniLm.startDjl();

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
        System.out.printf(Locale.ROOT, "%d sentences (%.1f pieces on average), batches of %d, %d threads, "
                        + "OMP_WAIT_POLICY=%s%n", sentences, (double) pieces / sentences, batchSize, threads,
                System.getenv("OMP_WAIT_POLICY"));

        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        try (OrtSession session = environment.createSession(MiniLm.onnx().toString(), options);
             OnnxCheckpoint checkpoint = OnnxCheckpoint.open(MiniLm.onnx());
             ErnieModel bert = ErnieModel.fromCheckpoint(MiniLm.BERT, Device.cpu(), checkpoint,
                     name -> name.startsWith("pooler."), 1);
             ErnieModel ernie = ErnieModel.fromCheckpoint(MiniLm.ERNIE, Device.cpu(), checkpoint,
                     ErnieModel.ENTITY_SIDE.or(name -> name.startsWith("pooler.")), 1)) {
            for (int round = 0; round < 3; round++) {
                double ort = measure(sentences, () -> {
                    for (EncoderBatch batch : plainBatches) {
                        onnxRuntime(environment, session, batch);
                    }
                });
                double plain = measure(sentences, () -> run(bert, plainBatches));
                double knowledge = measure(sentences, () -> run(ernie, ernieBatches));
                System.out.printf(Locale.ROOT, "round %d: ONNX Runtime BERT %.1f seq/s, DJL BERT %.1f seq/s, "
                                + "DJL ERNIE %.1f seq/s; ERNIE/ORT %.2f, ERNIE time / BERT time %.2f%n",
                        round, ort, plain, knowledge, knowledge / ort, plain / knowledge);
            }
        }
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

    private static double measure(int sentences, Runnable pass) {
        long start = System.nanoTime();
        pass.run();
        return sentences / ((System.nanoTime() - start) / 1e9);
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
