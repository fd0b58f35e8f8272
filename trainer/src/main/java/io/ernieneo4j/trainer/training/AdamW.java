package io.ernieneo4j.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * AdamW (decoupled weight decay) with BERT's parameter groups and global-norm gradient clipping, over the named
 * parameters of a model. Unlike DJL's {@code AdamW} its moments are reachable, so a checkpoint can hold them and a
 * resumed run continues exactly; the update itself is DJL's fused {@code adamUpdate}.
 *
 * <p>Groups: weight decay on every weight matrix, none on biases and LayerNorm parameters (the reference's
 * {@code no_decay = ['bias', 'LayerNorm.bias', 'LayerNorm.weight']}); {@code frozen} names are never updated (e.g. the
 * last layer's unused entity output, which the reference leaves out of its optimiser).
 */
public final class AdamW {

    /** BERT's no-decay group: biases and LayerNorm scale/shift. */
    public static final Predicate<String> NO_DECAY = name -> name.endsWith(".bias") || name.contains("LayerNorm");

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-6f;

    private final Map<String, Parameter> parameters;
    private final float weightDecay;
    private final float clipNorm;
    private final Predicate<String> fast;
    private final float fastFactor;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private int updates;
    private List<String> nonFinite = List.of();

    /**
     * @param parameters  the model's parameters by name; moments are created on their manager
     * @param frozen      names never updated
     * @param weightDecay decoupled decay of the decay group (0.01 in BERT)
     * @param clipNorm    the global gradient norm is scaled down to this (1.0 in BERT); 0 turns clipping off
     */
    public AdamW(Map<String, Parameter> parameters, Predicate<String> frozen, float weightDecay, float clipNorm) {
        this(parameters, frozen, weightDecay, clipNorm, name -> false, 1f);
    }

    /**
     * As above, with a second parameter group whose learning rate is {@code fastFactor} times the scheduled one
     * (e.g. freshly initialised heads next to a pretrained encoder).
     *
     * @param fast       names in the faster group
     * @param fastFactor their learning rate over the scheduled one
     */
    public AdamW(Map<String, Parameter> parameters, Predicate<String> frozen, float weightDecay, float clipNorm,
                 Predicate<String> fast, float fastFactor) {
        if (!(fastFactor > 0)) {
            throw new IllegalArgumentException("The fast group's learning-rate factor must be positive, got "
                    + fastFactor + ".");
        }
        this.fast = fast;
        this.fastFactor = fastFactor;
        this.parameters = new LinkedHashMap<>();
        parameters.forEach((name, parameter) -> {
            if (!frozen.test(name)) {
                this.parameters.put(name, parameter);
            }
        });
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        for (Map.Entry<String, Parameter> entry : this.parameters.entrySet()) {
            NDArray weight = entry.getValue().getArray();
            means.put(entry.getKey(), weight.zerosLike());
            variances.put(entry.getKey(), weight.zerosLike());
        }
    }

    /** The parameters whose gradient was not finite in the last {@link #step} (empty when the step was taken). */
    public List<String> nonFiniteGradients() {
        return nonFinite;
    }

    /** Steps taken so far. */
    public int updates() {
        return updates;
    }

    /**
     * One update from the gradients the last backward pass left, then clears them. Parameters the pass did not
     * reach (no gradient) are skipped. A step whose gradient norm is not finite changes nothing (the gradients are
     * cleared, the step count stays): the caller sees the norm and reports it.
     *
     * @return the gradient norm before clipping
     */
    public float step(float learningRate) {
        boolean gradMode = JniUtils.isGradMode();
        // in-place updates of leaves that require gradients must not be recorded
        JniUtils.setGradMode(false);
        try (NDManager scope = anyWeight().getManager().newSubManager()) {
            Map<String, NDArray> gradients = gradients(scope);
            float norm = globalNorm(gradients.values());
            if (!Float.isFinite(norm)) {
                nonFinite = gradients.entrySet().stream()
                        .filter(entry -> !Float.isFinite(entry.getValue().square().sum().getFloat()))
                        .map(Map.Entry::getKey).toList();
                clearGradients();
                return norm;
            }
            nonFinite = List.of();
            updates++;
            float rescale = clipNorm > 0f && norm > clipNorm ? clipNorm / (norm + 1e-6f) : 1f;
            double correction = Math.sqrt(1 - Math.pow(BETA2, updates)) / (1 - Math.pow(BETA1, updates));
            for (Map.Entry<String, NDArray> entry : gradients.entrySet()) {
                String name = entry.getKey();
                float rate = fast.test(name) ? learningRate * fastFactor : learningRate;
                float biasCorrection = (float) (rate * correction);
                NDArray weight = parameters.get(name).getArray();
                NDArray gradient = entry.getValue();
                float decay = NO_DECAY.test(name) ? 0f : weightDecay;
                // the fused PyTorch kernel: rescale, moments, decoupled decay, bias-corrected step, all in place
                weight.getNDArrayInternal().adamUpdate(
                        new NDList(weight, gradient, means.get(name), variances.get(name)), new NDList(weight),
                        rate, biasCorrection, decay, rescale, -1f, BETA1, BETA2, EPSILON, true, true);
            }
            clearGradients();
            return norm;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Zeroes every gradient in place ({@code grad.zero_()}), NaN included. Not {@code set(float[])}: DJL's set makes
     * a CPU tensor's storage alias a Java direct buffer that only the calling wrapper keeps alive, so the parameter's
     * gradient would point at freed memory once the wrapper is gone, and the next backward pass would write into it
     * (the heap corruption behind the native SIGSEGVs in libc that long runs died of after a skipped step).
     */
    private void clearGradients() {
        parameters.values().forEach(parameter -> JniUtils.zeroGrad((PtNDArray) parameter.getArray()));
    }

    private NDArray anyWeight() {
        return parameters.values().iterator().next().getArray();
    }

    /** The gradients the backward pass filled, as handles on {@code scope} (the tensors stay the parameters'). */
    private Map<String, NDArray> gradients(NDManager scope) {
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        parameters.forEach((name, parameter) -> {
            // DJL's getGradient throws for a parameter the graph never used; the JNI call answers null instead
            PtNDArray gradient = JniUtils.getGradient((PtNDArray) parameter.getArray());
            if (gradient != null) {
                gradient.attach(scope);
                gradients.put(name, gradient);
            }
        });
        return gradients;
    }

    private static float globalNorm(Iterable<NDArray> gradients) {
        List<NDArray> squares = new ArrayList<>();
        for (NDArray gradient : gradients) {
            squares.add(gradient.square().sum());
        }
        return squares.isEmpty() ? 0f : (float) Math.sqrt(NDArrays.stack(new NDList(squares)).sum().getFloat());
    }

    /** Writes the step count and both moments of every parameter. */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(updates);
        out.writeInt(means.size());
        for (String name : means.keySet()) {
            out.writeUTF(name);
            new NDList(means.get(name), variances.get(name)).encode(out);
        }
    }

    /** Reads what {@link #save} wrote for the same parameters. */
    public void load(DataInputStream in) throws IOException {
        int savedUpdates = in.readInt();
        int count = in.readInt();
        if (count != means.size()) {
            throw new IOException(String.format(Locale.ROOT,
                    "The optimiser state holds %d parameters, the model trains %d.", count, means.size()));
        }
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            NDArray mean = means.get(name);
            if (mean == null) {
                throw new IOException(String.format(Locale.ROOT,
                        "The optimiser state holds `%s`, which the model does not train.", name));
            }
            try (NDManager scope = mean.getManager().newSubManager()) {
                NDList moments = NDList.decode(scope, in);
                mean.set(moments.get(0).toByteBuffer());
                variances.get(name).set(moments.get(1).toByteBuffer());
            }
        }
        updates = savedUpdates;
    }
}
