package io.ernieneo4j.trainer.pretrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * ERNIE's denoising entity auto-encoder input: for each aligned piece of a batch, 5% of alignments are replaced by a
 * random entity drawn from the batch's unique entities, 15% dropped (no entity) and 80% kept; every aligned piece
 * predicts its original entity among the batch's unique entities (plus the zero "no entity" row, candidate 0, which
 * is never a target).
 */
public final class EntityCorruption {

    public static final double REPLACE_SHARE = 0.05;
    public static final double DROP_SHARE = 0.15;

    private EntityCorruption() {}

    /**
     * @param rows       per sequence, the entity table row of each piece after corruption (-1 = none): the input
     * @param candidates the batch's unique entities (table rows, ascending); candidate j has logit column j + 1
     * @param sequences  for each prediction, its sequence in the batch
     * @param pieces     for each prediction, its piece in that sequence
     * @param targets    for each prediction, the logit column of the original entity (1 + its candidate index)
     */
    public record Corrupted(List<int[]> rows, int[] candidates, int[] sequences, int[] pieces, int[] targets) {

        public int predictions() {
            return targets.length;
        }
    }

    /** Corrupts the alignments {@code rows} (per sequence, the table row of each piece, -1 = none). */
    public static Corrupted corrupt(List<int[]> rows, Random random) {
        TreeSet<Integer> unique = new TreeSet<>();
        for (int[] sequence : rows) {
            for (int row : sequence) {
                if (row >= 0) {
                    unique.add(row);
                }
            }
        }
        int[] candidates = unique.stream().mapToInt(Integer::intValue).toArray();
        List<int[]> corrupted = new ArrayList<>(rows.size());
        List<int[]> predictions = new ArrayList<>();
        for (int b = 0; b < rows.size(); b++) {
            int[] input = rows.get(b).clone();
            for (int t = 0; t < input.length; t++) {
                int original = input[t];
                if (original < 0) {
                    continue;
                }
                double draw = random.nextDouble();
                if (draw < REPLACE_SHARE) {
                    input[t] = candidates[random.nextInt(candidates.length)];
                } else if (draw < REPLACE_SHARE + DROP_SHARE) {
                    input[t] = -1;
                }
                predictions.add(new int[] {b, t, 1 + java.util.Arrays.binarySearch(candidates, original)});
            }
            corrupted.add(input);
        }
        return new Corrupted(corrupted, candidates, predictions.stream().mapToInt(p -> p[0]).toArray(),
                predictions.stream().mapToInt(p -> p[1]).toArray(), predictions.stream().mapToInt(p -> p[2]).toArray());
    }
}
