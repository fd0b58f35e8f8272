package io.ernieneo4j.trainer.ernie.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Fills a model's parameters from a checkpoint, and the parameters a checkpoint cannot have (ERNIE's entity side,
 * heads) with the reference's initialisation, seeded per parameter name: weights N(0, 0.02), biases 0, LayerNorm
 * scale 1 and shift 0.
 *
 * <p>Everything is checked before anything is written: a parameter neither in the checkpoint nor allowed to start
 * fresh, a checkpoint tensor the model has no place for, and a shape that differs all fail with one message listing
 * every problem.
 */
public final class PretrainedWeights {

    /** The reference's initialiser range (BERT's {@code initializer_range}). */
    public static final double INIT_STD = 0.02;
    private static final int LISTED = 12;

    private PretrainedWeights() {}

    /**
     * What a load did.
     *
     * @param loaded names filled from the checkpoint
     * @param fresh  names initialised here
     */
    public record Report(List<String> loaded, List<String> fresh) {}

    /**
     * Loads {@code checkpoint} into {@code parameters} (checkpoint names, see {@code ParameterNames}; the block must
     * be initialised).
     *
     * @param startsFresh which parameter names may be absent from the checkpoint and are initialised from {@code seed}
     */
    public static Report load(Map<String, Parameter> parameters, CheckpointTensors checkpoint,
                              Predicate<String> startsFresh, long seed) throws IOException {
        Set<String> unused = new LinkedHashSet<>(checkpoint.names());
        List<String> loaded = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            String name = entry.getKey();
            Shape expected = entry.getValue().getArray().getShape();
            if (unused.remove(name)) {
                long[] actual = checkpoint.shape(name);
                if (!Arrays.equals(actual, expected.getShape())) {
                    misShaped.add(String.format(Locale.ROOT, "`%s` (model %s, checkpoint %s)",
                            name, expected, new Shape(actual)));
                }
                loaded.add(name);
            } else if (startsFresh.test(name)) {
                fresh.add(name);
            } else {
                missing.add(name);
            }
        }
        if (!missing.isEmpty() || !unused.isEmpty() || !misShaped.isEmpty()) {
            StringBuilder message = new StringBuilder(String.format(Locale.ROOT,
                    "Checkpoint `%s` does not fit the model:", checkpoint.source()));
            problem(message, "missing", missing);
            problem(message, "not in the model", new ArrayList<>(unused));
            problem(message, "wrong shape", misShaped);
            throw new IllegalArgumentException(message.toString());
        }
        for (String name : loaded) {
            parameters.get(name).getArray().set(checkpoint.read(name));
        }
        for (String name : fresh) {
            initialise(name, parameters.get(name), seed);
        }
        return new Report(List.copyOf(loaded), List.copyOf(fresh));
    }

    /** Initialises every parameter as the reference does for weights that are not in a checkpoint. */
    public static void initialiseAll(Map<String, Parameter> parameters, long seed) {
        parameters.forEach((name, parameter) -> initialise(name, parameter, seed));
    }

    private static void initialise(String name, Parameter parameter, long seed) {
        NDArray array = parameter.getArray();
        int size = Math.toIntExact(array.size());
        float[] values = new float[size];
        switch (parameter.getType()) {
            case GAMMA -> Arrays.fill(values, 1f);
            case BETA, BIAS -> Arrays.fill(values, 0f);
            default -> {
                // One stream per name: the same seed gives the same weights whatever else the model holds.
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
                for (int i = 0; i < size; i++) {
                    values[i] = (float) (random.nextGaussian() * INIT_STD);
                }
            }
        }
        array.set(values);
    }

    private static void problem(StringBuilder message, String label, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        message.append(' ').append(names.size()).append(' ').append(label).append(' ')
                .append(names.subList(0, Math.min(LISTED, names.size())));
        if (names.size() > LISTED) {
            message.append(" and ").append(names.size() - LISTED).append(" more");
        }
        message.append(';');
    }
}
