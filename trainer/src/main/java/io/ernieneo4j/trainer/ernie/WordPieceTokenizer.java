package io.ernieneo4j.trainer.ernie;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.ernieneo4j.trainer.engine.DjlRuntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * BERT's uncased WordPiece through DJL's binding of Hugging Face tokenizers, from a local {@code tokenizer.json}
 * (never by hub name: that would go to the network). Adds [CLS] and [SEP], truncates to {@code maxLength} (or, with
 * {@link #encodeWhole}, not at all, so that a window of a long text can be chosen), never pads (batches pad to their
 * own longest text), and keeps every piece's character span.
 */
public final class WordPieceTokenizer implements AutoCloseable {

    private final Path file;
    private final int maxLength;
    private final HuggingFaceTokenizer tokenizer;

    private WordPieceTokenizer(Path file, int maxLength, HuggingFaceTokenizer tokenizer) {
        this.file = file;
        this.maxLength = maxLength;
        this.tokenizer = tokenizer;
    }

    /** Opens {@code tokenizerJson} (a Hugging Face {@code tokenizer.json}); texts are cut to {@code maxLength}. */
    public static WordPieceTokenizer open(Path tokenizerJson, int maxLength) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException(String.format(Locale.ROOT, "Tokenizer file `%s` does not exist.", tokenizerJson));
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `maxLength` was `%d`, but must be at least 2 ([CLS] and [SEP]).", maxLength));
        }
        HuggingFaceTokenizer tokenizer = DjlRuntime.call(() -> {
            try {
                return HuggingFaceTokenizer.builder()
                        .optTokenizerPath(tokenizerJson)
                        .optAddSpecialTokens(true)
                        .optPadding(false)
                        // truncation is ours (encode): encodeWhole needs every piece, and a tokenizer.json's own
                        // truncation (all-MiniLM's says 128) must not cut them
                        .optTruncation(false)
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new WordPieceTokenizer(tokenizerJson, maxLength, tokenizer);
    }

    public Path file() {
        return file;
    }

    public int maxLength() {
        return maxLength;
    }

    /** {@code text} as word pieces, [CLS] first and [SEP] last, cut to the first {@code maxLength}. */
    public TokenizedText encode(String text) {
        TokenizedText whole = encodeWhole(text).pieces();
        if (whole.length() <= maxLength) {
            return whole;
        }
        // as the tokenizer's own right truncation does: the first maxLength - 1 pieces, then [SEP]
        long[] ids = Arrays.copyOf(whole.ids(), maxLength);
        int[] starts = Arrays.copyOf(whole.starts(), maxLength);
        int[] ends = Arrays.copyOf(whole.ends(), maxLength);
        ids[maxLength - 1] = whole.ids()[whole.length() - 1];
        starts[maxLength - 1] = -1;
        ends[maxLength - 1] = -1;
        return new TokenizedText(text, ids, starts, ends);
    }

    /**
     * Every word piece of {@code text} however long, [CLS] first and [SEP] last, and where a window of it may begin
     * or end without splitting a word.
     */
    public WholeText encodeWhole(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        long[] special = encoding.getSpecialTokenMask();
        for (int i = 0; i < ids.length; i++) {
            boolean isSpecial = special[i] == 1 || spans[i] == null;
            starts[i] = isSpecial ? -1 : spans[i].getStart();
            ends[i] = isSpecial ? -1 : spans[i].getEnd();
        }
        long[] words = encoding.getWordIds();
        boolean[] wordStarts = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wordStarts[i] = i == 0 || words[i] != words[i - 1] || starts[i] < 0 || starts[i - 1] < 0;
        }
        return new WholeText(new TokenizedText(text, ids, starts, ends), wordStarts);
    }

    /**
     * A text's word pieces, not truncated.
     *
     * @param wordStarts per piece, whether it begins a word (the pre-tokenizer's split: whitespace and punctuation),
     *                   so that a window starting there tokenizes on its own as it does inside the text
     */
    public record WholeText(TokenizedText pieces, boolean[] wordStarts) {}

    /** The id of a single vocabulary token (e.g. {@code #}), failing if it is not one word piece. */
    public long tokenId(String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        if (ids.length != 1 || ids[0] == WordPieces.UNK) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`%s` is not a single vocabulary token of `%s` (it encodes to %d pieces).", token, file,
                    ids.length));
        }
        return ids[0];
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
