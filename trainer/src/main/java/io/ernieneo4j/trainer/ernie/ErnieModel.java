package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;
import io.ernieneo4j.trainer.ernie.io.CheckpointTensors;
import io.ernieneo4j.trainer.ernie.io.PretrainedWeights;
import io.ernieneo4j.trainer.ernie.nn.ErnieBlock;
import io.ernieneo4j.trainer.ernie.nn.ParameterNames;
import io.ernieneo4j.trainer.ernie.nn.PooledClassifierHead;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An ERNIE encoder and its task head (none, typing or relation) with their parameters on one device: the blocks, the
 * manager that owns the parameters, and the entry points to fill them (from a pretrained BERT, from the reference's
 * random initialisation, from a saved model) and to run them.
 */
public final class ErnieModel implements AutoCloseable {

    /**
     * What a BERT checkpoint cannot hold: ERNIE's entity side (the reference's {@code _ent} modules). With the task
     * head's names these start fresh; everything else must come from the checkpoint.
     */
    public static final Predicate<String> ENTITY_SIDE = name -> name.contains("_ent.");

    private final ErnieConfig config;
    private final ErnieTask task;
    private final List<String> labels;
    private final ErnieBlock encoder;
    private final PooledClassifierHead head;
    private final NDManager manager;
    private final Map<String, Parameter> parameters;
    /** Names the starting checkpoint did not provide (initialised here): see {@link #untrainedParameters()}. */
    private Set<String> untrained = Set.of();

