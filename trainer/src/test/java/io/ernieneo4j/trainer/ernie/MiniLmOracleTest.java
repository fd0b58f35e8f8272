package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The oracle: the BERT on DJL, loaded from all-MiniLM-L6-v2's ONNX file, reproduces ONNX Runtime running that file.
 */
class MiniLmOracleTest {

    private static final double TOLERANCE = 1e-4;

    private static ErnieModel model;
    private static WordPieceTokenizer tokenizer;
    private static OrtEnvironment environment;
    private static OrtSession session;

    @BeforeAll
    static void load() throws Exception {
        MiniLm.startDjl();
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(MiniLm.onnx())) {
            // the ONNX export has no pooler; it starts fresh and is not compared
            model = DjlRuntime.call(() -> uncheckedLoad(checkpoint));
        }
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128);
        environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        session = environment.createSession(MiniLm.onnx().toString(), options);
    }

    private static ErnieModel uncheckedLoad(OnnxCheckpoint checkpoint) {
        try {
            return ErnieModel.fromCheckpoint(MiniLm.BERT, Device.cpu(), checkpoint,
                    name -> name.startsWith("pooler."), 42);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void close() throws OrtException {
        session.close();
        tokenizer.close();
        model.close();
    }

    @Test
    void tokenizesLikeBertUncased() {
        TokenizedText text = tokenizer.encode("Paris is the capital of France");
        assertThat(text.ids()).containsExactly(101, 3000, 2003, 1996, 3007, 1997, 2605, 102);
        assertThat(text.starts()).containsExactly(-1, 0, 6, 9, 13, 21, 24, -1);
        assertThat(text.ends()).containsExactly(-1, 5, 8, 12, 20, 23, 30, -1);
    }

    @Test
    void reproducesOnnxRuntimeLastHiddenStateOnRealSentences() throws OrtException {
        List<TokenizedText> texts = MiniLm.SENTENCES.stream().map(tokenizer::encode).toList();
        EncoderBatch batch = EncoderBatch.tokens(texts);
        assertThat(batch.length()).isEqualTo(texts.stream().mapToInt(TokenizedText::length).max().orElseThrow());

        float[] expected = onnxRuntime(batch);
        float[] actual;
        try (NDManager scope = model.manager().newSubManager()) {
            NDList outputs = model.predict(batch.toNDList(scope));
            assertThat(outputs.get(0).getShape().getShape()).containsExactly(batch.batch(), batch.length(), 384);
            actual = outputs.get(0).toFloatArray();
        }

        double maxError = 0;
        int compared = 0;
        for (int b = 0; b < batch.batch(); b++) {
            for (int t = 0; t < texts.get(b).length(); t++) {
                for (int h = 0; h < 384; h++) {
                    int i = (b * batch.length() + t) * 384 + h;
                    maxError = Math.max(maxError, Math.abs(expected[i] - actual[i]));
                    compared++;
                }
            }
        }
        System.out.printf("MiniLM on DJL vs ONNX Runtime: max abs error %.3g over %d values%n", maxError, compared);
        assertThat(compared).isGreaterThan(6 * 384 * 8);
        assertThat(maxError).isLessThan(TOLERANCE);
    }

    private static float[] onnxRuntime(EncoderBatch batch) throws OrtException {
        long[] shape = {batch.batch(), batch.length()};
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.ids()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.attentionMask()), shape);
             OnnxTensor types = OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.tokenTypes()), shape);
             OrtSession.Result result = session.run(Map.of(
                     "input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            float[][][] hidden = (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            float[] values = new float[batch.batch() * batch.length() * 384];
            int i = 0;
            for (float[][] row : hidden) {
                for (float[] token : row) {
                    System.arraycopy(token, 0, values, i, token.length);
                    i += token.length;
                }
            }
            return values;
        }
    }
}
