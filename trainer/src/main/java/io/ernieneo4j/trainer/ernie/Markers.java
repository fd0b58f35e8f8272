package io.ernieneo4j.trainer.ernie;

import java.util.Arrays;
import java.util.Locale;

/**
 * The fine-tuning markers, inserted as word pieces around a mention's pieces (not into the text, so character
 * offsets stay those of the original text). As in the reference they are existing vocabulary tokens, so the
 * vocabulary, the word embeddings and the tied masked-LM decoder keep their pretrained shape:
 * {@code [ENT]} = {@code 。} (entity typing), {@code [HD]} = {@code #} and {@code [TL]} = {@code $} (relations).
 *
 * @param entity the id of {@code [ENT]}
 * @param head   the id of {@code [HD]}
 * @param tail   the id of {@code [TL]}
 */
public record Markers(long entity, long head, long tail) {

    public static final String ENTITY_TOKEN = "。";
    public static final String HEAD_TOKEN = "#";
    public static final String TAIL_TOKEN = "$";

    /** The reference's marker tokens, looked up in {@code tokenizer}'s vocabulary. */
    public static Markers of(WordPieceTokenizer tokenizer) {
        return new Markers(tokenizer.tokenId(ENTITY_TOKEN), tokenizer.tokenId(HEAD_TOKEN),
                tokenizer.tokenId(TAIL_TOKEN));
    }

    /** {@code [ENT]} before and after the mention [start, end) for entity typing. */
    public TokenizedText typing(TokenizedText text, int start, int end, int maxLength) {
        return wrap(text, new int[] {start, end}, new long[] {entity}, maxLength);
    }

    /** {@code [HD]} around the head mention and {@code [TL]} around the tail mention, for relation classification. */
    public TokenizedText relation(TokenizedText text, int headStart, int headEnd, int tailStart, int tailEnd,
                                  int maxLength) {
        return wrap(text, new int[] {headStart, headEnd, tailStart, tailEnd}, new long[] {head, tail}, maxLength);
    }

    /**
     * Inserts {@code markers[i]} before the first and after the last piece of span i ({@code spans[2i], spans[2i+1]}
     * in characters), then cuts the text back to {@code maxLength} pieces, keeping [SEP] last.
     */
    private static TokenizedText wrap(TokenizedText text, int[] spans, long[] markers, int maxLength) {
        int n = text.length();
        long[][] markersBefore = new long[n][0];
        long[][] markersAfter = new long[n][0];
        int total = n;
        for (int i = 0; i < markers.length; i++) {
            int[] pieces = pieces(text, spans[2 * i], spans[2 * i + 1]);
            int first = pieces[0];
            int last = pieces[1];
            markersBefore[first] = append(markersBefore[first], markers[i]);
            markersAfter[last] = append(markersAfter[last], markers[i]);
            total += 2;
        }
        long[] ids = new long[total];
        int[] starts = new int[total];
        int[] ends = new int[total];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (long marker : markersBefore[i]) {
                ids[k] = marker;
                starts[k] = -1;
                ends[k++] = -1;
            }
            ids[k] = text.ids()[i];
            starts[k] = text.starts()[i];
            ends[k++] = text.ends()[i];
            for (long marker : markersAfter[i]) {
                ids[k] = marker;
                starts[k] = -1;
                ends[k++] = -1;
            }
        }
        if (total <= maxLength) {
            return new TokenizedText(text.text(), ids, starts, ends);
        }
        // keep the first maxLength - 1 pieces and the closing [SEP]
        long[] cutIds = Arrays.copyOf(ids, maxLength);
        int[] cutStarts = Arrays.copyOf(starts, maxLength);
        int[] cutEnds = Arrays.copyOf(ends, maxLength);
        cutIds[maxLength - 1] = ids[total - 1];
        cutStarts[maxLength - 1] = -1;
        cutEnds[maxLength - 1] = -1;
        return new TokenizedText(text.text(), cutIds, cutStarts, cutEnds);
    }

    /**
     * The first and last word piece of the mention [start, end) (characters), which the markers go around; fails if
     * the mention does not start and end on piece boundaries of {@code text} (or lies beyond its pieces).
     */
    public static int[] pieces(TokenizedText text, int start, int end) {
        int first = text.pieceStartingAt(start);
        int last = first < 0 ? -1 : text.lastPieceEndingBy(first, end);
        if (last < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Mention [%d, %d) is not on word-piece boundaries of \"%s\" (or was cut off at %d pieces).",
                    start, end, text.text(), text.length()));
        }
        return new int[] {first, last};
    }

    private static long[] append(long[] values, long value) {
        long[] grown = Arrays.copyOf(values, values.length + 1);
        grown[grown.length - 1] = value;
        return grown;
    }
}
