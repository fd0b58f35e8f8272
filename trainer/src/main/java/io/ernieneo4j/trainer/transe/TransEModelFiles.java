package io.ernieneo4j.trainer.transe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ernieneo4j.trainer.data.Folders;
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
import java.util.Optional;

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
    /** The training triples over the model's rows, for incremental updates ({@link TransEUpdate}). */
    static final String TRIPLES = "triples.bin";
    /** The OpenKE / Fast-TransX file names. */
    public static final String ENTITY_IDS = "entity2id.txt";
    public static final String RELATION_IDS = "relation2id.txt";
    public static final String ENTITY_VECTORS = "entity2vec.vec";
    public static final String RELATION_VECTORS = "relation2vec.vec";
    public static final String TRAIN = "train2id.txt";
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
        write(dir, named, null);
    }

    /**
     * Writes the model and, when given, the triples it was trained on over its entity and relation rows
     * ({@link #readTrainingTriples}), so that a later update knows what changed.
     */
    public static void write(Path dir, NamedModel named, TripleStore trainingTriples) throws IOException {
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
            if (trainingTriples != null) {
                if (trainingTriples.entityCount() != model.entityCount()
                        || trainingTriples.relationCount() != model.relationCount()) {
                    throw new IllegalArgumentException("The training triples are not over the model's rows.");
                }
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(staging.resolve(TRIPLES)), 1 << 16))) {
                    out.writeInt(FORMAT_VERSION);
                    out.writeInt(trainingTriples.size());
                    for (int i = 0; i < trainingTriples.size(); i++) {
                        out.writeInt(trainingTriples.head(i));
                        out.writeInt(trainingTriples.relation(i));
                        out.writeInt(trainingTriples.tail(i));
                    }
                }
            }
            if (Files.exists(dir)) {
                Folders.delete(dir);
            }
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(staging)) {
                Folders.delete(staging);
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
     * The triples the model in {@code dir} was trained on, over its rows; empty for a model saved without them
     * (imported, or trained before incremental updates existed).
     */
    public static Optional<TripleStore> readTrainingTriples(Path dir) throws IOException {
        Path file = dir.resolve(TRIPLES);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Manifest manifest = readManifest(dir);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            int version = in.readInt();
            int size = in.readInt();
            if (version != FORMAT_VERSION || size < 0) {
                throw new IOException("TransE model " + dir + ": " + TRIPLES + " is not a triples file of format "
                        + FORMAT_VERSION);
            }
            int[] h = new int[size];
            int[] r = new int[size];
            int[] t = new int[size];
            for (int i = 0; i < size; i++) {
                h[i] = in.readInt();
                r[i] = in.readInt();
                t[i] = in.readInt();
            }
            return Optional.of(new TripleStore(manifest.entityCount(), manifest.relationCount(), h, r, t));
        }
    }

    /**
     * OpenKE / Fast-TransX files: {@code entity2id.txt} and {@code relation2id.txt} (a count line, then
     * {@code name<TAB>id}), {@code entity2vec.vec} and {@code relation2vec.vec} (one vector a line, tab-separated),
     * and, when given, {@code train2id.txt} (a count line, then {@code head tail relation} ids).
     */
    public static void exportOpenKe(Path dir, NamedModel named, TripleStore train) throws IOException {
        Files.createDirectories(dir);
        writeIds(dir.resolve(ENTITY_IDS), named.entities());
        writeIds(dir.resolve(RELATION_IDS), named.relations());
        writeVectors(dir.resolve(ENTITY_VECTORS), named.model().entityVectors(), named.model().dimensions());
        writeVectors(dir.resolve(RELATION_VECTORS), named.model().relationVectors(), named.model().dimensions());
        if (train != null) {
            writeTriples(dir.resolve(TRAIN), train);
        }
    }

    /** Reads OpenKE / Fast-TransX vectors and ids (see {@link #exportOpenKe}). */
    public static NamedModel importOpenKe(Path dir, String name, Norm norm) throws IOException {
        List<String> entities = readIds(dir, ENTITY_IDS);
        List<String> relations = readIds(dir, RELATION_IDS);
        TransEModel model = readOpenKeVectors(dir, entities.size(), relations.size(), norm);
        Manifest manifest = new Manifest(FORMAT_VERSION, name, model.dimensions(), norm.name(), entities.size(),
                relations.size(), java.time.Instant.now().toString(), Map.of("importedFrom", dir.toString()));
        return new NamedModel(manifest, model, entities, relations);
    }

    /**
     * The vectors of {@code entity2vec.vec} and {@code relation2vec.vec} in {@code dir}, row i for id i, for
     * {@code entities} and {@code relations} ids (read from the folder's id files or another folder's).
     */
    public static TransEModel readOpenKeVectors(Path dir, int entities, int relations, Norm norm)
            throws IOException {
        float[][] entityVectors = readVectors(dir, ENTITY_VECTORS, entities, ENTITY_IDS);
        float[][] relationVectors = readVectors(dir, RELATION_VECTORS, relations, RELATION_IDS);
        int dim = entityVectors.length == 0 ? 0 : entityVectors[0].length;
        float[] e = flatten(entityVectors, dim, ENTITY_VECTORS);
        float[] r = flatten(relationVectors, dim, RELATION_VECTORS);
        return new TransEModel(dim, norm, e, r);
    }

    /** An OpenKE triples file: a count line, then {@code head tail relation} ids (e1 e2 rel), one triple a line. */
    static void writeTriples(Path file, TripleStore triples) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(triples.size() + "\n");
            for (int i = 0; i < triples.size(); i++) {
                out.write(triples.head(i) + " " + triples.tail(i) + " " + triples.relation(i) + "\n");
            }
        }
    }

    private static void writeIds(Path file, List<String> names) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(names.size() + "\n");
            for (int i = 0; i < names.size(); i++) {
                out.write(names.get(i) + "\t" + i + "\n");
            }
        }
    }

    /**
     * The names of an id file ({@code entity2id.txt}, {@code relation2id.txt}): a count line, then
     * {@code name<TAB>id} lines; name i is id i. Errors name the file, and the line as {@code file:line}.
     */
    public static List<String> readIds(Path dir, String fileName) throws IOException {
        Path file = requireFile(dir, fileName);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int count = countLine(file, lines, "entries");
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
                throw new IOException(String.format(Locale.ROOT, "%s:%d: expected `name<TAB>id` with a new id "
                        + "below the count %d of line 1, got `%s`", file, i + 1, count, line));
            }
            names[id] = line.substring(0, cut).strip();
        }
        for (int id = 0; id < count; id++) {
            if (names[id] == null) {
                throw new IOException(file + " names no entry for id " + id + " (count " + count + ")");
            }
        }
        return List.of(names);
    }

    /** {@code dir/fileName}, or an error that names both the file and the folder it is missing from. */
    static Path requireFile(Path dir, String fileName) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("The OpenKE folder " + dir + " does not exist (looked for " + fileName + " in it).");
        }
        Path file = dir.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new IOException(String.format(Locale.ROOT, "%s is missing from the OpenKE folder %s (%s). An OpenKE "
                    + "folder holds entity2id.txt and relation2id.txt (a count line, then `name<TAB>id` lines), "
                    + "train2id.txt (a count line, then `head tail relation` ids), optionally valid2id.txt and "
                    + "test2id.txt, and, for a trained model, entity2vec.vec and relation2vec.vec.",
                    fileName, dir, file));
        }
        return file;
    }

    /** Line 1 of an OpenKE file: how many entries follow. */
    static int countLine(Path file, List<String> lines, String what) throws IOException {
        if (lines.isEmpty()) {
            throw new IOException(file + ":1: expected the number of " + what + " on the first line; the file is empty");
        }
        try {
            int count = Integer.parseInt(lines.get(0).strip());
            if (count >= 0) return count;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(String.format(Locale.ROOT, "%s:1: expected the number of %s on the first line (OpenKE "
                + "files start with a count), got `%s`", file, what, lines.get(0).strip()));
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

    private static float[][] readVectors(Path dir, String fileName, int rows, String idFile) throws IOException {
        Path file = requireFile(dir, fileName);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<float[]> vectors = new ArrayList<>(rows);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            float[] vector = new float[f.length];
            for (int k = 0; k < f.length; k++) {
                try {
                    vector[k] = Float.parseFloat(f[k]);
                } catch (NumberFormatException e) {
                    throw new IOException(String.format(Locale.ROOT, "%s:%d: expected one vector a line (numbers "
                            + "separated by tabs), got `%s`", file, i + 1, f[k]));
                }
            }
            vectors.add(vector);
        }
        if (vectors.size() != rows) {
            throw new IOException(file + " has " + vectors.size() + " vectors for " + rows + " ids (" + idFile + ")");
        }
        return vectors.toArray(float[][]::new);
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
}
