package io.ernieneo4j.trainer.ernie;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Locale;

/**
 * Encoder inputs for a batch of texts, padded only to the longest text of the batch, in row-major Java arrays; one
 * copy to the device per batch ({@link #toNDList}).
 *
 * @param batch          texts
 * @param length         word pieces per row (the longest text)
 * @param ids            (batch, length) word-piece ids, {@link WordPieces#PAD} after a text ends
 * @param tokenTypes     (batch, length) segment ids
 * @param attentionMask  (batch, length) 1 for a piece, 0 for padding
 * @param entityDim      H_e, or 0 for a batch without entity inputs (a plain BERT)
 * @param entityVectors  (batch, length, entityDim) the frozen vector of the entity aligned to each piece, 0 elsewhere
 * @param entityMask     (batch, length) 1 where an entity is aligned
 */
public record EncoderBatch(
        int batch,
        int length,
        long[] ids,
        long[] tokenTypes,
        long[] attentionMask,
        int entityDim,
        float[] entityVectors,
        float[] entityMask) {

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
        return new EncoderBatch(batch, length, ids, new long[batch * length], mask, 0, null, null);
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
        int dim = entities.dim();
        float[] vectors = new float[tokens.batch * tokens.length * dim];
        float[] mask = new float[tokens.batch * tokens.length];
        for (int b = 0; b < tokens.batch; b++) {
            int[] rows = aligned.get(b);
            if (rows.length != texts.get(b).length()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Text %d has %d word pieces but %d entity slots.", b, texts.get(b).length(), rows.length));
            }
            for (int t = 0; t < rows.length; t++) {
                if (rows[t] >= 0) {
                    int slot = b * tokens.length + t;
                    entities.copyVector(rows[t], vectors, slot * dim);
                    mask[slot] = 1f;
                }
            }
        }
        return new EncoderBatch(tokens.batch, tokens.length, tokens.ids, tokens.tokenTypes, tokens.attentionMask,
                dim, vectors, mask);
    }

    public boolean hasEntities() {
        return entityDim > 0;
    }

    /** The encoder's inputs on {@code manager}'s device: see {@code ErnieBlock}. */
    public NDList toNDList(NDManager manager) {
        Shape shape = new Shape(batch, length);
        NDList list = new NDList(
                manager.create(ids, shape),
                manager.create(tokenTypes, shape),
                manager.create(attentionMask, shape));
        if (hasEntities()) {
            NDArray vectors = manager.create(entityVectors, new Shape(batch, length, entityDim));
            list.add(vectors);
            list.add(manager.create(entityMask, shape));
        }
        return list;
    }
}
