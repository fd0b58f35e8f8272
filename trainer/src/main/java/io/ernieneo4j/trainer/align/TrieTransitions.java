package io.ernieneo4j.trainer.align;

import java.util.Arrays;

/**
 * The edges of the name trie: {@code (node, token) → child}, one open-addressing table of primitive keys
 * ({@code node << 32 | token}) instead of a map per node.
 */
final class TrieTransitions {

    private static final long EMPTY = -1L;

    private long[] keys;
    private int[] children;
    private int size;

    TrieTransitions(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedSize * 2) - 1) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        children = new int[capacity];
    }

    /** The child of {@code node} along {@code token}, or -1. */
    int child(int node, int token) {
        long key = key(node, token);
        int mask = keys.length - 1;
        for (int slot = slot(key, mask); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return children[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    void put(int node, int token, int child) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        long key = key(node, token);
        int mask = keys.length - 1;
        int slot = slot(key, mask);
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        if (keys[slot] == EMPTY) {
            size++;
        }
        keys[slot] = key;
        children[slot] = child;
    }

    long memoryBytes() {
        return 8L * keys.length + 4L * children.length;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldChildren = children;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        children = new int[keys.length];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put((int) (oldKeys[i] >>> 32), (int) oldKeys[i], oldChildren[i]);
            }
        }
    }

    private static long key(int node, int token) {
        return ((long) node << 32) | (token & 0xFFFFFFFFL);
    }

    private static int slot(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }
}
