package io.ernieneo4j.trainer.ernie.onnx;

import io.ernieneo4j.trainer.ernie.io.OnnxProto;
import io.ernieneo4j.trainer.ernie.io.ProtoWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An ONNX graph under construction: inputs, outputs, initializers and nodes, each added by name, and the
 * {@code GraphProto} they make. Values are named after the node that computes them, so the graph reads like the
 * module tree ({@code /encoder/layer.3/attention/self/Softmax}); names are made unique with a counter.
 */
final class GraphBuilder {

    /** A node attribute: one int, one float or a list of ints. */
    record Attribute(String name, int type, long i, float f, long[] ints) {

        static Attribute of(String name, long value) {
            return new Attribute(name, OnnxProto.ATTRIBUTE_TYPE_INT, value, 0f, null);
        }

        static Attribute of(String name, float value) {
            return new Attribute(name, OnnxProto.ATTRIBUTE_TYPE_FLOAT, 0, value, null);
        }

        static Attribute ints(String name, long... values) {
            return new Attribute(name, OnnxProto.ATTRIBUTE_TYPE_INTS, 0, 0f, values.clone());
        }

        ProtoWriter proto() {
            ProtoWriter attribute = new ProtoWriter().string(OnnxProto.ATTRIBUTE_NAME, name)
                    .varint(OnnxProto.ATTRIBUTE_TYPE, type);
            switch (type) {
                case OnnxProto.ATTRIBUTE_TYPE_INT -> attribute.varint(OnnxProto.ATTRIBUTE_I, i);
                case OnnxProto.ATTRIBUTE_TYPE_FLOAT -> attribute.float32(OnnxProto.ATTRIBUTE_F, f);
                default -> {
                    for (long value : ints) {
                        attribute.varint(OnnxProto.ATTRIBUTE_INTS, value);
                    }
                }
            }
            return attribute;
        }
    }

    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> constants = new HashMap<>();
    private long weightBytes;

    /**
     * A graph input.
     *
     * @param dims a {@code Long} for a fixed size, a {@code String} for a named dynamic axis
     */
    String input(String name, int elementType, Object... dims) {
        claim(name);
        inputs.add(valueInfo(name, elementType, dims));
        return name;
    }

    /** Makes {@code value} the graph output {@code name} (through an Identity node). */
    void output(String value, String name, int elementType, Object... dims) {
        claim(name);
        nodes.add(nodeProto("Identity", "/" + name + "/Identity", List.of(value), List.of(name), List.of()));
        outputs.add(valueInfo(name, elementType, dims));
    }

    /**
     * A float32 initializer whose values are read only when the graph is written.
     *
     * @param values supplies exactly the product of {@code dims} values, row-major
     */
    String weight(String name, long[] dims, Supplier<float[]> values) {
        claim(name);
        long count = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        ProtoWriter tensor = tensorHeader(name, dims, OnnxProto.DATA_TYPE_FLOAT)
                .floats(OnnxProto.TENSOR_RAW_DATA, count, values);
        initializers.add(tensor);
        weightBytes += 4 * count;
        return name;
    }

    /** An int8 initializer (quantized weights, zero points). */
    String int8Weight(String name, long[] dims, byte[] values) {
        claim(name);
        initializers.add(tensorHeader(name, dims, OnnxProto.DATA_TYPE_INT8).bytes(OnnxProto.TENSOR_RAW_DATA, values));
        weightBytes += values.length;
        return name;
    }

    /** A float32 scalar constant, shared by every use of the same value. */
    String scalar(float value) {
        return constant("float:" + Float.floatToRawIntBits(value), "const_float_" + value, new long[0],
                OnnxProto.DATA_TYPE_FLOAT, littleEndian(Float.floatToRawIntBits(value)));
    }

    /** An int64 scalar constant (e.g. a Gather index). */
    String scalar(long value) {
        return int64(new long[0], new long[] {value});
    }

    /** A one-dimensional int64 constant (shapes, axes, slice bounds), shared by every use of the same values. */
    String int64s(long... values) {
        return int64(new long[] {values.length}, values);
    }

