package io.ernieneo4j.trainer.ernie.io;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsCheckpointTest {

    private static final ErnieConfig TINY_BERT = new ErnieConfig(20, 8, 2, 16, List.of(LayerType.SIM), 10, 2,
            ErnieConfig.TRANSE_DIM, ErnieConfig.ENTITY_HEADS, 0.1f, 1e-12f, 1f);

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        DjlRuntime.start(Path.of("target", "djl-cache"));
    }

    @Test
    void widensBf16AndF16ToFloat32() throws Exception {
        Map<String, Stored> tensors = new LinkedHashMap<>();
        // bf16: 1.0 = 0x3F80, -2.5 = 0xC020, 0.15625 = 0x3E20; f16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF
        tensors.put("a", new Stored("BF16", new long[] {3}, shorts(0x3F80, 0xC020, 0x3E20)));
        tensors.put("b", new Stored("F16", new long[] {3}, shorts(0x3C00, 0xC000, 0x7BFF)));
        tensors.put("c", new Stored("F32", new long[] {1, 2}, floats(new float[] {0.5f, -7f})));
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(write(tensors))) {
            assertThat(checkpoint.names()).containsExactly("a", "b", "c");
            assertThat(checkpoint.read("a")).containsExactly(1f, -2.5f, 0.15625f);
            assertThat(checkpoint.read("b")).containsExactly(1f, -2f, 65504f);
            assertThat(checkpoint.read("c")).containsExactly(0.5f, -7f);
            assertThat(checkpoint.shape("c")).containsExactly(1, 2);
            assertThat(checkpoint.dtype("a")).isEqualTo("BF16");
        }
    }

    @Test
    void roundTripsAHuggingFaceBertWithBf16AndF16TensorsIntoATinyModel() throws Exception {
        try (ErnieModel source = ErnieModel.random(TINY_BERT, Device.cpu(), 1)) {
            Map<String, Stored> tensors = new LinkedHashMap<>();
            tensors.put("bert.embeddings.position_ids", new Stored("I64", new long[] {1, 10}, new byte[80]));
            int i = 0;
            for (Map.Entry<String, Parameter> entry : source.parameters().entrySet()) {
                String name = entry.getKey();
                long[] shape = entry.getValue().getArray().getShape().getShape();
                float[] values = entry.getValue().getArray().toFloatArray();
                String stored = "bert." + (name.equals("embeddings.LayerNorm.weight")
                        ? "embeddings.LayerNorm.gamma" : name.equals("embeddings.LayerNorm.bias")
                        ? "embeddings.LayerNorm.beta" : name);
                String dtype = List.of("F32", "BF16", "F16").get(i++ % 3);
                // the source model takes the values the file can hold, so the round trip must be exact
                byte[] bytes = switch (dtype) {
                    case "BF16" -> {
                        short[] halves = new short[values.length];
                        for (int k = 0; k < values.length; k++) {
                            halves[k] = (short) (Float.floatToRawIntBits(values[k]) >>> 16);
                            values[k] = Float.intBitsToFloat(Float.floatToRawIntBits(values[k]) & 0xFFFF0000);
                        }
                        yield shorts(halves);
                    }
                    case "F16" -> {
                        short[] halves = new short[values.length];
                        for (int k = 0; k < values.length; k++) {
                            halves[k] = Float.floatToFloat16(values[k]);
                            values[k] = Float.float16ToFloat(halves[k]);
                        }
                        yield shorts(halves);
                    }
                    default -> floats(values);
                };
                entry.getValue().getArray().set(values);
                tensors.put(stored, new Stored(dtype, shape, bytes));
            }
            Path file = write(tensors);
            Path config = dir.resolve("config.json");
            ObjectNode json = new ObjectMapper().createObjectNode().put("model_type", "bert")
                    .put("vocab_size", 20).put("hidden_size", 8).put("num_attention_heads", 2)
                    .put("intermediate_size", 16).put("num_hidden_layers", 1).put("max_position_embeddings", 10)
                    .put("type_vocab_size", 2).put("hidden_act", "gelu").put("layer_norm_eps", 1e-12)
                    .put("hidden_dropout_prob", 0.1);
            new ObjectMapper().writeValue(config.toFile(), json);
            assertThat(SafetensorsCheckpoint.readConfig(config)).isEqualTo(TINY_BERT);

            try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(file);
                 ErnieModel target = ErnieModel.fromCheckpoint(SafetensorsCheckpoint.readConfig(config),
                         Device.cpu(), checkpoint, name -> false, 7);
                 NDManager scope = NDManager.newBaseManager(Device.cpu())) {
                assertThat(checkpoint.names()).hasSize(source.parameters().size())
                        .contains("embeddings.LayerNorm.weight").doesNotContain("embeddings.position_ids");
                target.parameters().forEach((name, parameter) -> assertThat(parameter.getArray().toFloatArray())
                        .as(name).isEqualTo(source.parameters().get(name).getArray().toFloatArray()));
                NDList inputs = EncoderBatch.tokens(List.of(new TokenizedText("x", new long[] {101 % 20, 5, 7, 2},
                        new int[] {-1, 0, 0, -1}, new int[] {-1, 1, 1, -1}))).toNDList(scope);
                assertThat(target.predict(inputs).get(0).toFloatArray())
                        .isEqualTo(source.predict(inputs).get(0).toFloatArray());
            }
        }
    }

    @Test
    void rejectsUnsupportedTypesAndBrokenHeaders() throws Exception {
        Map<String, Stored> tensors = new LinkedHashMap<>();
        tensors.put("encoder.layer.0.output.dense.weight", new Stored("F64", new long[] {1}, new byte[8]));
        Path f64 = write(tensors);
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(f64)).hasMessageContaining("is F64");
        Path broken = dir.resolve("broken.safetensors");
        Files.write(broken, new byte[] {(byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(broken)).hasMessageContaining("header length 255");
    }

    private record Stored(String dtype, long[] shape, byte[] bytes) {}

    private Path write(Map<String, Stored> tensors) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode header = mapper.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Stored> tensor : tensors.entrySet()) {
            ObjectNode node = header.putObject(tensor.getKey()).put("dtype", tensor.getValue().dtype());
            for (long d : tensor.getValue().shape()) {
                node.withArray("shape").add(d);
            }
            node.withArray("data_offsets").add(data.size()).add(data.size() + tensor.getValue().bytes().length);
            data.writeBytes(tensor.getValue().bytes());
        }
        byte[] json = mapper.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("model-" + tensors.size() + "-" + System.nanoTime() + ".safetensors");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        out.writeBytes(data.toByteArray());
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] shorts(int... values) {
        short[] s = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            s[i] = (short) values[i];
        }
        return shorts(s);
    }

    private static byte[] shorts(short[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            buffer.putShort(v);
        }
        return buffer.array();
    }

    private static byte[] floats(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }
}
