package io.ernieneo4j.trainer.ernie;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Encoder inputs for a batch of texts, padded only to the longest text of the batch, in row-major Java arrays; one
 * copy to the device per batch ({@link #toNDList}).
 *
 * <p>Entities are held compactly, as slots: slot 0 of every row is the [CLS] slot (a zero vector at position 0, which
 * every entity query may see, as in the reference), then one slot per aligned piece, padded to the row with the most.
 * The K-Encoder's entity side then runs over slots instead of over every piece: a text of 64 pieces with 3 aligned
 * mentions computes 4 entity rows per layer, not 64. The reference masks the other positions out, so the result is
 * the same (see {@code KnowledgeEncoderTest}).
 *
 * @param batch            texts
 * @param length           word pieces per row (the longest text)
 * @param ids              (batch, length) word-piece ids, {@link WordPieces#PAD} after a text ends
 * @param tokenTypes       (batch, length) segment ids
 * @param attentionMask    (batch, length) 1 for a piece, 0 for padding
 * @param entityDim        H_e, or 0 for a batch without entity inputs (a plain BERT)
 * @param entitySlots      E, slots per row (1 + the most aligned pieces of a row), or 0 without entity inputs
 * @param entityVectors    (batch, E, entityDim) the frozen vector of each slot's entity, 0 for [CLS] and padding
 * @param entityPositions  (batch, E) the piece each slot is aligned to, 0 for [CLS], -1 for a padding slot
 */
public record EncoderBatch(
        int batch,
        int length,
        long[] ids,
        long[] tokenTypes,
        long[] attentionMask,
        int entityDim,
        int entitySlots,
        float[] entityVectors,
        int[] entityPositions) {

    /** Token inputs only, for a plain BERT (all token types 0). */
    public static EncoderBatch tokens(List<TokenizedText> texts) {
        int batch = texts.size();
        int length = texts.stream().mapToInt(TokenizedText::length).max().orElseThrow(
                () -> new IllegalArgumentException("A batch needs at least one text."));
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            long[] pieces = texts.get(b).ids();
            System.arraycopy(pieces, 0, ids, b * length, pieces.length);
            for (int t = 0; t < pieces.length; t++) {
                mask[b * length + t] = 1;
            }
        }
        return new EncoderBatch(batch, length, ids, new long[batch * length], mask, 0, 0, null, null);
    }

    /**
     * Token inputs plus the entities aligned to them.
     *
     * @param aligned one row per text: the entity table row aligned to each piece, -1 for none
     */
    public static EncoderBatch withEntities(List<TokenizedText> texts, List<int[]> aligned, EntityTable entities) {
        if (aligned.size() != texts.size()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d texts but %d entity alignments.", texts.size(), aligned.size()));
        }
        EncoderBatch tokens = tokens(texts);
        int slots = 1;
        for (int b = 0; b < tokens.batch; b++) {
            int[] rows = aligned.get(b);
            if (rows.length != texts.get(b).length()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Text %d has %d word pieces but %d entity slots.", b, texts.get(b).length(), rows.length));
            }
            slots = Math.max(slots, 1 + (int) Arrays.stream(rows, 1, rows.length).filter(row -> row >= 0).count());
        }
        int dim = entities.dim();
        float[] vectors = new float[tokens.batch * slots * dim];
        int[] positions = emptySlots(tokens.batch, slots);
        for (int b = 0; b < tokens.batch; b++) {
            int[] rows = aligned.get(b);
            int slot = b * slots + 1;
            // position 0 is [CLS]: its slot is the zero vector, whatever the alignment says
            for (int t = 1; t < rows.length; t++) {
                if (rows[t] >= 0) {
                    entities.copyVector(rows[t], vectors, slot * dim);
                    positions[slot++] = t;
                }
            }
        }
        return tokens.withSlots(dim, slots, vectors, positions);
    }

    /** ERNIE inputs with no entity anywhere (only the [CLS] slot): the {@code --no-entities} baseline. */
    public static EncoderBatch withoutEntities(List<TokenizedText> texts, int entityDim) {
        EncoderBatch tokens = tokens(texts);
        return tokens.withSlots(entityDim, 1, new float[tokens.batch * entityDim], emptySlots(tokens.batch, 1));
    }

    /** ERNIE inputs from explicit slots (see the record's description). */
    public EncoderBatch withSlots(int dim, int slots, float[] vectors, int[] positions) {
        if (slots < 1 || vectors.length != batch * slots * dim || positions.length != batch * slots) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d slots of %d dimensions for %d texts do not fit %d values and %d positions.",
                    slots, dim, batch, vectors.length, positions.length));
        }
        return new EncoderBatch(batch, length, ids, tokenTypes, attentionMask, dim, slots, vectors, positions);
    }

    /** Every row's [CLS] slot at position 0, every other slot padding (-1). */
    private static int[] emptySlots(int batch, int slots) {
        int[] positions = new int[batch * slots];
        Arrays.fill(positions, -1);
        for (int b = 0; b < batch; b++) {
            positions[b * slots] = 0;
        }
        return positions;
    }

    public boolean hasEntities() {
        return entityDim > 0;
    }

    /**
     * The encoder's inputs on {@code manager}'s device: ids, token types and attention mask (batch, length); with
     * entities also the slot vectors (batch, E, H_e), the slot mask (batch, E) (1 for a used slot) and the slots'
     * one-hot placement on the pieces (batch, E, length), which moves states between slots and pieces by a matrix
     * product on the device.
     */
    public NDList toNDList(NDManager manager) {
        Shape shape = new Shape(batch, length);
        NDList list = new NDList(
                manager.create(ids, shape),
                manager.create(tokenTypes, shape),
                manager.create(attentionMask, shape));
        if (hasEntities()) {
            list.add(manager.create(entityVectors, new Shape(batch, entitySlots, entityDim)));
            list.add(manager.create(slotMask(), new Shape(batch, entitySlots)));
            list.add(manager.create(placement(), new Shape(batch, entitySlots, length)));
        }
        return list;
    }

    /** (batch, E): 1 for a used slot, 0 for a padding slot (what every engine gets as {@code entity_mask}). */
    public float[] slotMask() {
        float[] mask = new float[batch * entitySlots];
        for (int slot = 0; slot < mask.length; slot++) {
            if (entityPositions[slot] >= 0) {
                mask[slot] = 1f;
            }
        }
        return mask;
    }

    /** (batch, E, length): each used slot's one-hot word piece (what every engine gets as {@code entity_placement}). */
    public float[] placement() {
        float[] placement = new float[batch * entitySlots * length];
        for (int slot = 0; slot < batch * entitySlots; slot++) {
            int position = entityPositions[slot];
            if (position >= 0) {
                placement[slot * length + position] = 1f;
            }
        }
        return placement;
    }
}