    private String int64(long[] dims, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            raw.putLong(value);
        }
        String text = Arrays.toString(values).replaceAll("[^0-9,-]", "").replace(',', '_');
        return constant("int64:" + dims.length + ":" + Arrays.toString(values), "const_int64_" + text, dims,
                OnnxProto.DATA_TYPE_INT64, raw.array());
    }

    /**
     * A Constant node holding a small tensor, as PyTorch's exporter writes constants: the initializers are then the
     * model's weights only.
     */
    private String constant(String key, String name, long[] dims, int dataType, byte[] raw) {
        return constants.computeIfAbsent(key, k -> {
            String nodeName = unique("/Constant_" + name);
            String output = nodeName + "_output_0";
            claim(output);
            ProtoWriter tensor = tensorHeader(output, dims, dataType).bytes(OnnxProto.TENSOR_RAW_DATA, raw);
            ProtoWriter value = new ProtoWriter().string(OnnxProto.ATTRIBUTE_NAME, "value")
                    .varint(OnnxProto.ATTRIBUTE_TYPE, OnnxProto.ATTRIBUTE_TYPE_TENSOR)
                    .message(OnnxProto.ATTRIBUTE_T, tensor);
            ProtoWriter node = new ProtoWriter().string(OnnxProto.NODE_OUTPUT, output)
                    .string(OnnxProto.NODE_NAME, nodeName).string(OnnxProto.NODE_OP_TYPE, "Constant")
                    .message(OnnxProto.NODE_ATTRIBUTE, value);
            nodes.add(node);
            return output;
        });
    }

    /**
     * Adds a node of one output.
     *
     * @param name the node's name (made unique); its output is named {@code name + "_output_0"}
     * @return the output's name
     */
    String node(String opType, String name, List<String> nodeInputs, Attribute... attributes) {
        String nodeName = unique(name);
        String output = nodeName + "_output_0";
        claim(output);
        nodes.add(nodeProto(opType, nodeName, nodeInputs, List.of(output), List.of(attributes)));
        return output;
    }

    /**
     * Adds a node of {@code count} outputs, named {@code name + "_output_" + i}.
     *
     * @return the outputs' names, in order
     */
    List<String> node(String opType, String name, List<String> nodeInputs, int count, Attribute... attributes) {
        String nodeName = unique(name);
        List<String> nodeOutputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String output = nodeName + "_output_" + i;
            claim(output);
            nodeOutputs.add(output);
        }
        nodes.add(nodeProto(opType, nodeName, nodeInputs, nodeOutputs, List.of(attributes)));
        return nodeOutputs;
    }

    /** The bytes of weights added so far. */
    long weightBytes() {
        return weightBytes;
    }

    ProtoWriter graph(String name, String docString) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(node -> graph.message(OnnxProto.GRAPH_NODE, node));
        graph.string(OnnxProto.GRAPH_NAME, name);
        initializers.forEach(tensor -> graph.message(OnnxProto.GRAPH_INITIALIZER, tensor));
        graph.string(OnnxProto.GRAPH_DOC_STRING, docString);
        inputs.forEach(input -> graph.message(OnnxProto.GRAPH_INPUT, input));
        outputs.forEach(output -> graph.message(OnnxProto.GRAPH_OUTPUT, output));
        return graph;
    }

    private static ProtoWriter nodeProto(String opType, String name, List<String> nodeInputs, List<String> nodeOutputs,
                                         List<Attribute> attributes) {
        ProtoWriter node = new ProtoWriter();
        nodeInputs.forEach(input -> node.string(OnnxProto.NODE_INPUT, input));
        nodeOutputs.forEach(output -> node.string(OnnxProto.NODE_OUTPUT, output));
        node.string(OnnxProto.NODE_NAME, name).string(OnnxProto.NODE_OP_TYPE, opType);
        attributes.forEach(attribute -> node.message(OnnxProto.NODE_ATTRIBUTE, attribute.proto()));
        return node;
    }

    private static ProtoWriter tensorHeader(String name, long[] dims, int dataType) {
        ProtoWriter tensor = new ProtoWriter();
        for (long dim : dims) {
            tensor.varint(OnnxProto.TENSOR_DIMS, dim);
        }
        return tensor.varint(OnnxProto.TENSOR_DATA_TYPE, dataType).string(OnnxProto.TENSOR_NAME, name);
    }

    private static ProtoWriter valueInfo(String name, int elementType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object dim : dims) {
            ProtoWriter dimension = new ProtoWriter();
            switch (dim) {
                case Long size -> dimension.varint(OnnxProto.DIMENSION_VALUE, size);
                case Integer size -> dimension.varint(OnnxProto.DIMENSION_VALUE, size);
                case String param -> dimension.string(OnnxProto.DIMENSION_PARAM, param);
                default -> throw new IllegalArgumentException("A dimension is a size or a name, got " + dim);
            }
            shape.message(OnnxProto.SHAPE_DIM, dimension);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(OnnxProto.TENSOR_TYPE_ELEM_TYPE, elementType)
                .message(OnnxProto.TENSOR_TYPE_SHAPE, shape);
        return new ProtoWriter().string(OnnxProto.VALUE_INFO_NAME, name)
                .message(OnnxProto.VALUE_INFO_TYPE, new ProtoWriter().message(OnnxProto.TYPE_TENSOR_TYPE, tensorType));
    }

    private static byte[] littleEndian(int bits) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bits).array();
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "The ONNX graph already has a value `%s`.",
                    name));
        }
    }

    private String unique(String base) {
        String name = base;
        for (int n = 1; names.contains(name) || names.contains(name + "_output_0"); n++) {
            name = base + "_" + n;
        }
        names.add(name);
        return name;
    }
}
