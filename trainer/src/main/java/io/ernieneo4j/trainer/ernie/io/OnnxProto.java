package io.ernieneo4j.trainer.ernie.io;

/**
 * The field numbers and enum values of {@code onnx.proto} (onnx/onnx, IR version 8 and later, unchanged since) that
 * this project reads ({@link OnnxCheckpoint}) and writes (the ONNX export), in one place. Names follow the schema:
 * {@code MESSAGE_FIELD}.
 */
public final class OnnxProto {

    private OnnxProto() {}

    // ModelProto
    public static final int MODEL_IR_VERSION = 1;
    public static final int MODEL_PRODUCER_NAME = 2;
    public static final int MODEL_PRODUCER_VERSION = 3;
    public static final int MODEL_DOC_STRING = 6;
    public static final int MODEL_GRAPH = 7;
    public static final int MODEL_OPSET_IMPORT = 8;
    public static final int MODEL_METADATA_PROPS = 14;

    // OperatorSetIdProto
    public static final int OPSET_DOMAIN = 1;
    public static final int OPSET_VERSION = 2;

    // StringStringEntryProto
    public static final int ENTRY_KEY = 1;
    public static final int ENTRY_VALUE = 2;

    // GraphProto
    public static final int GRAPH_NODE = 1;
    public static final int GRAPH_NAME = 2;
    public static final int GRAPH_INITIALIZER = 5;
    public static final int GRAPH_DOC_STRING = 10;
    public static final int GRAPH_INPUT = 11;
    public static final int GRAPH_OUTPUT = 12;

    // NodeProto
    public static final int NODE_INPUT = 1;
    public static final int NODE_OUTPUT = 2;
    public static final int NODE_NAME = 3;
    public static final int NODE_OP_TYPE = 4;
    public static final int NODE_ATTRIBUTE = 5;

    // AttributeProto and its AttributeType
    public static final int ATTRIBUTE_NAME = 1;
    public static final int ATTRIBUTE_F = 2;
    public static final int ATTRIBUTE_I = 3;
    public static final int ATTRIBUTE_T = 5;
    public static final int ATTRIBUTE_INTS = 8;
    public static final int ATTRIBUTE_TYPE = 20;
    public static final int ATTRIBUTE_TYPE_FLOAT = 1;
    public static final int ATTRIBUTE_TYPE_INT = 2;
    public static final int ATTRIBUTE_TYPE_TENSOR = 4;
    public static final int ATTRIBUTE_TYPE_INTS = 7;

    // TensorProto and its DataType
    public static final int TENSOR_DIMS = 1;
    public static final int TENSOR_DATA_TYPE = 2;
    public static final int TENSOR_NAME = 8;
    public static final int TENSOR_RAW_DATA = 9;
    public static final int TENSOR_DATA_LOCATION = 14;
    public static final int DATA_TYPE_FLOAT = 1;
    public static final int DATA_TYPE_INT8 = 3;
    public static final int DATA_TYPE_INT64 = 7;

    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto and its Dimension
    public static final int VALUE_INFO_NAME = 1;
    public static final int VALUE_INFO_TYPE = 2;
    public static final int TYPE_TENSOR_TYPE = 1;
    public static final int TENSOR_TYPE_ELEM_TYPE = 1;
    public static final int TENSOR_TYPE_SHAPE = 2;
    public static final int SHAPE_DIM = 1;
    public static final int DIMENSION_VALUE = 1;
    public static final int DIMENSION_PARAM = 2;
}
