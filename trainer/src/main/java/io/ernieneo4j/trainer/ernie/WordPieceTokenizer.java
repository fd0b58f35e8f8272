package io.ernieneo4j.trainer.ernie;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.ernieneo4j.trainer.engine.DjlRuntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * BERT's uncased WordPiece through DJL's binding of Hugging Face tokenizers, from a local {@code tokenizer.json}
 * (never by hub name: that would go to the network). Adds [CLS] and [SEP], truncates to {@code maxLength}, never pads
 * (batches pad to their own longest text), and keeps every piece's character span.
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
                        .optTruncation(true)
                        .optMaxLength(maxLength)
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

    public TokenizedText encode(String text) {
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
        return new TokenizedText(text, ids, starts, ends);
    }

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
