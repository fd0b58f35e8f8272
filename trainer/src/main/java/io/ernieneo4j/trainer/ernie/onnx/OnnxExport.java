package io.ernieneo4j.trainer.ernie.onnx;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;
import io.ernieneo4j.trainer.ernie.io.OnnxProto;
import io.ernieneo4j.trainer.ernie.io.ProtoWriter;
import io.ernieneo4j.trainer.ernie.onnx.GraphBuilder.Attribute;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes an {@link ErnieModel} as one ONNX graph (opset {@value #OPSET}, standard operators only) that computes what
 * {@code ErnieModel.classify} (or, for an {@code encoder}, {@code predict}) computes for inference: the embeddings,
 * the T-Encoder's {@code sim} layers, the K-Encoder's {@code mix} and {@code norm} layers over the entity slots of
 * {@code EncoderBatch}, the pooler and the task's head. The graph's inputs are the DJL encoder's inputs, by name
 * ({@link #inputNames}), with the batch, sequence and entity-slot axes dynamic:
 * <ul>
 *   <li>{@code input_ids}, {@code token_type_ids}, {@code attention_mask}: int64 (batch, sequence);</li>
 *   <li>with a K-Encoder: {@code entity_vectors} float (batch, entities, H_e), the entity table's vectors of the
 *   aligned entities, slot 0 the [CLS] slot (zeros); {@code entity_mask} float (batch, entities), 1 for a used slot;
 *   {@code entity_placement} float (batch, entities, sequence), each slot's one-hot word piece.</li>
 * </ul>
 * The entity scale is applied inside the graph. Outputs: {@code logits} (batch, labels) for a typing or relation
 * model; {@code last_hidden_state} (batch, sequence, H_w) and {@code pooler_output} (batch, H_w) for an encoder.
 * Dropout is left out (inference). The last layer's entity output is not in the graph: nothing reads it.
 *
 * <p>The weights are raw float32 initializers inside the file, so a model must stay under protobuf's 2 GB; the
 * dense weights are stored [in, out] and named by their MatMul nodes as PyTorch's exporter does, so
 * {@code OnnxCheckpoint} reads an export back as a checkpoint. What the model's procedures compute from the logits
 * (sigmoid or softmax, a saved calibration's temperature) stays outside the graph.
 *
 * <p>With {@link Quantization#INT8} each token-side Linear of the encoder layers is written as ONNX Runtime's own
 * dynamic quantization writes it ({@code DynamicQuantizeLinear → MatMulInteger → Cast → Mul}, which it fuses into
 * one integer MatMul): int8 weights with a scale per output column, symmetric, in 7 bits ({@link #INT8_LIMIT}).
 */
public final class OnnxExport {

    /** The default-domain operator set: LayerNormalization needs 17; ONNX Runtime 1.29 runs up to 23. */
    public static final int OPSET = 17;
    /** ONNX's IR version for opset 17. */
    static final int IR_VERSION = 8;
    /** The file a model directory's float32 export is written to by default. */
    public static final String FILE = Quantization.NONE.file();
    /**
     * The largest int8 weight: 7 bits, as ONNX Runtime's {@code reduce_range}. On CPUs without VNNI (AVX2, this
     * project's machines) its u8×s8 kernel sums two products into 16 bits, which 255 · 127 · 2 overflows and
     * 255 · 64 · 2 does not.
     */
    static final int INT8_LIMIT = 63;

    public static final String INPUT_IDS = "input_ids";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String ENTITY_VECTORS = "entity_vectors";
    public static final String ENTITY_MASK = "entity_mask";
    public static final String ENTITY_PLACEMENT = "entity_placement";
    public static final String LOGITS = "logits";
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    public static final String POOLER_OUTPUT = "pooler_output";

    private static final String BATCH = "batch";
    private static final String SEQUENCE = "sequence";
    private static final String ENTITIES = "entities";
    /** A protobuf message, the whole file here, is limited to 2 GB. */
    private static final long MAX_BYTES = Integer.MAX_VALUE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ErnieModel model;
    private final Quantization quantization;
    private final ErnieConfig config;
    private final Map<String, Parameter> parameters;
    private final GraphBuilder graph = new GraphBuilder();
    /** Parameters already in the graph as initializers. */
    private final Set<String> added = new HashSet<>();

    private OnnxExport(ErnieModel model, Quantization quantization) {
        this.model = model;
        this.quantization = quantization;
        this.config = model.config();
        this.parameters = model.parameters();
    }

    /** The graph's input names for {@code config}, in order. */
    public static List<String> inputNames(ErnieConfig config) {
        return config.hasKnowledgeEncoder()
                ? List.of(INPUT_IDS, TOKEN_TYPE_IDS, ATTENTION_MASK, ENTITY_VECTORS, ENTITY_MASK, ENTITY_PLACEMENT)
                : List.of(INPUT_IDS, TOKEN_TYPE_IDS, ATTENTION_MASK);
    }

    /** The graph's output names for {@code task}, in order. */
    public static List<String> outputNames(ErnieTask task) {
        return task == ErnieTask.ENCODER ? List.of(LAST_HIDDEN_STATE, POOLER_OUTPUT) : List.of(LOGITS);
    }

    /**
     * Loads the model in {@code directory} on the CPU, writes its graph with weights stored as {@code quantization}
     * to {@code out} (null: {@link Quantization#file} in the directory) and, when {@code out} is inside the
     * directory, records it in {@code ernie.json}. Call inside {@code DjlRuntime.call}.
     *
     * @return the export, and whether the manifest records it
     */
    public static Result export(Path directory, Path out, Quantization quantization) throws IOException {
        Path file = out != null ? out : directory.resolve(quantization.file());
        Path relative = directory.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        ErnieManifest manifest = ModelDirectory.readManifest(directory);
        for (String own : List.of(ModelDirectory.MANIFEST, manifest.parameters(), manifest.tokenizer())) {
            if (relative.equals(Path.of(own))) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`%s` is the model's own `%s`; write the ONNX graph to another file.", file, own));
            }
        }
        ErnieManifest.Onnx written;
        try (ModelDirectory.Loaded loaded = ModelDirectory.load(directory, Device.cpu())) {
            written = write(loaded.model(), file, quantization);
        }
        boolean inside = !relative.toString().isEmpty() && !relative.startsWith("..");
        if (!inside) {
            return new Result(file, written, false);
        }
        ErnieManifest.Onnx recorded = new ErnieManifest.Onnx(relative.toString().replace('\\', '/'), written.opset(),
                written.inputs(), written.outputs());
        ModelDirectory.recordOnnx(directory, quantization, recorded);
        return new Result(file, recorded, true);
    }

    /**
     * What {@link #export} wrote.
     *
     * @param file     the ONNX file
     * @param graph    its opset, inputs and outputs ({@code file} relative to the directory when recorded)
     * @param recorded whether {@code ernie.json} names it (only a file inside the model directory is recorded)
     */
    public record Result(Path file, ErnieManifest.Onnx graph, boolean recorded) {}

    /**
     * Writes {@code model}'s graph, its encoder weights stored as {@code quantization}, to {@code file} (replaced
     * atomically; its folder is created). Call inside {@code DjlRuntime.call}: the weights are read from the model's
     * arrays while the file is written.
     *
     * @return the file name, opset, inputs and outputs, as {@code ernie.json} records them
     */
    public static ErnieManifest.Onnx write(ErnieModel model, Path file, Quantization quantization) throws IOException {
        OnnxExport export = new OnnxExport(model, quantization);
        ProtoWriter proto = export.modelProto();
        if (proto.size() > MAX_BYTES) {
            throw new IOException(String.format(Locale.ROOT,
                    "The ONNX graph of this model would take %,d bytes, over protobuf's 2 GB limit: larger models "
                            + "need their weights as ONNX external data, which this export does not write.",
                    proto.size()));
        }
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        // not Files.createTempFile: its owner-only permissions would stay with the file, which a server may read
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".part");
        try {
            try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
                proto.writeTo(stream);
            }
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return new ErnieManifest.Onnx(file.getFileName().toString(), OPSET, inputNames(model.config()),
                outputNames(model.task()));
    }

    private ProtoWriter modelProto() throws IOException {
        buildGraph();
        ProtoWriter proto = new ProtoWriter()
                .varint(OnnxProto.MODEL_IR_VERSION, IR_VERSION)
                .string(OnnxProto.MODEL_PRODUCER_NAME, "ernie-neo4j")
                .string(OnnxProto.MODEL_PRODUCER_VERSION, producerVersion())
                .string(OnnxProto.MODEL_DOC_STRING, "ERNIE (" + model.task().code() + ") exported from its DJL "
                        + "parameters; inputs as EncoderBatch.toNDList, entity scale applied inside; encoder weights: "
                        + quantization.code() + ".")
                .message(OnnxProto.MODEL_GRAPH, graph.graph("ernie", "ERNIE " + config.layerTypes().stream()
                        .map(LayerType::code).toList()))
                .message(OnnxProto.MODEL_OPSET_IMPORT, new ProtoWriter()
                        .string(OnnxProto.OPSET_DOMAIN, "").varint(OnnxProto.OPSET_VERSION, OPSET));
        metadata(proto, "ernie.task", model.task().code());
        metadata(proto, "ernie.labels", JSON.writeValueAsString(model.labels()));
        metadata(proto, "ernie.architecture", JSON.writeValueAsString(config));
        metadata(proto, "ernie.quantization", quantization.code());
        return proto;
    }

    private static void metadata(ProtoWriter proto, String key, String value) {
        proto.message(OnnxProto.MODEL_METADATA_PROPS, new ProtoWriter()
                .string(OnnxProto.ENTRY_KEY, key).string(OnnxProto.ENTRY_VALUE, value));
    }

    private static String producerVersion() {
        String version = OnnxExport.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    // ---- the model, as ErnieBlock and its layers compute it

    private void buildGraph() {
        String ids = graph.input(INPUT_IDS, OnnxProto.DATA_TYPE_INT64, BATCH, SEQUENCE);
        String types = graph.input(TOKEN_TYPE_IDS, OnnxProto.DATA_TYPE_INT64, BATCH, SEQUENCE);
        String mask = graph.input(ATTENTION_MASK, OnnxProto.DATA_TYPE_INT64, BATCH, SEQUENCE);
        Slots slots = null;
        if (config.hasKnowledgeEncoder()) {
            String vectors = graph.input(ENTITY_VECTORS, OnnxProto.DATA_TYPE_FLOAT, BATCH, ENTITIES,
                    (long) config.entityDim());
            String slotMask = graph.input(ENTITY_MASK, OnnxProto.DATA_TYPE_FLOAT, BATCH, ENTITIES);
            String placement = graph.input(ENTITY_PLACEMENT, OnnxProto.DATA_TYPE_FLOAT, BATCH, ENTITIES, SEQUENCE);
            if (config.entityScale() != 1f) {
                vectors = op("Mul", "/entities/scale", vectors, graph.scalar(config.entityScale().floatValue()));
            }
            slots = new Slots(vectors, additiveMask("/entities", slotMask),
                    op("Unsqueeze", "/entities/mask", slotMask, graph.int64s(2)), placement,
                    op("Transpose", "/entities/placement", List.of(placement), Attribute.ints("perm", 0, 2, 1)));
        }
        String states = embeddings(ids, types);
        String tokenMask = additiveMask("/embeddings", mask);
        String entities = slots == null ? null : slots.vectors();
        List<LayerType> layerTypes = config.layerTypes();
        for (int i = 0; i < layerTypes.size(); i++) {
            String[] out = layer("encoder.layer." + i, layerTypes.get(i), i < layerTypes.size() - 1, states,
                    tokenMask, entities, slots);
            states = out[0];
            entities = out[1];
        }
        String first = graph.node("Gather", "/pooler/Gather", List.of(states, graph.scalar(0L)),
                Attribute.of("axis", 1L));
        String pooled = op("Tanh", "/pooler/Tanh", linear("pooler.dense", first, true));
        long hidden = config.hiddenSize();
        switch (model.task()) {
            case ENCODER -> {
                graph.output(states, LAST_HIDDEN_STATE, OnnxProto.DATA_TYPE_FLOAT, BATCH, SEQUENCE, hidden);
                graph.output(pooled, POOLER_OUTPUT, OnnxProto.DATA_TYPE_FLOAT, BATCH, hidden);
            }
            case TYPING -> graph.output(linear("typing", pooled, false), LOGITS, OnnxProto.DATA_TYPE_FLOAT,
                    BATCH, (long) model.labels().size());
            case RELATION -> graph.output(linear("classifier", pooled, true), LOGITS, OnnxProto.DATA_TYPE_FLOAT,
                    BATCH, (long) model.labels().size());
        }
    }

    /**
     * The entity side's inputs as every fusion layer takes them.
     *
     * @param vectors       (B, E, H_e), scaled
     * @param additive      (B, 1, 1, E) of 0 / -10000
     * @param multiplier    (B, E, 1) of 1 / 0
     * @param placement     (B, E, T)
     * @param placementT    (B, T, E)
     */
    private record Slots(String vectors, String additive, String multiplier, String placement, String placementT) {}

    /** Word + position + token type embeddings, then LayerNorm: (B, T, H). */
    private String embeddings(String ids, String types) {
        String words = graph.node("Gather", "/embeddings/word_embeddings/Gather",
                List.of(table("embeddings.word_embeddings.weight"), ids));
        String length = graph.node("Shape", "/embeddings/Shape", List.of(ids),
                Attribute.of("start", 1L), Attribute.of("end", 2L));
        String positions = graph.node("Slice", "/embeddings/position_embeddings/Slice",
                List.of(table("embeddings.position_embeddings.weight"), graph.int64s(0), length, graph.int64s(0)));
        String tokenTypes = graph.node("Gather", "/embeddings/token_type_embeddings/Gather",
                List.of(table("embeddings.token_type_embeddings.weight"), types));
        String sum = op("Add", "/embeddings/Add", op("Add", "/embeddings/Add", words, positions), tokenTypes);
        return layerNorm("embeddings.LayerNorm", sum);
    }

    /** (B, N) of 1 / 0 to (B, 1, 1, N) of 0 / -10000, as {@code ErnieBlock.additive}. */
    private String additiveMask(String scope, String mask) {
        String floats = graph.node("Cast", scope + "/mask/Cast", List.of(mask),
                Attribute.of("to", (long) OnnxProto.DATA_TYPE_FLOAT));
        String shifted = op("Sub", scope + "/mask/Sub", floats, graph.scalar(1f));
        String scaled = op("Mul", scope + "/mask/Mul", shifted, graph.scalar(10_000f));
        return op("Unsqueeze", scope + "/mask/Unsqueeze", scaled, graph.int64s(1, 2));
    }

    /** One layer as {@code ErnieLayerBlock}: returns the tokens and the entity slot states (null without). */
    private String[] layer(String scope, LayerType type, boolean entityOutput, String tokens, String tokenMask,
                           String entities, Slots slots) {
        String attended = residual(scope + ".attention.output",
                selfAttention(scope + ".attention.self", tokens, tokenMask, config.hiddenSize(),
                        config.attentionHeads()), tokens);
        if (type == LayerType.SIM) {
            String inner = gelu(scope + ".intermediate", linear(scope + ".intermediate.dense", attended, true));
            return new String[] {residual(scope + ".output", inner, attended), entities};
        }
        String entityStates = entities;
        if (type == LayerType.NORM) {
            entityStates = residual(scope + ".attention.output_ent",
                    selfAttention(scope + ".attention.self_ent", entities, slots.additive(), config.entityDim(),
                            config.entityHeads()), entities);
        }
        String masked = op("Mul", path(scope) + "/entity_mask/Mul", entityStates, slots.multiplier());
        // gelu(dense(w) + placementᵀ · (ẽ · W_entᵀ) + b_ent): dense_ent's weight on the slots, its bias everywhere
        String perSlot = linear(scope + ".intermediate.dense_ent", masked, false);
        String placed = op("MatMul", path(scope) + "/intermediate/placement/MatMul", slots.placementT(), perSlot);
        String inner = op("Add", path(scope) + "/intermediate/Add",
                op("Add", path(scope) + "/intermediate/Add",
                        linear(scope + ".intermediate.dense", attended, true), placed),
                bias(scope + ".intermediate.dense_ent"));
        inner = gelu(scope + ".intermediate", inner);
        String tokensOut = layerNorm(scope + ".output.LayerNorm", op("Add", path(scope) + "/output/Add",
                linear(scope + ".output.dense", inner, true), attended));
        if (!entityOutput) {
            return new String[] {tokensOut, null};
        }
        String atSlots = op("MatMul", path(scope) + "/output/placement/MatMul", slots.placement(), inner);
        String entitiesOut = layerNorm(scope + ".output.LayerNorm_ent", op("Add", path(scope) + "/output/Add_ent",
                linear(scope + ".output.dense_ent", atSlots, true), masked));
        return new String[] {tokensOut, entitiesOut};
    }

    /** Multi-head scaled dot-product self-attention, as {@code SelfAttentionBlock}: (B, N, size). */
    private String selfAttention(String scope, String states, String additiveMask, int size, int heads) {
        long headSize = size / heads;
        String p = path(scope);
        String shape = graph.int64s(0, 0, heads, headSize);
        String q = op("Transpose", p + "/query/Transpose", List.of(
                op("Reshape", p + "/query/Reshape", linear(scope + ".query", states, true), shape)),
                Attribute.ints("perm", 0, 2, 1, 3));
        String k = op("Transpose", p + "/key/Transpose", List.of(
                op("Reshape", p + "/key/Reshape", linear(scope + ".key", states, true), shape)),
                Attribute.ints("perm", 0, 2, 3, 1));
        String v = op("Transpose", p + "/value/Transpose", List.of(
                op("Reshape", p + "/value/Reshape", linear(scope + ".value", states, true), shape)),
                Attribute.ints("perm", 0, 2, 1, 3));
        String scores = op("Add", p + "/Add", op("Mul", p + "/Mul", op("MatMul", p + "/MatMul", q, k),
                graph.scalar((float) (1.0 / Math.sqrt(headSize)))), additiveMask);
        String probabilities = op("Softmax", p + "/Softmax", List.of(scores), Attribute.of("axis", -1L));
        String context = op("Transpose", p + "/context/Transpose",
                List.of(op("MatMul", p + "/context/MatMul", probabilities, v)), Attribute.ints("perm", 0, 2, 1, 3));
        return op("Reshape", p + "/context/Reshape", context, graph.int64s(0, 0, size));
    }

    /** {@code LayerNorm(dense(x) + residual)}, as {@code ResidualOutputBlock}. */
    private String residual(String scope, String x, String residual) {
        return layerNorm(scope + ".LayerNorm", op("Add", path(scope) + "/Add", linear(scope + ".dense", x, true),
                residual));
    }

    /**
     * The exact (erf) GELU, {@code (x · (1 + erf(x / √2))) · 0.5}, as PyTorch's default, in the node order PyTorch's
     * exporter writes ({@code Div → Erf → Add → Mul → Mul}), which ONNX Runtime fuses into one Gelu kernel.
     */
    private String gelu(String scope, String x) {
        String p = path(scope) + "/gelu";
        String erf = op("Erf", p + "/Erf", op("Div", p + "/Div", x, graph.scalar((float) Math.sqrt(2.0))));
        String product = op("Mul", p + "/Mul", x, op("Add", p + "/Add", erf, graph.scalar(1f)));
        return op("Mul", p + "/Mul", product, graph.scalar(0.5f));
    }

    private String layerNorm(String scope, String x) {
        return graph.node("LayerNormalization", path(scope) + "/LayerNormalization",
                List.of(x, table(scope + ".weight"), table(scope + ".bias")),
                Attribute.of("axis", -1L), Attribute.of("epsilon", config.layerNormEps()));
    }

    /**
     * {@code x · Wᵀ (+ b)} for the Linear {@code scope}: the weight transposed to [in, out] and named by its MatMul
     * node ({@code /encoder/layer.0/attention/self/query/MatMul}), as PyTorch's exporter names it.
     */
    private String linear(String scope, String x, boolean withBias) {
        Parameter weight = parameter(scope + ".weight");
        long[] shape = weight.getArray().getShape().getShape();
        int out = (int) shape[0];
        int in = (int) shape[1];
        if (quantization == Quantization.INT8 && scope.startsWith("encoder.layer.") && !scope.contains("_ent")) {
            String product = quantizedMatMul(scope, x, weight.getArray().toFloatArray(), in, out);
            return withBias ? op("Add", path(scope) + "/Add", product, bias(scope)) : product;
        }
        String transposed = graph.weight(scope + ".weight_transposed", new long[] {in, out}, () -> {
            float[] values = weight.getArray().toFloatArray();
            float[] t = new float[values.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + o] = values[o * in + i];
                }
            }
            return t;
        });
        String product = op("MatMul", path(scope) + "/MatMul", x, transposed);
        return withBias ? op("Add", path(scope) + "/Add", product, bias(scope)) : product;
    }

    /**
     * {@code x · Wᵀ} with {@code W} (out × in, row-major) quantized per output column to [-{@value #INT8_LIMIT},
     * {@value #INT8_LIMIT}] and {@code x} per batch to uint8, as ONNX Runtime's {@code quantize_dynamic} writes it.
     */
    private String quantizedMatMul(String scope, String x, float[] w, int in, int out) {
        float[] scales = new float[out];
        byte[] quantized = new byte[in * out];
        for (int o = 0; o < out; o++) {
            float max = 0f;
            for (int i = 0; i < in; i++) {
                max = Math.max(max, Math.abs(w[o * in + i]));
            }
            scales[o] = max == 0f ? 1f : max / INT8_LIMIT;
            for (int i = 0; i < in; i++) {
                int q = Math.round(w[o * in + i] / scales[o]);
                quantized[i * out + o] = (byte) Math.max(-INT8_LIMIT, Math.min(INT8_LIMIT, q));
            }
        }
        String p = path(scope);
        String weight = graph.int8Weight(scope + ".weight_quantized", new long[] {in, out}, quantized);
        String weightScale = graph.weight(scope + ".weight_scale", new long[] {out}, () -> scales);
        String weightZero = graph.int8Weight(scope + ".weight_zero_point", new long[0], new byte[1]);
        List<String> input = graph.node("DynamicQuantizeLinear", p + "/DynamicQuantizeLinear", List.of(x), 3);
        String integers = graph.node("MatMulInteger", p + "/MatMulInteger",
                List.of(input.get(0), weight, input.get(2), weightZero));
        String floats = graph.node("Cast", p + "/Cast", List.of(integers),
                Attribute.of("to", (long) OnnxProto.DATA_TYPE_FLOAT));
        String scale = op("Mul", p + "/scale/Mul", input.get(1), weightScale);
        return op("Mul", p + "/dequantize/Mul", floats, scale);
    }

    private String bias(String scope) {
        return table(scope + ".bias");
    }

    /** A parameter as an initializer of its own name and shape (added once). */
    private String table(String name) {
        if (!added.add(name)) {
            return name;
        }
        Parameter parameter = parameter(name);
        return graph.weight(name, parameter.getArray().getShape().getShape(),
                () -> parameter.getArray().toFloatArray());
    }

    private Parameter parameter(String name) {
        Parameter parameter = parameters.get(name);
        if (parameter == null) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "The model has no parameter `%s` for its ONNX graph.", name));
        }
        return parameter;
    }

    private String op(String type, String name, String... inputs) {
        return graph.node(type, name, List.of(inputs));
    }

    private String op(String type, String name, List<String> inputs, Attribute... attributes) {
        return graph.node(type, name, new ArrayList<>(inputs), attributes);
    }

    /** A module path as PyTorch's exporter writes node names: {@code encoder.layer.3.output} → {@code /encoder/layer.3/output}. */
    private static String path(String scope) {
        return "/" + scope.replace('.', '/').replaceAll("/layer/(\\d+)", "/layer.$1");
    }
}
