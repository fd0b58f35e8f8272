package io.ernieneo4j.trainer.ernie;

import java.util.Optional;

/**
 * What ERNIE reads of a text longer than its maximum length: a run of the text's word pieces that holds what an
 * example needs (the typed mention, or a relation's head and tail and everything between them) with as much context
 * on either side as fits. Each piece keeps its offsets in the original text, so mentions and entities are still found
 * by character offset, and an entity that starts outside the window finds no piece.
 */
public final class TextWindow {

    private TextWindow() {}

    /**
     * {@code whole} itself when its content pieces (all but [CLS] and [SEP]) number at most {@code room}; else [CLS],
     * at most {@code room} consecutive content pieces, [SEP]. The run holds pieces {@code needFirst..needLast}
     * (indices into {@code whole}), is centred on them, takes at one end of the text the context the other end
     * lacks, and starts and ends on word boundaries, so that it tokenizes on its own as it does inside the text.
     * Empty when the needed pieces alone are more than {@code room}.
     */
    public static Optional<TokenizedText> around(WordPieceTokenizer.WholeText whole, int needFirst, int needLast,
                                                 int room) {
        TokenizedText text = whole.pieces();
        int lastContent = text.length() - 2;
        if (lastContent <= room) {
            return Optional.of(text);
        }
        if (needFirst < 1 || needLast > lastContent || needLast < needFirst) {
            throw new IllegalArgumentException("The needed pieces [" + needFirst + ", " + needLast
                    + "] are not content pieces of a text of " + text.length() + " pieces.");
        }
        int needed = needLast - needFirst + 1;
        if (needed > room) {
            return Optional.empty();
        }
        int spare = room - needed;
        int from = needFirst - spare / 2;
        int to = needLast + (spare - spare / 2);
        if (from < 1) {
            to += 1 - from;
            from = 1;
        }
        if (to > lastContent) {
            from = Math.max(1, from - (to - lastContent));
            to = lastContent;
        }
        boolean[] wordStarts = whole.wordStarts();
        while (from < needFirst && !wordStarts[from]) {
            from++;
        }
        while (to > needLast && !wordStarts[to + 1]) { // [SEP] after the last content piece starts a word
            to--;
        }
        int length = to - from + 3;
        long[] ids = new long[length];
        int[] starts = new int[length];
        int[] ends = new int[length];
        ids[0] = text.ids()[0];
        System.arraycopy(text.ids(), from, ids, 1, length - 2);
        System.arraycopy(text.starts(), from, starts, 1, length - 2);
        System.arraycopy(text.ends(), from, ends, 1, length - 2);
        ids[length - 1] = text.ids()[text.length() - 1];
        starts[0] = -1;
        ends[0] = -1;
        starts[length - 1] = -1;
        ends[length - 1] = -1;
        return Optional.of(new TokenizedText(text.text(), ids, starts, ends));
    }
}