    private ErnieModel(ErnieConfig config, ErnieTask task, List<String> labels, Device device) {
        if ((task == ErnieTask.ENCODER) != labels.isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Task `%s` %s, got %d labels.", task.code(),
                    task == ErnieTask.ENCODER ? "takes no labels" : "needs at least one label", labels.size()));
        }
        this.config = config;
        this.task = task;
        this.labels = List.copyOf(labels);
        this.encoder = new ErnieBlock(config);
        this.head = task.newHead(labels.size(), config.dropout());
        this.manager = NDManager.newBaseManager(device);
        Shape ids = new Shape(1, 2);
        Shape[] inputs = config.hasKnowledgeEncoder()
                ? new Shape[] {ids, ids, ids, new Shape(1, 1, config.entityDim()), new Shape(1, 1), new Shape(1, 1, 2)}
                : new Shape[] {ids, ids, ids};
        encoder.initialize(manager, DataType.FLOAT32, inputs);
        Map<String, Parameter> names = new LinkedHashMap<>(ParameterNames.of(encoder));
        if (head != null) {
            head.initialize(manager, DataType.FLOAT32, new Shape(1, config.hiddenSize()));
            names.putAll(ParameterNames.of(head));
        }
        this.parameters = Collections.unmodifiableMap(names);
    }

    /**
     * The parameters a model of {@code config} for {@code task} with {@code labels} labels has, from the
     * architecture alone (for memory estimates before a model is built): the embeddings; per layer the token
     * attention, the entity attention of a {@code norm} layer, the feed-forward, fused with the entity side in a
     * {@code mix} or {@code norm} layer; the pooler; the task's head.
     */
    public static long parameterCount(ErnieConfig config, ErnieTask task, int labels) {
        long h = config.hiddenSize();
        long i = config.intermediateSize();
        long e = config.entityDim();
        long count = (config.vocabSize() + config.maxPositions() + config.typeVocabSize()) * h + 2 * h;
        for (LayerType type : config.layerTypes()) {
            count += 4 * linear(h, h) + 2 * h + linear(h, i) + linear(i, h) + 2 * h;
            if (type == LayerType.NORM) {
                count += 4 * linear(e, e) + 2 * e;
            }
            if (type.fuses()) {
                count += linear(e, i) + linear(i, e) + 2 * e;
            }
        }
        count += linear(h, h);
        return count + switch (task) {
            case ENCODER -> 0;
            case TYPING -> h * labels;
            case RELATION -> linear(h, labels);
        };
    }

    private static long linear(long in, long out) {
        return in * out + out;
    }

    /** An encoder with every parameter from the reference's initialisation, seeded. */
    public static ErnieModel random(ErnieConfig config, Device device, long seed) {
        return random(config, ErnieTask.ENCODER, List.of(), device, seed);
    }

    /** A model for {@code task} with every parameter from the reference's initialisation, seeded. */
    public static ErnieModel random(ErnieConfig config, ErnieTask task, List<String> labels, Device device,
                                    long seed) {
        ErnieModel model = new ErnieModel(config, task, labels, device);
        PretrainedWeights.initialiseAll(model.parameters, seed);
        return model;
    }

    /**
     * An encoder whose text side comes from a pretrained BERT and whose other parameters ({@code startsFresh}, e.g.
     * {@link #ENTITY_SIDE}) start from the reference's initialisation, seeded.
     */
    public static ErnieModel fromCheckpoint(ErnieConfig config, Device device, CheckpointTensors checkpoint,
                                            Predicate<String> startsFresh, long seed) throws IOException {
        ErnieModel model = new ErnieModel(config, ErnieTask.ENCODER, List.of(), device);
        try {
            model.untrained = Set.copyOf(PretrainedWeights.load(model.parameters, checkpoint, startsFresh, seed).fresh());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * A model for {@code task} whose encoder comes from a checkpoint (a pretrained BERT, or a saved ERNIE's
     * parameters) as {@link #fromCheckpoint(ErnieConfig, Device, CheckpointTensors, Predicate, long)} loads it; the
     * task head always starts from the reference's initialisation, seeded.
     */
    public static ErnieModel fromCheckpoint(ErnieConfig config, ErnieTask task, List<String> labels, Device device,
                                            CheckpointTensors checkpoint, Predicate<String> startsFresh, long seed)
            throws IOException {
        ErnieModel model = new ErnieModel(config, task, labels, device);
        try {
            Map<String, Parameter> encoderNames = ParameterNames.of(model.encoder);
            model.untrained = Set.copyOf(PretrainedWeights.load(model.parameters, checkpoint,
                    startsFresh.or(name -> !encoderNames.containsKey(name)), seed).fresh());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** A model of this shape with the parameters {@link #saveParameters} wrote. */
    static ErnieModel readParameters(ErnieConfig config, ErnieTask task, List<String> labels, Device device,
                                     DataInputStream in) throws IOException, MalformedModelException {
        ErnieModel model = new ErnieModel(config, task, labels, device);
        try {
            Map<String, Shape> expected = new LinkedHashMap<>();
            model.parameters.forEach((name, parameter) -> expected.put(name, parameter.getArray().getShape()));
            model.encoder.loadParameters(model.manager, in);
            if (model.head != null) {
                model.head.loadParameters(model.manager, in);
            }
            // DJL takes a stored array whatever its shape
            for (Map.Entry<String, Shape> entry : expected.entrySet()) {
                Shape loaded = model.parameters.get(entry.getKey()).getArray().getShape();
                if (!loaded.equals(entry.getValue())) {
                    throw new MalformedModelException(String.format(Locale.ROOT,
                            "parameter `%s` is stored as %s, the architecture needs %s.",
                            entry.getKey(), loaded, entry.getValue()));
                }
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** Writes every parameter in DJL's block format: the encoder, then the head. */
    void saveParameters(DataOutputStream out) throws IOException {
        encoder.saveParameters(out);
        if (head != null) {
            head.saveParameters(out);
        }
    }

    public ErnieConfig config() {
        return config;
    }

    public ErnieTask task() {
        return task;
    }

    public List<String> labels() {
        return labels;
    }

    public ErnieBlock encoder() {
        return encoder;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The manager owning the parameters; create inputs on a sub-manager of it. */
    public NDManager manager() {
        return manager;
    }

    /**
     * The parameters a checkpoint did not provide when this model was built from one (the task head, a pooler the
     * checkpoint lacks, the K-Encoder's entity side when starting from a plain BERT): fine-tuning may give them a
     * larger learning rate. Empty for a random model and for one loaded from a model directory.
     */
    public Set<String> untrainedParameters() {
        return untrained;
    }

    /** Every parameter under its checkpoint name (the encoder's, then the head's). */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /**
     * Runs the encoder for inference (no dropout). The outputs are attached to the inputs' manager.
     *
     * @see ErnieBlock for the inputs and outputs
     */
    public NDList predict(NDList inputs) {
        return withoutGradients(() -> encoder.forward(new ParameterStore(manager, false), inputs, false));
    }

    /** Runs the encoder and the task head for inference: logits (B, labels). */
    public NDArray classify(NDList inputs) {
        return withoutGradients(() -> logits(inputs, false));
    }

    /**
     * Runs the encoder and the task head: logits (B, labels). With {@code training}, dropout is on and, inside a
     * gradient collector, the graph is recorded for the backward pass.
     */
    public NDArray logits(NDList inputs, boolean training) {
        if (head == null) {
            throw new IllegalStateException("An `encoder` model has no classification head.");
        }
        ParameterStore store = new ParameterStore(manager, false);
        NDArray pooled = encoder.forward(store, inputs, training).get(1);
        return head.forward(store, new NDList(pooled), training).head();
    }

    /**
     * Runs {@code work} with PyTorch's autograd off on this thread: the parameters require gradients (for
     * training), so otherwise every inference op would record a graph nobody walks back.
     */
    private static <T> T withoutGradients(Supplier<T> work) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
