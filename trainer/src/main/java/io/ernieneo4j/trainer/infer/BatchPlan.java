package io.ernieneo4j.trainer.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Which examples go into which batch. Batches hold texts of similar length, so padding (to the longest text of each
 * batch) stays small: for training, each epoch shuffles the examples (seeded by seed and epoch), sorts pools of
 * {@value #POOL_BATCHES} batches by length, cuts them into batches and shuffles the batch order; for evaluation, the
 * examples are sorted by length once.
 */
public final class BatchPlan {

    /** Batches per length-sorted pool: large enough to pad little, small enough to keep batches varied. */
    static final int POOL_BATCHES = 50;

    private BatchPlan() {}

    /** The batches of training epoch {@code epoch}, as indices into {@code lengths}. */
    public static List<int[]> training(int[] lengths, int batchSize, long seed, int epoch) {
        Random random = new Random(seed * 1_000_003L + epoch);
        List<Integer> order = new ArrayList<>(IntStream.range(0, lengths.length).boxed().toList());
        Collections.shuffle(order, random);
        List<int[]> batches = new ArrayList<>();
        int pool = batchSize * POOL_BATCHES;
        for (int from = 0; from < order.size(); from += pool) {
            List<Integer> sorted = new ArrayList<>(order.subList(from, Math.min(order.size(), from + pool)));
            sorted.sort(Comparator.comparingInt(i -> lengths[i]));
            batches.addAll(cut(sorted.stream().mapToInt(Integer::intValue).toArray(), batchSize));
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Every example once, sorted by length, in batches (the order of predictions is restored by the caller). */
    public static List<int[]> evaluation(int[] lengths, int batchSize) {
        int[] sorted = IntStream.range(0, lengths.length).boxed()
                .sorted(Comparator.comparingInt(i -> lengths[i])).mapToInt(Integer::intValue).toArray();
        return cut(sorted, batchSize);
    }

    /** Batches per training epoch. */
    public static int batchesPerEpoch(int examples, int batchSize) {
        return (examples + batchSize - 1) / batchSize;
    }

    private static List<int[]> cut(int[] indices, int batchSize) {
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < indices.length; from += batchSize) {
            batches.add(Arrays.copyOfRange(indices, from, Math.min(indices.length, from + batchSize)));
        }
        return batches;
    }
}
