package io.ernieneo4j.trainer.ernie.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The weights of a Hugging Face BERT in a {@code model.safetensors} file (what {@code BertForMaskedLM} /
 * {@code BertModel} downloads hold), under the names {@code ParameterNames} gives.
 *
 * <p>Layout: an 8-byte little-endian header length, a JSON header {@code name → {dtype, shape, data_offsets}}, then
 * the little-endian tensors. Only the header is read on open; each tensor is memory-mapped when read and converted
 * to float32 in Java: F32 as is, F16 and BF16 widened (DJL aborts the JVM on BF16 arrays, STACK.md pitfall 7).
 *
 * <p>Names: a leading {@code bert.} goes, old {@code LayerNorm.gamma/beta} become {@code weight/bias}; the tied MLM
 * decoder ({@code cls.predictions.decoder.weight}, the word table again, and {@code .decoder.bias}, the same as
 * {@code cls.predictions.bias}) and integer buffers ({@code embeddings.position_ids}) are left out.
 */
public final class SafetensorsCheckpoint implements CheckpointTensors {

    private static final Set<String> SKIPPED = Set.of("embeddings.position_ids", "embeddings.token_type_ids",
            "cls.predictions.decoder.weight", "cls.predictions.decoder.bias");
    private static final long MAX_HEADER = 100L << 20;

    /** One tensor's place in the file. */
    private record Entry(String fileName, String dtype, long[] shape, long start, long end) {}

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> tensors;

    private SafetensorsCheckpoint(Path file, FileChannel channel, Map<String, Entry> tensors) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
    }

    /** Opens {@code file} and reads its header; the tensors stay on disk until read. */
    public static SafetensorsCheckpoint open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (size < 8 || channel.read(lengthBytes, 0) != 8) {
                throw malformed(file, "shorter than its 8-byte header length");
            }
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw malformed(file, "header length " + headerLength + " does not fit a " + size + "-byte file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            channel.read(header, 8);
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw malformed(file, "header is not JSON: " + e.getMessage());
            }
            long dataStart = 8 + headerLength;
            Map<String, Entry> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("__metadata__")) {
                    continue;
                }
                Optional<String> name = huggingFaceName(field.getKey());
                if (name.isEmpty()) {
                    continue;
                }
                Entry entry = entry(file, field.getKey(), field.getValue(), dataStart, size);
                if (tensors.put(name.get(), entry) != null) {
                    throw malformed(file, "two tensors map to `" + name.get() + "`");
                }
            }
            return new SafetensorsCheckpoint(file, channel, tensors);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The checkpoint name of a Hugging Face BERT tensor, or empty for one that is not a separate weight. */
    public static Optional<String> huggingFaceName(String name) {
        String mapped = name.startsWith("bert.") ? name.substring("bert.".length()) : name;
        if (SKIPPED.contains(mapped)) {
            return Optional.empty();
        }
        if (mapped.endsWith("LayerNorm.gamma")) {
            mapped = mapped.substring(0, mapped.length() - "gamma".length()) + "weight";
        } else if (mapped.endsWith("LayerNorm.beta")) {
            mapped = mapped.substring(0, mapped.length() - "beta".length()) + "bias";
        }
        return Optional.of(mapped);
    }

    /**
     * The plain BERT (every layer {@code sim}) a Hugging Face {@code config.json} describes, with the paper's entity
     * side; use {@link ErnieConfig#withLayerTypes} for an ERNIE on it.
     */
    public static ErnieConfig readConfig(Path configJson) throws IOException {
        JsonNode json = new ObjectMapper().readTree(configJson.toFile());
        String type = json.path("model_type").asText("bert");
        if (!type.equals("bert")) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` describes a `%s` model; only `bert` is supported.", configJson, type));
        }
        String activation = json.path("hidden_act").asText("gelu");
        if (!activation.equals("gelu")) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` uses hidden_act `%s`; the encoder implements erf `gelu` only.", configJson, activation));
        }
        int layers = required(configJson, json, "num_hidden_layers");
        return new ErnieConfig(required(configJson, json, "vocab_size"), required(configJson, json, "hidden_size"),
                required(configJson, json, "num_attention_heads"), required(configJson, json, "intermediate_size"),
                Collections.nCopies(layers, LayerType.SIM), json.path("max_position_embeddings").asInt(512),
                json.path("type_vocab_size").asInt(2), ErnieConfig.TRANSE_DIM, ErnieConfig.ENTITY_HEADS,
                (float) json.path("hidden_dropout_prob").asDouble(ErnieConfig.DROPOUT),
                (float) json.path("layer_norm_eps").asDouble(ErnieConfig.LAYER_NORM_EPS), 1f);
    }

    private static int required(Path file, JsonNode json, String key) throws IOException {
        JsonNode value = json.get(key);
        if (value == null || !value.canConvertToInt()) {
            throw new IOException(String.format(Locale.ROOT, "`%s` has no integer `%s`.", file, key));
        }
        return value.asInt();
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataStart, long size) throws IOException {
        String dtype = node.path("dtype").asText();
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw malformed(file, String.format(Locale.ROOT,
                    "tensor `%s` is %s; only F32, F16 and BF16 weights are supported", name, dtype));
        };
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw malformed(file, "tensor `" + name + "` lacks shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
            elements *= shape[i];
        }
        long start = dataStart + offsets.get(0).asLong();
        long end = dataStart + offsets.get(1).asLong();
        if (end - start != elements * width || start < dataStart || end > size) {
            throw malformed(file, String.format(Locale.ROOT,
                    "tensor `%s` (%s %s) has bytes [%d, %d) in a %d-byte file", name, dtype,
                    java.util.Arrays.toString(shape), start, end, size));
        }
        return new Entry(name, dtype, shape, start, end);
    }

    private static IOException malformed(Path file, String why) {
        return new IOException(String.format(Locale.ROOT, "`%s` is not a readable safetensors file: %s.", file, why));
    }

    @Override
    public String source() {
        return file.toString();
    }

    @Override
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    @Override
    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    /** The tensor's stored type: F32, F16 or BF16. */
    public String dtype(String name) {
        return entry(name).dtype();
    }

    @Override
    public float[] read(String name) throws IOException {
        Entry entry = entry(name);
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, entry.start(), entry.end() - entry.start());
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        switch (entry.dtype()) {
            case "F32" -> {
                float[] values = new float[mapped.remaining() / 4];
                mapped.asFloatBuffer().get(values);
                return values;
            }
            case "F16" -> {
                float[] values = new float[mapped.remaining() / 2];
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(mapped.getShort(2 * i));
                }
                return values;
            }
            default -> { // BF16: the high half of a float32
                float[] values = new float[mapped.remaining() / 2];
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat((mapped.getShort(2 * i) & 0xFFFF) << 16);
                }
                return values;
            }
        }
    }

    private Entry entry(String name) {
        Entry entry = tensors.get(name);
        if (entry == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "No tensor `%s` in `%s`.", name, file));
        }
        return entry;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
