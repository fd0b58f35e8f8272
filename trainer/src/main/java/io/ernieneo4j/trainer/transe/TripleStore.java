package io.ernieneo4j.trainer.transe;

import java.util.Arrays;

/**
 * Triples over dense ids ({@code 0 <= entity < entityCount}, {@code 0 <= relation < relationCount}) in parallel
 * primitive arrays, with a sorted key array to ask "is (h, r, t) a known triple?" by binary search.
 */
public final class TripleStore {

    private final int entityCount;
    private final int relationCount;
    private final int[] heads;
    private final int[] relations;
    private final int[] tails;
    /** Keys {@code (h, r, t)} sorted: the tails of one (h, r) are a contiguous run. */
    private final long[] sortedKeys;
    /** Keys {@code (t, r, h)} sorted: the heads of one (r, t) are a contiguous run. */
    private final long[] sortedReverseKeys;
    /**
     * The keys again, plus one (0 marks an empty slot), in an open-addressing table at most half full: the
     * "is (h, r, t) known?" that every corrupted triple asks costs one or two probes instead of a binary search
     * (≈ 10% of a training run's time, measured; docs/transe-notes.md).
     */
    private final long[] keyTable;

    public TripleStore(int entityCount, int relationCount, int[] heads, int[] relations, int[] tails) {
        if (heads.length != relations.length || heads.length != tails.length) {
            throw new IllegalArgumentException("heads, relations and tails must have the same length");
        }
        if ((double) entityCount * entityCount * Math.max(1, relationCount) >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("Too many entities and relations for 64-bit triple keys: "
                    + entityCount + " entities, " + relationCount + " relations");
        }
        this.entityCount = entityCount;
        this.relationCount = relationCount;
        this.heads = heads;
        this.relations = relations;
        this.tails = tails;
        long[] keys = new long[heads.length];
        long[] reverseKeys = new long[heads.length];
        for (int i = 0; i < heads.length; i++) {
            checkId(heads[i], entityCount, "head", i);
            checkId(tails[i], entityCount, "tail", i);
            checkId(relations[i], relationCount, "relation", i);
            keys[i] = key(heads[i], relations[i], tails[i]);
            reverseKeys[i] = key(tails[i], relations[i], heads[i]);
        }
        Arrays.sort(keys);
        Arrays.sort(reverseKeys);
        this.sortedKeys = keys;
        this.sortedReverseKeys = reverseKeys;
        this.keyTable = new long[Integer.highestOneBit(Math.max(1, keys.length) * 2 - 1) << 1];
        int mask = keyTable.length - 1;
        for (long key : keys) {
            int slot = slot(key + 1, mask);
            while (keyTable[slot] != 0 && keyTable[slot] != key + 1) {
                slot = (slot + 1) & mask;
            }
            keyTable[slot] = key + 1;
        }
    }

    private static int slot(long stored, int mask) {
        return (int) ((stored * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    /** These triples plus {@code others}' (for filtered evaluation against every known fact). */
    public TripleStore union(TripleStore... others) {
        int size = size();
        for (TripleStore o : others) size += o.size();
        int[] h = Arrays.copyOf(heads, size);
        int[] r = Arrays.copyOf(relations, size);
        int[] t = Arrays.copyOf(tails, size);
        int at = size();
        for (TripleStore o : others) {
            System.arraycopy(o.heads, 0, h, at, o.size());
            System.arraycopy(o.relations, 0, r, at, o.size());
            System.arraycopy(o.tails, 0, t, at, o.size());
            at += o.size();
        }
        return new TripleStore(entityCount, relationCount, h, r, t);
    }

    public boolean contains(int head, int relation, int tail) {
        long stored = key(head, relation, tail) + 1;
        int mask = keyTable.length - 1;
        for (int slot = slot(stored, mask); ; slot = (slot + 1) & mask) {
            long value = keyTable[slot];
            if (value == stored) {
                return true;
            }
            if (value == 0) {
                return false;
            }
        }
    }

    /** Every t with (head, relation, t) in this store. */
    public int[] tailsOf(int head, int relation) {
        return range(sortedKeys, head, relation);
    }

    /** Every h with (h, relation, tail) in this store. */
    public int[] headsOf(int relation, int tail) {
        return range(sortedReverseKeys, tail, relation);
    }

    private int[] range(long[] keys, int first, int relation) {
        long from = key(first, relation, 0);
        int start = Arrays.binarySearch(keys, from);
        if (start < 0) start = -start - 1;
        int end = start;
        while (end < keys.length && keys[end] < from + entityCount) {
            end++;
        }
        // distinct: a union of stores may hold a triple twice
        int[] ids = new int[end - start];
        int count = 0;
        for (int i = start; i < end; i++) {
            if (i == start || keys[i] != keys[i - 1]) {
                ids[count++] = (int) (keys[i] - from);
            }
        }
        return Arrays.copyOf(ids, count);
    }

    public int size() {
        return heads.length;
    }

    public int entityCount() {
        return entityCount;
    }

    public int relationCount() {
        return relationCount;
    }

    public int head(int i) {
        return heads[i];
    }

    public int relation(int i) {
        return relations[i];
    }

    public int tail(int i) {
        return tails[i];
    }

    /** Bytes held: three int arrays, the two sorted key arrays and the key table. */
    public long memoryBytes() {
        return 3L * Integer.BYTES * size() + 2L * Long.BYTES * size() + (long) Long.BYTES * keyTable.length;
    }

    private long key(int head, int relation, int tail) {
        return ((long) head * relationCount + relation) * entityCount + tail;
    }

    private static void checkId(int id, int bound, String what, int index) {
        if (id < 0 || id >= bound) {
            throw new IllegalArgumentException("Triple " + index + ": " + what + " id " + id + " is outside [0, " + bound + ")");
        }
    }
}
