package io.ernieneo4j.trainer.ernie.io;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The weights of a BERT exported to ONNX by PyTorch (e.g. the all-MiniLM-L6-v2 and bge-small files of the
 * langchain4j jars), read from the graph's initializers in a memory-mapped file.
 *
 * <p>Embeddings, biases and LayerNorms keep their Hugging Face names. The dense matrices are anonymous
 * ({@code onnx::MatMul_787}) and stored [in, out]: each is named after the MatMul node that consumes it
 * ({@code /encoder/layer.0/attention/self/query/MatMul} gives {@code encoder.layer.0.attention.self.query.weight})
 * and transposed to PyTorch's (out, in) when read. Integer buffers Hugging Face exports with the weights
 * ({@code embeddings.position_ids}) are not weights and are left out.
 */
public final class OnnxCheckpoint implements CheckpointTensors {

    private static final Set<String> NON_WEIGHT_BUFFERS = Set.of("embeddings.position_ids", "embeddings.token_type_ids");
    private static final Pattern MATMUL_NODE = Pattern.compile("^/(.+)/MatMul$");

    private final Path file;
    private final MappedByteBuffer mapped;
    private final Map<String, Initializer> tensors;

    private record Initializer(long[] shape, long start, long end, boolean transposed) {}

    private record RawInitializer(String name, long[] dims, int dataType, long[] range, boolean external) {}

    private OnnxCheckpoint(Path file, MappedByteBuffer mapped, Map<String, Initializer> tensors) {
        this.file = file;
        this.mapped = mapped;
        this.tensors = tensors;
    }

