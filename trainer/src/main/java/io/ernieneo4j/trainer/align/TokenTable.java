package io.ernieneo4j.trainer.align;

import java.util.Arrays;

/**
 * Interned strings with dense ids, looked up straight from a {@code char[]} range so that scanning a text allocates
 * nothing per token: open addressing over one shared character pool.
 */
final class TokenTable {

    private int[] slots;          // id + 1 per slot, 0 when empty
    private int[] hashes;         // per id
    private int[] offsets;        // per id: where its characters start in pool; offsets[size] is the pool's end
    private char[] pool;
    private int size;

    TokenTable(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedSize * 2) - 1) << 1;
        slots = new int[capacity];
        hashes = new int[Math.max(16, expectedSize)];
        offsets = new int[hashes.length + 1];
        pool = new char[Math.max(64, expectedSize * 8)];
    }

    int size() {
        return size;
    }

    /** The id of {@code chars[0, length)}, or -1 when absent. */
    int id(char[] chars, int length) {
        int hash = hash(chars, length);
        int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int id = entry - 1;
            if (hashes[id] == hash && sameChars(id, chars, length)) {
                return id;
            }
        }
    }

    int id(String token) {
        return id(token.toCharArray(), token.length());
    }

    /** The id of {@code chars[0, length)}, added when absent. */
    int add(char[] chars, int length) {
        int existing = id(chars, length);
        if (existing >= 0) {
            return existing;
        }
        if (2 * (size + 1) > slots.length) {
            rehash(slots.length * 2);
        }
        if (size + 1 >= offsets.length) {
            hashes = Arrays.copyOf(hashes, hashes.length * 2);
            offsets = Arrays.copyOf(offsets, hashes.length + 1);
        }
        int start = offsets[size];
        if (start + length > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, start + length));
        }
        System.arraycopy(chars, 0, pool, start, length);
        int id = size++;
        offsets[size] = start + length;
        hashes[id] = hash(chars, length);
        insert(id);
        return id;
    }

    long memoryBytes() {
        return 4L * slots.length + 4L * hashes.length + 4L * offsets.length + 2L * pool.length;
    }

    private boolean sameChars(int id, char[] chars, int length) {
        int start = offsets[id];
        return offsets[id + 1] - start == length && Arrays.equals(pool, start, start + length, chars, 0, length);
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        for (int id = 0; id < size; id++) {
            insert(id);
        }
    }

    private void insert(int id) {
        int mask = slots.length - 1;
        int slot = hashes[id] & mask;
        while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = id + 1;
    }

    private static int hash(char[] chars, int length) {
        int h = 0;
        for (int i = 0; i < length; i++) {
            h = 31 * h + chars[i];
        }
        return h ^ (h >>> 16) ^ (h >>> 7);
    }
}
