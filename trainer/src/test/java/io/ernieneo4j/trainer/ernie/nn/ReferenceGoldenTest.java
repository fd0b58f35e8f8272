package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ReferenceCheckpoint;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.SafetensorsCheckpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.ernieneo4j.trainer.ernie.config.LayerType.MIX;
import static io.ernieneo4j.trainer.ernie.config.LayerType.NORM;
import static io.ernieneo4j.trainer.ernie.config.LayerType.SIM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden test: a tiny ERNIE (sim, sim, mix, norm, norm, norm; a typing head) computed by the reference
 * implementation's {@code BertForEntityTyping} in eval mode, loaded here under the reference's own parameter names
 * and run on the same padded batch with entities. See {@code ernie-reference-tiny/README.md}.
 */
class ReferenceGoldenTest {

    private static final double TOLERANCE = 1e-5;
    private static final List<String> LABELS = List.of("type0", "type1", "type2", "type3", "type4");

    private static Path fixture;
    private static ErnieModel model;
    private static JsonNode inputs;
    private static JsonNode outputs;

    @BeforeAll
    static void load() throws Exception {
        DjlRuntime.start(Path.of("target", "djl-cache"));
        fixture = Path.of(ReferenceGoldenTest.class.getResource("/ernie-reference-tiny").toURI());
        ObjectMapper json = new ObjectMapper();
        inputs = json.readTree(fixture.resolve("inputs.json").toFile());
        outputs = json.readTree(fixture.resolve("outputs.json").toFile());
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(fixture.resolve("model.safetensors"))) {
            model = ErnieModel.fromCheckpoint(ReferenceCheckpoint.readConfig(fixture.resolve("config.json")),
                    ErnieTask.TYPING, LABELS, Device.cpu(), checkpoint, name -> false, 0);
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void readsTheReferenceConfigWithItsHardCodedEntitySide() {
        assertThat(model.config()).isEqualTo(new ErnieConfig(64, 32, 2, 64,
                List.of(SIM, SIM, MIX, NORM, NORM, NORM), 32, 2, 100, 4, 0.1f, 1e-12f, 1f));
    }

    @Test
    void everyReferenceTensorFillsOneParameter() {
        // the load fails on a tensor the model has no place for, so equal counts mean one to one
        assertThat(model.parameters()).hasSize(158);
        assertThat(model.untrainedParameters()).isEmpty();
    }

    @Test
    void tokenStatesMatchAfterEveryLayer() {
        List<float[]> layers = run(referenceBatch(false));
        assertThat(layers).hasSize(7);
        for (int layer = 0; layer < 6; layer++) {
            double error = maxErrorAtTokens(flatten(outputs.get("layers").get(layer)),
                    layers.get(layer));
            System.out.printf("layer %d (%s): max abs difference %.3g%n", layer,
                    model.config().layerTypes().get(layer).code(), error);
            assertThat(error).as("layer %d", layer).isLessThan(TOLERANCE);
        }
    }

    @Test
    void pooledOutputMatches() {
        float[] pooled = run(referenceBatch(false)).get(6);
        double error = maxError(flatten(outputs.get("pooled")), pooled);
        System.out.printf("pooled: max abs difference %.3g%n", error);
        assertThat(error).isLessThan(TOLERANCE);
    }

    @Test
    void typingLogitsMatch() {
        double error = maxError(flatten(outputs.get("typing_logits")), logits(referenceBatch(false)));
        System.out.printf("typing logits: max abs difference %.3g%n", error);
        assertThat(error).isLessThan(TOLERANCE);
    }

    @Test
    void zeroedEntitiesMoveTheLogits() {
        // were they within tolerance, the comparisons above could not catch an encoder that ignores its entities
        double moved = maxError(flatten(outputs.get("typing_logits")), logits(referenceBatch(true)));
        System.out.printf("typing logits with zeroed entities: max abs difference %.3g%n", moved);
        assertThat(moved).isGreaterThan(1000 * TOLERANCE);
    }

    /** The token states after every layer, then the pooled output, with autograd off as in inference. */
    private static List<float[]> run(EncoderBatch batch) {
        boolean gradients = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = model.manager().newSubManager()) {
            NDList states = model.encoder().everyLayer(new ParameterStore(model.manager(), false),
                    batch.toNDList(scope));
            return states.stream().map(NDArray::toFloatArray).toList();
        } finally {
            JniUtils.setGradMode(gradients);
        }
    }

    private static float[] logits(EncoderBatch batch) {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.classify(batch.toNDList(scope)).toFloatArray();
        }
    }

    /**
     * The fixture's batch as the encoder takes it: the reference marks entities per piece ({@code ent_mask}, the
     * vector in {@code input_ent}); here each marked piece is a slot, [CLS] first.
     */
    private static EncoderBatch referenceBatch(boolean zeroEntities) {
        JsonNode mask = inputs.get("ent_mask");
        JsonNode vectors = inputs.get("input_ent");
        int batch = mask.size();
        int length = mask.get(0).size();
        int dim = vectors.get(0).get(0).size();
        EncoderBatch tokens = new EncoderBatch(batch, length, longs(inputs.get("input_ids")),
                longs(inputs.get("token_type_ids")), longs(inputs.get("attention_mask")), 0, 0, null, null);
        int slots = 0;
        for (JsonNode row : mask) {
            slots = Math.max(slots, (int) Arrays.stream(longs(row)).filter(marked -> marked == 1).count());
        }
        float[] slotVectors = new float[batch * slots * dim];
        int[] positions = new int[batch * slots];
        Arrays.fill(positions, -1);
        for (int b = 0; b < batch; b++) {
            int slot = b * slots;
            for (int t = 0; t < length; t++) {
                if (mask.get(b).get(t).asInt() == 1) {
                    positions[slot] = t;
                    if (!zeroEntities) {
                        System.arraycopy(flatten(vectors.get(b).get(t)), 0, slotVectors, slot * dim, dim);
                    }
                    slot++;
                }
            }
            assertThat(positions[b * slots]).as("row %d's first slot is [CLS]", b).isZero();
        }
        return tokens.withSlots(dim, slots, slotVectors, positions);
    }

    /** The largest difference over the pieces the attention mask keeps (padding is computed but meaningless). */
    private static double maxErrorAtTokens(float[] expected, float[] actual) {
        long[] attentionMask = longs(inputs.get("attention_mask"));
        int hidden = expected.length / attentionMask.length;
        assertThat(actual).hasSameSizeAs(expected);
        double error = 0;
        for (int piece = 0; piece < attentionMask.length; piece++) {
            for (int h = 0; attentionMask[piece] == 1 && h < hidden; h++) {
                int i = piece * hidden + h;
                error = Math.max(error, Math.abs(expected[i] - actual[i]));
            }
        }
        return error;
    }

    private static double maxError(float[] expected, float[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        double error = 0;
        for (int i = 0; i < expected.length; i++) {
            error = Math.max(error, Math.abs(expected[i] - actual[i]));
        }
        return error;
    }

    /** Every number of a nested JSON array, row-major. */
    private static float[] flatten(JsonNode array) {
        List<Float> values = new ArrayList<>();
        collect(array, values);
        float[] flat = new float[values.size()];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = values.get(i);
        }
        return flat;
    }

    private static void collect(JsonNode node, List<Float> values) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, values));
        } else {
            values.add(node.floatValue());
        }
    }

    private static long[] longs(JsonNode array) {
        float[] values = flatten(array);
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = (long) values[i];
        }
        return longs;
    }
}
