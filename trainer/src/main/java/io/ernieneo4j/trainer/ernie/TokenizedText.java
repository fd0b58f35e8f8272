package io.ernieneo4j.trainer.ernie;

import java.util.Arrays;

/**
 * One text as word pieces, with each piece's character span in the original text so that mentions map to pieces.
 *
 * @param text   the original text
 * @param ids    word-piece ids, [CLS] first and [SEP] last
 * @param starts each piece's first UTF-16 offset in {@code text}; -1 for special tokens and markers
 * @param ends   each piece's end offset (exclusive); -1 for special tokens and markers
 */
public record TokenizedText(String text, long[] ids, int[] starts, int[] ends) {

    public TokenizedText {
        if (ids.length != starts.length || ids.length != ends.length) {
            throw new IllegalArgumentException("ids, starts and ends must have one entry per word piece");
        }
    }

    public int length() {
        return ids.length;
    }

    /** The piece whose span starts exactly at {@code offset} (a mention's first word piece), or -1. */
    public int pieceStartingAt(int offset) {
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] == offset) {
                return i;
            }
        }
        return -1;
    }

    /** The last piece whose span ends at or before {@code offset} and after the piece at {@code first}, or -1. */
    public int lastPieceEndingBy(int first, int offset) {
        int last = -1;
        for (int i = first; i < ends.length && ends[i] != -1 && ends[i] <= offset; i++) {
            last = i;
        }
        return last;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenizedText t && text.equals(t.text) && Arrays.equals(ids, t.ids)
                && Arrays.equals(starts, t.starts) && Arrays.equals(ends, t.ends);
    }

    @Override
    public int hashCode() {
        return 31 * text.hashCode() + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "TokenizedText" + Arrays.toString(ids);
    }
}
