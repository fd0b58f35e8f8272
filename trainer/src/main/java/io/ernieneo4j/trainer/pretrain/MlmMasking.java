package io.ernieneo4j.trainer.pretrain;

import io.ernieneo4j.trainer.ernie.WordPieces;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * BERT's masked-LM corruption of one sequence: about {@code probability} of its word pieces are chosen ([CLS], [SEP]
 * and padding never), at least one and at most {@code maxPredictions}; of those 80% become [MASK], 10% a random
 * word piece of the vocabulary and 10% stay as they are. Every chosen piece is predicted.
 *
 * <p>The count is {@code probability × candidates} rounded stochastically (down, or up with the fraction's
 * probability), so short sequences are masked at the intended rate on average, not always rounded up.
 */
public final class MlmMasking {

    /** Share of chosen pieces replaced by [MASK]; the next 10% get a random piece, the rest stay. */
    public static final double MASK_SHARE = 0.8;
    public static final double RANDOM_SHARE = 0.1;

    private MlmMasking() {}

    /**
     * @param ids       the sequence with its masked pieces replaced
     * @param positions the chosen pieces, ascending
     * @param labels    the original piece of each position: the targets
     */
    public record Masked(long[] ids, int[] positions, long[] labels) {}

    public static Masked mask(long[] ids, float probability, int maxPredictions, int vocabSize, Random random) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != WordPieces.CLS && ids[i] != WordPieces.SEP && ids[i] != WordPieces.PAD) {
                candidates.add(i);
            }
        }
        double expected = candidates.size() * (double) probability;
        int count = (int) Math.floor(expected);
        if (random.nextDouble() < expected - count) {
            count++;
        }
        count = Math.min(Math.min(maxPredictions, candidates.size()), Math.max(1, count));
        Collections.shuffle(candidates, random);
        List<Integer> chosen = new ArrayList<>(candidates.subList(0, count));
        Collections.sort(chosen);
        long[] masked = ids.clone();
        int[] positions = new int[chosen.size()];
        long[] labels = new long[chosen.size()];
        for (int i = 0; i < positions.length; i++) {
            int position = chosen.get(i);
            positions[i] = position;
            labels[i] = ids[position];
            double draw = random.nextDouble();
            if (draw < MASK_SHARE) {
                masked[position] = WordPieces.MASK;
            } else if (draw < MASK_SHARE + RANDOM_SHARE) {
                masked[position] = random.nextInt(vocabSize);
            }
        }
        return new Masked(masked, positions, labels);
    }
}
