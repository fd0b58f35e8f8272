package io.ernieneo4j.trainer.linking;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sentence vectors from a plain BERT (all-MiniLM-L6-v2 as bundled): the mean of the last hidden states over a text's
 * pieces, scaled to length 1, as that model was trained to be used. A span of a text gets the mean over the pieces it
 * covers, in the context of the whole text. Texts are batched by length so that padding costs little.
 *
 * <p>The model and the tokenizer belong to the caller, who closes them. Not thread-safe: one encoder per thread, or
 * calls serialised by the caller.
 */
public final class TextEncoder {

    /** Texts per forward pass. */
    static final int BATCH = 64;

    private final ErnieModel model;
    private final WordPieceTokenizer tokenizer;
    private final int hidden;

    public TextEncoder(ErnieModel model, WordPieceTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.hidden = model.config().hiddenSize();
    }

    public int dimensions() {
        return hidden;
    }

    /** One unit vector per text. */
    public float[][] encode(List<String> texts) {
        float[][] vectors = new float[texts.size()][];
        List<SpanRequest> requests = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            requests.add(new SpanRequest(texts.get(i), new int[0][]));
        }
        List<Encoded> encoded = encodeWithSpans(requests);
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = encoded.get(i).text();
        }
        return vectors;
    }

    /** A text and the character spans {start, end} in it whose vectors are wanted. */
    public record SpanRequest(String text, int[][] spans) {}

    /** The text's vector and each span's (a span no piece falls in gets the text's vector). */
    public record Encoded(float[] text, float[][] spans) {}

    public List<Encoded> encodeWithSpans(List<SpanRequest> requests) {
        List<TokenizedText> tokenized = requests.stream().map(r -> tokenizer.encode(r.text())).toList();
        Integer[] order = new Integer[requests.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> tokenized.get(i).length()));
        Encoded[] results = new Encoded[requests.size()];
        for (int from = 0; from < order.length; from += BATCH) {
            int to = Math.min(order.length, from + BATCH);
            List<TokenizedText> batchTexts = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                batchTexts.add(tokenized.get(order[k]));
            }
            EncoderBatch batch = EncoderBatch.tokens(batchTexts);
            float[] states;
            states = DjlRuntime.call(() -> {
                try (NDManager scope = model.manager().newSubManager()) {
                    NDList outputs = model.predict(batch.toNDList(scope));
                    return outputs.get(0).toFloatArray();
                }
            });
            for (int k = from; k < to; k++) {
                int row = k - from;
                TokenizedText text = batchTexts.get(row);
                SpanRequest request = requests.get(order[k]);
                int base = row * batch.length() * hidden;
                float[] textVector = meanOver(states, base, text, 0, text.length());
                float[][] spanVectors = new float[request.spans().length][];
                for (int s = 0; s < spanVectors.length; s++) {
                    int[] span = request.spans()[s];
                    int first = -1;
                    int end = -1;
                    for (int t = 0; t < text.length(); t++) {
                        if (text.starts()[t] >= 0 && text.starts()[t] < span[1] && text.ends()[t] > span[0]) {
                            first = first < 0 ? t : first;
                            end = t + 1;
                        }
                    }
                    spanVectors[s] = first < 0 ? textVector : meanOver(states, base, text, first, end);
                }
                results[order[k]] = new Encoded(textVector, spanVectors);
            }
        }
        return List.of(results);
    }

    private float[] meanOver(float[] states, int base, TokenizedText text, int from, int to) {
        float[] mean = new float[hidden];
        for (int t = from; t < to; t++) {
            int offset = base + t * hidden;
            for (int h = 0; h < hidden; h++) {
                mean[h] += states[offset + h];
            }
        }
        double norm = 0;
        for (float x : mean) {
            norm += (double) x * x;
        }
        float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0;
        for (int h = 0; h < hidden; h++) {
            mean[h] *= scale;
        }
        return mean;
    }

    /** The dot product: the cosine of two of this encoder's vectors. */
    public static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
