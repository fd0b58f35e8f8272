package io.ernieneo4j.trainer.ernie;

/** Special ids of the bert-base-uncased vocabulary (30,522 pieces), shared by every checkpoint used here. */
public final class WordPieces {

    public static final long PAD = 0;
    public static final long UNK = 100;
    public static final long CLS = 101;
    public static final long SEP = 102;
    public static final long MASK = 103;

    private WordPieces() {}
}
