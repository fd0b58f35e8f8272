package io.ernieneo4j.trainer.transe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A trained TransE model on disk: {@code transe.json} (what it is) and {@code vectors.bin} (entity and relation
 * names and vectors, big-endian). Written to a temporary folder and moved into place, so a reader never sees half a
 * model. Also exports to and imports from the plain-text files of OpenKE / Fast-TransX.
 */
public final class TransEModelFiles {

    /** 2: entities named by a stable key ({@link Manifest#entityKey()}); 1 named them by internal node ids. */
    public static final int FORMAT_VERSION = 2;
    /** The entity key of models whose entities are plain names, not database nodes (the command line, OpenKE). */
    public static final String NAME_KEY = "name";
    static final String MANIFEST = "transe.json";
    static final String VECTORS = "vectors.bin";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What a stored model says about itself.
     *
     * @param entityKey what its entity names are: {@code elementId}, {@code property:<name>} (nodes, as the plugin
     *                  stores them) or {@value #NAME_KEY} (plain names)
     * @param metadata  free-form facts of the run (parameters, graph selection, loss, timings)
     */
    public record Manifest(int formatVersion, String name, int dimensions, String norm, int entityCount,
                           int relationCount, String entityKey, String createdAt, Map<String, Object> metadata) {

        /** A manifest of plain entity names ({@value #NAME_KEY}). */
        public Manifest(int formatVersion, String name, int dimensions, String norm, int entityCount,
                        int relationCount, String createdAt, Map<String, Object> metadata) {
            this(formatVersion, name, dimensions, norm, entityCount, relationCount, NAME_KEY, createdAt, metadata);
        }
    }

    /** A model with the names of its entities and relations, row i of the vectors naming entity i. */
    public record NamedModel(Manifest manifest, TransEModel model, List<String> entities, List<String> relations) {}

    private TransEModelFiles() {}

    public static void write(Path dir, NamedModel named) throws IOException {
        TransEModel model = named.model();
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + dir.getFileName() + "-");
        try {
            JSON.writeValue(staging.resolve(MANIFEST).toFile(), named.manifest());
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(staging.resolve(VECTORS)), 1 << 16))) {
                out.writeInt(FORMAT_VERSION);
                out.writeInt(model.dimensions());
                out.writeInt(model.entityCount());
                out.writeInt(model.relationCount());
                for (String e : named.entities()) out.writeUTF(e);
                for (String r : named.relations()) out.writeUTF(r);
                for (float x : model.entityVectors()) out.writeFloat(x);
                for (float x : model.relationVectors()) out.writeFloat(x);
            }
            if (Files.exists(dir)) {
                deleteRecursively(dir);
            }
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(staging)) {
                deleteRecursively(staging);
            }
        }
    }

    public static Manifest readManifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new IOException("No TransE model in " + dir + ": " + MANIFEST + " is missing.");
        }
        Manifest manifest = JSON.readValue(file.toFile(), Manifest.class);
        if (manifest.formatVersion() > FORMAT_VERSION) {
            throw new IOException(String.format(Locale.ROOT, "TransE model %s has format version %d; this plugin reads "
                    + "up to %d.", dir, manifest.formatVersion(), FORMAT_VERSION));
        }
        return manifest;
    }

    /**
     * The model in {@code dir}. A model of format 1 is refused: it names entities by internal node ids, which Neo4j
     * hands to new nodes after deletes, so reading it could give one node another node's vector.
     */
    public static NamedModel read(Path dir) throws IOException {
        Manifest manifest = readManifest(dir);
        if (manifest.formatVersion() < FORMAT_VERSION) {
            throw new IOException(String.format(Locale.ROOT, "TransE model `%s` has format version %d, which names "
                    + "entities by internal node ids that Neo4j reuses after deletes; it is not read. Retrain it with "
                    + "ernie.transe.train, or export it with an older plugin and re-import it with "
                    + "ernie.transe.model.import (format %d names entities by elementId or a key property).",
                    manifest.name(), manifest.formatVersion(), FORMAT_VERSION));
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                Files.newInputStream(dir.resolve(VECTORS)), 1 << 16))) {
            int version = in.readInt();
            int dim = in.readInt();
            int entityCount = in.readInt();
            int relationCount = in.readInt();
            if (version != FORMAT_VERSION || dim != manifest.dimensions() || entityCount != manifest.entityCount()
                    || relationCount != manifest.relationCount()) {
                throw new IOException("TransE model " + dir + ": " + VECTORS + " does not match " + MANIFEST);
            }
            List<String> entities = new ArrayList<>(entityCount);
            for (int i = 0; i < entityCount; i++) entities.add(in.readUTF());
            List<String> relations = new ArrayList<>(relationCount);
            for (int i = 0; i < relationCount; i++) relations.add(in.readUTF());
            float[] entityVectors = new float[entityCount * dim];
            for (int i = 0; i < entityVectors.length; i++) entityVectors[i] = in.readFloat();
            float[] relationVectors = new float[relationCount * dim];
            for (int i = 0; i < relationVectors.length; i++) relationVectors[i] = in.readFloat();
            TransEModel model = new TransEModel(dim, Norm.valueOf(manifest.norm()), entityVectors, relationVectors);
            return new NamedModel(manifest, model, entities, relations);
        }
    }

    /**
     * OpenKE / Fast-TransX files: {@code entity2id.txt} and {@code relation2id.txt} (a count line, then
     * {@code name<TAB>id}), {@code entity2vec.vec} and {@code relation2vec.vec} (one vector a line, tab-separated),
     * and, when given, {@code train2id.txt} (a count line, then {@code head tail relation} ids).
     */
    public static void exportOpenKe(Path dir, NamedModel named, TripleStore train) throws IOException {
        Files.createDirectories(dir);
        writeIds(dir.resolve("entity2id.txt"), named.entities());
        writeIds(dir.resolve("relation2id.txt"), named.relations());
        writeVectors(dir.resolve("entity2vec.vec"), named.model().entityVectors(), named.model().dimensions());
        writeVectors(dir.resolve("relation2vec.vec"), named.model().relationVectors(), named.model().dimensions());
        if (train != null) {
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("train2id.txt"), StandardCharsets.UTF_8)) {
                out.write(train.size() + "\n");
                for (int i = 0; i < train.size(); i++) {
                    out.write(train.head(i) + " " + train.tail(i) + " " + train.relation(i) + "\n");
                }
            }
        }
    }

    /** Reads OpenKE / Fast-TransX vectors and ids (see {@link #exportOpenKe}). */
    public static NamedModel importOpenKe(Path dir, String name, Norm norm) throws IOException {
        List<String> entities = readIds(dir.resolve("entity2id.txt"));
        List<String> relations = readIds(dir.resolve("relation2id.txt"));
        float[][] entityVectors = readVectors(dir.resolve("entity2vec.vec"), entities.size());
        float[][] relationVectors = readVectors(dir.resolve("relation2vec.vec"), relations.size());
        int dim = entityVectors.length == 0 ? 0 : entityVectors[0].length;
        float[] e = flatten(entityVectors, dim, "entity2vec.vec");
        float[] r = flatten(relationVectors, dim, "relation2vec.vec");
        Manifest manifest = new Manifest(FORMAT_VERSION, name, dim, norm.name(), entities.size(), relations.size(),
                java.time.Instant.now().toString(), Map.of("importedFrom", dir.toString()));
        return new NamedModel(manifest, new TransEModel(dim, norm, e, r), entities, relations);
    }

    private static void writeIds(Path file, List<String> names) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(names.size() + "\n");
            for (int i = 0; i < names.size(); i++) {
                out.write(names.get(i) + "\t" + i + "\n");
            }
        }
    }

    private static List<String> readIds(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int count = Integer.parseInt(lines.get(0).trim());
        String[] names = new String[count];
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            // name<TAB>id; the id is the last field, so a name may hold spaces (a relationship type may)
            int cut = Math.max(line.lastIndexOf('\t'), line.lastIndexOf(' '));
            int id;
            try {
                id = Integer.parseInt(line.substring(cut + 1));
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (cut <= 0 || id < 0 || id >= count || names[id] != null) {
                throw new IOException(file.getFileName() + " line " + (i + 1) + " is not `name<TAB>id` with a new id "
                        + "below the count " + count + ": " + line);
            }
            names[id] = line.substring(0, cut).strip();
        }
        for (int id = 0; id < count; id++) {
            if (names[id] == null) {
                throw new IOException(file.getFileName() + " names no entry for id " + id + " (count " + count + ")");
            }
        }
        return List.of(names);
    }

    private static void writeVectors(Path file, float[] vectors, int dim) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (int row = 0; row < vectors.length / dim; row++) {
                line.setLength(0);
                for (int k = 0; k < dim; k++) {
                    if (k > 0) line.append('\t');
                    line.append(vectors[row * dim + k]);
                }
                out.write(line.append('\n').toString());
            }
        }
    }

    private static float[][] readVectors(Path file, int rows) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        if (lines.size() != rows) {
            throw new IOException(file + " has " + lines.size() + " vectors for " + rows + " ids");
        }
        float[][] vectors = new float[rows][];
        for (int i = 0; i < rows; i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            vectors[i] = new float[f.length];
            for (int k = 0; k < f.length; k++) vectors[i][k] = Float.parseFloat(f[k]);
        }
        return vectors;
    }

    private static float[] flatten(float[][] rows, int dim, String file) throws IOException {
        float[] flat = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != dim) {
                throw new IOException(file + " line " + (i + 1) + " has " + rows[i].length + " values, expected " + dim);
            }
            System.arraycopy(rows[i], 0, flat, i * dim, dim);
        }
        return flat;
    }

    /** Deletes a model folder (or any folder this class wrote). */
    public static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