    /** Maps {@code file} and indexes its initializers; nothing is read into the heap yet. */
    public static OnnxCheckpoint open(Path file) throws IOException {
        MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IOException(String.format(Locale.ROOT,
                        "ONNX file `%s` is %d bytes; files over 2 GB keep their weights as external data, which is "
                                + "not supported.", file, channel.size()));
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        }
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        try {
            return new OnnxCheckpoint(file, mapped, index(file, mapped));
        } catch (IllegalStateException e) {
            throw new IOException(String.format(Locale.ROOT, "`%s` is not a readable ONNX model: %s",
                    file, e.getMessage()), e);
        }
    }

    private static Map<String, Initializer> index(Path file, MappedByteBuffer mapped) throws IOException {
        ProtoReader model = new ProtoReader(mapped, 0, mapped.limit());
        ProtoReader graph = null;
        while (model.hasNext()) {
            if (model.nextField() == OnnxProto.MODEL_GRAPH && model.wireType() == ProtoReader.LENGTH_DELIMITED) {
                graph = model.readMessage();
            } else {
                model.skip();
            }
        }
        if (graph == null) {
            throw new IOException(String.format(Locale.ROOT, "ONNX file `%s` holds no graph.", file));
        }
        List<RawInitializer> initializers = new ArrayList<>();
        Map<String, List<String>> matMulConsumers = new HashMap<>();
        while (graph.hasNext()) {
            int field = graph.nextField();
            if (field == OnnxProto.GRAPH_INITIALIZER) {
                initializers.add(readInitializer(graph.readMessage()));
            } else if (field == OnnxProto.GRAPH_NODE) {
                readNode(graph.readMessage(), matMulConsumers);
            } else {
                graph.skip();
            }
        }
        Map<String, Initializer> tensors = new LinkedHashMap<>();
        for (RawInitializer raw : initializers) {
            if (NON_WEIGHT_BUFFERS.contains(raw.name())) {
                continue;
            }
            if (raw.dataType() != OnnxProto.DATA_TYPE_FLOAT || raw.external() || raw.range() == null) {
                throw new IOException(String.format(Locale.ROOT,
                        "ONNX initializer `%s` in `%s` is not float32 raw data (data type %d%s); only fp32 "
                                + "exports are supported (not the int8 `-q` variants).",
                        raw.name(), file, raw.dataType(), raw.external() ? ", external" : ""));
            }
            long bytes = raw.range()[1] - raw.range()[0];
            if (bytes != 4L * elements(raw.dims())) {
                throw new IOException(String.format(Locale.ROOT,
                        "ONNX initializer `%s` has shape %s but %d bytes of data.",
                        raw.name(), Arrays.toString(raw.dims()), bytes));
            }
            String name = raw.name();
            boolean transposed = false;
            long[] shape = raw.dims();
            if (!name.endsWith(".weight") && !name.endsWith(".bias")) {
                name = matMulWeightName(raw.name(), matMulConsumers, file);
                transposed = true;
                if (shape.length != 2) {
                    throw new IOException(String.format(Locale.ROOT,
                            "ONNX MatMul weight `%s` has shape %s; expected [in, out].",
                            raw.name(), Arrays.toString(shape)));
                }
                shape = new long[] {shape[1], shape[0]};
            }
            if (tensors.put(name, new Initializer(shape, raw.range()[0], raw.range()[1], transposed)) != null) {
                throw new IOException(String.format(Locale.ROOT,
                        "Two ONNX initializers in `%s` map to the weight `%s`.", file, name));
            }
        }
        return tensors;
    }

    private static RawInitializer readInitializer(ProtoReader tensor) {
        String name = null;
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        long[] range = null;
        boolean external = false;
        while (tensor.hasNext()) {
            int field = tensor.nextField();
            switch (field) {
                case OnnxProto.TENSOR_DIMS -> {
                    if (tensor.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        ProtoReader packed = tensor.readMessage();
                        while (packed.hasNext()) {
                            dims.add(packed.readVarint());
                        }
                    } else {
                        dims.add(tensor.readVarint());
                    }
                }
                case OnnxProto.TENSOR_DATA_TYPE -> dataType = (int) tensor.readVarint();
                case OnnxProto.TENSOR_NAME -> name = tensor.readString();
                case OnnxProto.TENSOR_RAW_DATA -> range = tensor.readRange();
                case OnnxProto.TENSOR_DATA_LOCATION -> external = tensor.readVarint() == 1;
                default -> tensor.skip();
            }
        }
        return new RawInitializer(name, dims.stream().mapToLong(Long::longValue).toArray(), dataType, range, external);
    }

    private static void readNode(ProtoReader node, Map<String, List<String>> matMulConsumers) {
        List<String> inputs = new ArrayList<>();
        String name = "";
        String opType = "";
        while (node.hasNext()) {
            int field = node.nextField();
            switch (field) {
                case OnnxProto.NODE_INPUT -> inputs.add(node.readString());
                case OnnxProto.NODE_NAME -> name = node.readString();
                case OnnxProto.NODE_OP_TYPE -> opType = node.readString();
                default -> node.skip();
            }
        }
        if (opType.equals("MatMul")) {
            for (String input : inputs) {
                matMulConsumers.computeIfAbsent(input, k -> new ArrayList<>()).add(name);
            }
        }
    }

    private static String matMulWeightName(String initializer, Map<String, List<String>> consumers, Path file)
            throws IOException {
        List<String> nodes = consumers.getOrDefault(initializer, List.of());
        if (nodes.size() != 1) {
            throw new IOException(String.format(Locale.ROOT,
                    "ONNX initializer `%s` in `%s` has no Hugging Face name and is consumed by %s MatMul nodes %s; "
                            + "cannot tell which weight it is.", initializer, file, nodes.size(), nodes));
        }
        Matcher matcher = MATMUL_NODE.matcher(nodes.get(0));
        if (!matcher.matches()) {
            throw new IOException(String.format(Locale.ROOT,
                    "ONNX initializer `%s` feeds the MatMul node `%s`, whose name is not a module path "
                            + "(`/encoder/layer.N/.../MatMul`).", initializer, nodes.get(0)));
        }
        return matcher.group(1).replace('/', '.') + ".weight";
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
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

    @Override
    public float[] read(String name) {
        Initializer tensor = entry(name);
        FloatBuffer data = mapped.slice((int) tensor.start(), (int) (tensor.end() - tensor.start()))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] values = new float[data.remaining()];
        if (!tensor.transposed()) {
            data.get(values);
            return values;
        }
        // stored [in, out]; PyTorch's Linear wants (out, in)
        int out = (int) tensor.shape()[0];
        int in = (int) tensor.shape()[1];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                values[o * in + i] = data.get(i * out + o);
            }
        }
        return values;
    }

    private Initializer entry(String name) {
        Initializer tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "ONNX file `%s` has no weight `%s`.", file, name));
        }
        return tensor;
    }

    @Override
    public void close() {
        // The mapping is released by the garbage collector; nothing else is held.
    }
}
