package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.ernieneo4j.trainer.ernie.io.CheckpointTensors;
import io.ernieneo4j.trainer.ernie.io.PretrainedWeights;
import io.ernieneo4j.trainer.ernie.nn.ErnieBlock;
import io.ernieneo4j.trainer.ernie.nn.ParameterNames;

import java.io.IOException;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An ERNIE encoder with its parameters on one device: the block, the manager that owns the parameters, and the
 * entry points to fill them (from a pretrained BERT, or from the reference's random initialisation) and to run it.
 */
public final class ErnieModel implements AutoCloseable {

    /**
     * What a BERT checkpoint cannot hold: ERNIE's entity side (the reference's {@code _ent} modules). Everything else
     * must come from the checkpoint.
     */
    public static final Predicate<String> ENTITY_SIDE = name -> name.contains("_ent.");

    private final ErnieConfig config;
    private final ErnieBlock block;
    private final NDManager manager;
    private final Map<String, Parameter> parameters;

    private ErnieModel(ErnieConfig config, Device device) {
        this.config = config;
        this.block = new ErnieBlock(config);
        this.manager = NDManager.newBaseManager(device);
        Shape ids = new Shape(1, 2);
        Shape[] inputs = config.hasKnowledgeEncoder()
                ? new Shape[] {ids, ids, ids, ids.add(config.entityDim()), ids}
                : new Shape[] {ids, ids, ids};
        block.initialize(manager, DataType.FLOAT32, inputs);
        this.parameters = ParameterNames.of(block);
    }

    /** A model with every parameter from the reference's initialisation, seeded. */
    public static ErnieModel random(ErnieConfig config, Device device, long seed) {
        ErnieModel model = new ErnieModel(config, device);
        PretrainedWeights.initialiseAll(model.parameters, seed);
        return model;
    }

    /**
     * A model whose text side comes from a pretrained BERT and whose other parameters ({@code startsFresh}, e.g.
     * {@link #ENTITY_SIDE}) start from the reference's initialisation, seeded.
     */
    public static ErnieModel fromCheckpoint(ErnieConfig config, Device device, CheckpointTensors checkpoint,
                                            Predicate<String> startsFresh, long seed) throws IOException {
        ErnieModel model = new ErnieModel(config, device);
        try {
            PretrainedWeights.load(model.parameters, checkpoint, startsFresh, seed);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    public ErnieConfig config() {
        return config;
    }

    public ErnieBlock block() {
        return block;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The manager owning the parameters; create inputs on a sub-manager of it. */
    public NDManager manager() {
        return manager;
    }

    /** Every parameter under its checkpoint name. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /**
     * Runs the encoder for inference (no dropout). The outputs are attached to the inputs' manager.
     *
     * @see ErnieBlock for the inputs and outputs
     */
    public NDList predict(NDList inputs) {
        ParameterStore store = new ParameterStore(manager, false);
        return block.forward(store, inputs, false);
    }

    @Override
    public void close() {
        manager.close();
    }
}
