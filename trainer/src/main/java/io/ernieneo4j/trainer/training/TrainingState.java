package io.ernieneo4j.trainer.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a run stands, saved with each checkpoint ({@code state.json}) so {@code --resume} continues it: the next
 * epoch and batch, the global step, the best dev score so far and the history.
 *
 * @param seed               the run's seed (a resumed run must use the same)
 * @param nextEpoch          0-based epoch to continue in
 * @param nextBatch          0-based batch of that epoch to continue with
 * @param step               optimiser steps taken
 * @param lossSum            summed loss of the steps taken so far in {@code nextEpoch}
 * @param bestMetric         best dev headline metric so far (NaN before the first evaluation)
 * @param bestEpoch          1-based epoch of {@code bestMetric} (0 before)
 * @param epochsWithoutGain  epochs since the dev metric last improved
 * @param history            one record per finished epoch
 */
public record TrainingState(long seed, int nextEpoch, int nextBatch, int step, double lossSum, double bestMetric,
                            int bestEpoch, int epochsWithoutGain, List<EpochRecord> history) {

    public static final String FILE = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainingState {
        history = List.copyOf(history);
    }

    public static TrainingState start(long seed) {
        return new TrainingState(seed, 0, 0, 0, 0, Double.NaN, 0, 0, List.of());
    }

    public TrainingState afterStep(float loss) {
        return new TrainingState(seed, nextEpoch, nextBatch + 1, step + 1, lossSum + loss, bestMetric, bestEpoch,
                epochsWithoutGain, history);
    }

    /** The state after an epoch ends with {@code record}; the dev metric counts as a gain when it beats the best. */
    public TrainingState afterEpoch(EpochRecord record) {
        List<EpochRecord> grown = new ArrayList<>(history);
        grown.add(record);
        boolean gain = isGain(record.devMetric());
        return new TrainingState(seed, nextEpoch + 1, 0, step, 0, gain ? record.devMetric() : bestMetric,
                gain ? record.epoch() : bestEpoch, gain ? 0 : epochsWithoutGain + 1, grown);
    }

    /** Whether {@code devMetric} beats the best so far (the first evaluation always does). */
    public boolean isGain(double devMetric) {
        return Double.isNaN(bestMetric) || devMetric > bestMetric;
    }

    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        JSON.writeValue(directory.resolve(FILE).toFile(), this);
    }

    public static TrainingState read(Path directory, long seed) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(String.format(Locale.ROOT,
                    "Nothing to resume: `%s` is missing (no checkpoint was written in `%s`).", FILE, directory));
        }
        TrainingState state = JSON.readValue(file.toFile(), TrainingState.class);
        if (state.seed != seed) {
            throw new IOException(String.format(Locale.ROOT,
                    "The checkpoint in `%s` was written with seed %d; resume it with --seed %d.",
                    directory, state.seed, state.seed));
        }
        return state;
    }
}
