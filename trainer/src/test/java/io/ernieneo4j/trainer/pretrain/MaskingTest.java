package io.ernieneo4j.trainer.pretrain;

import io.ernieneo4j.trainer.ernie.WordPieces;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The masked-LM and dEA corruption rates on large fixed samples. */
class MaskingTest {

    private static final int VOCAB = 30_522;

    @Test
    void masksFifteenPercentSplitEightyTenTen() {
        Random data = new Random(3);
        Random random = new Random(4);
        long candidates = 0;
        long selected = 0;
        long masked = 0;
        long randomised = 0;
        long kept = 0;
        for (int s = 0; s < 4000; s++) {
            int length = 8 + data.nextInt(50);
            int padding = data.nextInt(5);
            long[] ids = new long[length + padding];
            ids[0] = WordPieces.CLS;
            for (int i = 1; i < length - 1; i++) {
                ids[i] = 1000 + data.nextInt(29_000);
            }
            ids[length - 1] = WordPieces.SEP;
            candidates += length - 2;
            MlmMasking.Masked m = MlmMasking.mask(ids, 0.15f, 40, VOCAB, random);
            selected += m.positions().length;
            assertTrue(m.positions().length >= 1);
            for (int i = 0; i < m.positions().length; i++) {
                int p = m.positions()[i];
                assertTrue(p > 0 && p < length - 1, "never [CLS], [SEP] or padding");
                assertEquals(ids[p], m.labels()[i]);
                if (m.ids()[p] == WordPieces.MASK) {
                    masked++;
                } else if (m.ids()[p] == ids[p]) {
                    kept++;
                } else {
                    randomised++;
                }
            }
            for (int i = 0; i < ids.length; i++) {
                if (Arrays.binarySearch(m.positions(), i) < 0) {
                    assertEquals(ids[i], m.ids()[i], "unchosen pieces stay");
                }
            }
        }
        double rate = (double) selected / candidates;
        assertEquals(0.15, rate, 0.01, "share of pieces chosen");
        assertEquals(0.8, (double) masked / selected, 0.02);
        assertEquals(0.1, (double) randomised / selected, 0.015);
        assertEquals(0.1, (double) kept / selected, 0.015);
        System.out.printf("MLM: %.4f chosen; %.4f [MASK], %.4f random, %.4f kept%n", rate,
                (double) masked / selected, (double) randomised / selected, (double) kept / selected);
    }

    @Test
    void capsPredictionsPerSequence() {
        long[] ids = new long[200];
        Arrays.fill(ids, 2000);
        ids[0] = WordPieces.CLS;
        ids[199] = WordPieces.SEP;
        assertEquals(5, MlmMasking.mask(ids, 0.15f, 5, VOCAB, new Random(1)).positions().length);
    }

    @Test
    void corruptsEntitiesFiveFifteenEighty() {
        Random data = new Random(8);
        int[] pool = {3, 7, 11, 20, 42};
        List<int[]> rows = new ArrayList<>();
        for (int s = 0; s < 400; s++) {
            int[] sequence = new int[60];
            for (int t = 0; t < sequence.length; t++) {
                sequence[t] = t > 0 && data.nextBoolean() ? pool[data.nextInt(pool.length - 1)] : -1;
            }
            rows.add(sequence);
        }
        EntityCorruption.Corrupted c = EntityCorruption.corrupt(rows, new Random(9));
        assertArrayEquals(new int[] {3, 7, 11, 20}, c.candidates(), "the batch's unique entities, nothing else");
        long replacedOther = 0;
        long dropped = 0;
        long same = 0;
        for (int p = 0; p < c.predictions(); p++) {
            int original = rows.get(c.sequences()[p])[c.pieces()[p]];
            assertTrue(original >= 0, "only aligned pieces are predicted");
            assertEquals(original, c.candidates()[c.targets()[p] - 1], "target = 1 + candidate index");
            assertTrue(c.targets()[p] >= 1, "the no-entity row is never a target");
            int input = c.rows().get(c.sequences()[p])[c.pieces()[p]];
            if (input < 0) {
                dropped++;
            } else if (input == original) {
                same++;
            } else {
                replacedOther++;
            }
        }
        long aligned = rows.stream().flatMapToInt(Arrays::stream).filter(r -> r >= 0).count();
        assertEquals(aligned, c.predictions(), "every aligned piece is predicted");
        double n = c.predictions();
        // a replacement draws from 4 candidates, 1 of them the original: 5% × 3/4 look replaced
        assertEquals(0.05 * 0.75, replacedOther / n, 0.006);
        assertEquals(0.15, dropped / n, 0.01);
        assertEquals(0.80 + 0.05 * 0.25, same / n, 0.012);
        System.out.printf("dEA over %d aligned: %.4f replaced, %.4f dropped, %.4f kept%n", c.predictions(),
                replacedOther / n, dropped / n, same / n);
    }
}
