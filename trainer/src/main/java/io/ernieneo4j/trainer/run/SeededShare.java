package io.ernieneo4j.trainer.run;

/**
 * A reproducible split by id: whether an id falls in a share of all ids, from a seeded 64-bit mix of it (SplitMix64's
 * finaliser), so the same id lands on the same side in every run and every process with the same seed.
 */
public final class SeededShare {

    private SeededShare() {}

    /** Whether {@code id} falls in the first {@code fraction} of ids, for {@code seed}. */
    public static boolean contains(long id, long seed, double fraction) {
        long z = id * 0x9E3779B97F4A7C15L + seed;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53 < fraction;
    }
}
