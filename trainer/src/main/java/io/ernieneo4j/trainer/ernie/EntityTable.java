package io.ernieneo4j.trainer.ernie;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The frozen entity embeddings (TransE vectors) ERNIE reads its entity input from. They live outside the model's
 * parameters: the optimiser never sees them, and a model checkpoint does not contain them.
 */
public final class EntityTable {

    private final List<String> ids;
    private final Map<String, Integer> rows;
    private final int dim;
    private final float[] vectors;

    private EntityTable(List<String> ids, int dim, float[] vectors) {
        this.ids = Collections.unmodifiableList(ids);
        this.dim = dim;
        this.vectors = vectors;
        this.rows = new HashMap<>(ids.size() * 2);
        for (int i = 0; i < ids.size(); i++) {
            if (rows.put(ids.get(i), i) != null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Entity `%s` appears twice in the entity table.", ids.get(i)));
            }
        }
    }

    /** A table of {@code vectors[i]} for {@code ids.get(i)}; every vector must have the same length. */
    public static EntityTable of(List<String> ids, float[][] vectors) {
        if (ids.size() != vectors.length || ids.isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "An entity table needs one vector per id and at least one entity, got %d ids and %d vectors.",
                    ids.size(), vectors.length));
        }
        int dim = vectors[0].length;
        float[] flat = new float[ids.size() * dim];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dim) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Entity `%s` has %d dimensions, the first entity has %d.", ids.get(i), vectors[i].length,
                        dim));
            }
            System.arraycopy(vectors[i], 0, flat, i * dim, dim);
        }
        return new EntityTable(new ArrayList<>(ids), dim, flat);
    }

    /**
     * Reads a plain-text export: one entity a line, {@code id<TAB>v1 v2 ... vd}, every line the same dimension.
     * Blank lines are skipped.
     */
    public static EntityTable load(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab <= 0) {
                    throw new IOException(String.format(Locale.ROOT,
                            "%s:%d: expected `id<TAB>v1 v2 ...`, found no id before a tab.", file, lineNumber));
                }
                String[] parts = line.substring(tab + 1).trim().split(" +");
                float[] vector = new float[parts.length];
                try {
                    for (int i = 0; i < parts.length; i++) {
                        vector[i] = Float.parseFloat(parts[i]);
                    }
                } catch (NumberFormatException e) {
                    throw new IOException(String.format(Locale.ROOT,
                            "%s:%d: not a number in the vector of `%s`: %s", file, lineNumber,
                            line.substring(0, tab), e.getMessage()), e);
                }
                if (!vectors.isEmpty() && vector.length != vectors.get(0).length) {
                    throw new IOException(String.format(Locale.ROOT,
                            "%s:%d: entity `%s` has %d dimensions, the first line has %d.", file, lineNumber,
                            line.substring(0, tab), vector.length, vectors.get(0).length));
                }
                ids.add(line.substring(0, tab));
                vectors.add(vector);
            }
        }
        if (ids.isEmpty()) {
            throw new IOException(String.format(Locale.ROOT, "Entity file `%s` holds no entities.", file));
        }
        return of(ids, vectors.toArray(new float[0][]));
    }

    public int dim() {
        return dim;
    }

    public int size() {
        return ids.size();
    }

    public String id(int row) {
        return ids.get(row);
    }

    /** The row of {@code id}, or empty when the table does not know it. */
    public OptionalInt row(String id) {
        Integer row = rows.get(id);
        return row == null ? OptionalInt.empty() : OptionalInt.of(row);
    }

    /** A copy of one entity's vector. */
    public float[] vector(int row) {
        return Arrays.copyOfRange(vectors, row * dim, (row + 1) * dim);
    }

    /** Copies row {@code row} into {@code target} at {@code offset}. */
    public void copyVector(int row, float[] target, int offset) {
        System.arraycopy(vectors, row * dim, target, offset, dim);
    }

    /** The vectors of {@code rowsToTake} as a (n, dim) array on {@code manager}: dEA's candidate entities. */
    public NDArray vectors(NDManager manager, int[] rowsToTake) {
        float[] taken = new float[rowsToTake.length * dim];
        for (int i = 0; i < rowsToTake.length; i++) {
            copyVector(rowsToTake[i], taken, i * dim);
        }
        return manager.create(taken, new Shape(rowsToTake.length, dim));
    }
}
