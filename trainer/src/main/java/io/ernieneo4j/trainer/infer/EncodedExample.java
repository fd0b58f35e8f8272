package io.ernieneo4j.trainer.infer;

import io.ernieneo4j.trainer.ernie.TokenizedText;

/**
 * One example ready for a batch: its word pieces with markers, the entity aligned to each piece and its label
 * indices.
 *
 * @param pieces     word pieces, markers inserted, cut to the model's maximum length
 * @param entityRows per piece, the entity table row aligned to it, or -1
 * @param labels     indices into the task's labels (one for relations, one or more for typing)
 * @param where      {@code file:line} of the record
 */
public record EncodedExample(TokenizedText pieces, int[] entityRows, int[] labels, String where) {

    public int length() {
        return pieces.length();
    }
}
