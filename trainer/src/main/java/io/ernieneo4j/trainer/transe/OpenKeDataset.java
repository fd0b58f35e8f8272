package io.ernieneo4j.trainer.transe;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A knowledge graph in an OpenKE / Fast-TransX data folder: {@code entity2id.txt} and {@code relation2id.txt} (a
 * count line, then {@code name<TAB>id}), {@code train2id.txt} and, when present, {@code valid2id.txt} and
 * {@code test2id.txt} (a count line, then {@code head tail relation} ids: e1 e2 rel, in that order). The ids are the
 * folder's own: entity i is line {@code i} of the names, and every triple store here is over them.
 *
 * @param valid null when the folder has no {@code valid2id.txt}
 * @param test  null when the folder has no {@code test2id.txt}
 */
public record OpenKeDataset(List<String> entities, List<String> relations, TripleStore train, TripleStore valid,
                            TripleStore test) {

    public static final String VALID = "valid2id.txt";
    public static final String TEST = "test2id.txt";
    /** Per relation, the entities seen as its heads and as its tails (OpenKE's type-constrained evaluation). */
    public static final String TYPE_CONSTRAIN = "type_constrain.txt";
    /** The test triples with their relation's category (0 1-1, 1 1-n, 2 n-1, 3 n-n), as Fast-TransX's testers read. */
    public static final String TEST_CATEGORIES = "test2id_all.txt";

    /** Reads {@code dir}; its {@code entity2id.txt}, {@code relation2id.txt} and {@code train2id.txt} must exist. */
    public static OpenKeDataset read(Path dir) throws IOException {
        List<String> entities = TransEModelFiles.readIds(dir, TransEModelFiles.ENTITY_IDS);
        List<String> relations = TransEModelFiles.readIds(dir, TransEModelFiles.RELATION_IDS);
        TripleStore train = readTriples(TransEModelFiles.requireFile(dir, TransEModelFiles.TRAIN), entities.size(),
                relations.size());
        TripleStore valid = Files.isRegularFile(dir.resolve(VALID))
                ? readTriples(dir.resolve(VALID), entities.size(), relations.size()) : null;
        TripleStore test = Files.isRegularFile(dir.resolve(TEST))
                ? readTriples(dir.resolve(TEST), entities.size(), relations.size()) : null;
        return new OpenKeDataset(entities, relations, train, valid, test);
    }

    /** Every true triple the folder knows (train, valid and test): what filtered evaluation skips. */
    public TripleStore known() {
        return union(train, valid, test);
    }

    /** The stores given, null ones left out, as one (the first must not be null). */
    public static TripleStore union(TripleStore first, TripleStore... others) {
        List<TripleStore> present = new ArrayList<>();
        for (TripleStore o : others) {
            if (o != null) present.add(o);
        }
        return first.union(present.toArray(TripleStore[]::new));
    }

    /**
     * An OpenKE triples file over {@code entities} and {@code relations} ids. Errors give {@code file:line} and
     * the expected format.
     */
    public static TripleStore readTriples(Path file, int entities, int relations) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int count = TransEModelFiles.countLine(file, lines, "triples");
        int[] h = new int[count];
        int[] r = new int[count];
        int[] t = new int[count];
        int n = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            int[] ids = new int[3];
            boolean numbers = f.length == 3;
            for (int k = 0; numbers && k < 3; k++) {
                try {
                    ids[k] = Integer.parseInt(f[k]);
                } catch (NumberFormatException e) {
                    numbers = false;
                }
            }
            if (!numbers) {
                throw new IOException(String.format(Locale.ROOT, "%s:%d: expected `head tail relation` (three ids, "
                        + "e1 e2 rel, separated by spaces or tabs), got `%s`", file, i + 1, line));
            }
            if (n == count) {
                throw new IOException(String.format(Locale.ROOT, "%s:%d: more triples than the %d line 1 declares",
                        file, i + 1, count));
            }
            check(file, i + 1, "head", ids[0], entities, TransEModelFiles.ENTITY_IDS);
            check(file, i + 1, "tail", ids[1], entities, TransEModelFiles.ENTITY_IDS);
            check(file, i + 1, "relation", ids[2], relations, TransEModelFiles.RELATION_IDS);
            h[n] = ids[0];
            t[n] = ids[1];
            r[n] = ids[2];
            n++;
        }
        if (n != count) {
            throw new IOException(String.format(Locale.ROOT, "%s: line 1 declares %d triples, but %d follow",
                    file, count, n));
        }
        return new TripleStore(entities, relations, h, r, t);
    }

    private static void check(Path file, int line, String what, int id, int bound, String idFile)
            throws IOException {
        if (id < 0 || id >= bound) {
            throw new IOException(String.format(Locale.ROOT, "%s:%d: %s id %d is not one of the %d ids of %s "
                    + "(`head tail relation`, e1 e2 rel)", file, line, what, id, bound, idFile));
        }
    }

    /**
     * Writes a model and its triples as an OpenKE data folder that the OpenKE and Fast-TransX testers read:
     * {@link TransEModelFiles#exportOpenKe} (ids, vectors, {@code train2id.txt}), then, when {@code test} is given,
     * {@code test2id.txt}, {@code valid2id.txt} (with a count of 0 when there is no {@code valid}: the testers open
     * it), {@code type_constrain.txt} and {@code test2id_all.txt}. With a {@code source} folder (the OpenKE folder
     * the model was trained from, whose ids the model kept) its {@code entity2id.txt} and {@code relation2id.txt},
     * and its {@code type_constrain.txt} and {@code test2id_all.txt} when it has them, are copied byte for byte.
     */
    public static void export(Path dir, TransEModelFiles.NamedModel named, TripleStore train, TripleStore valid,
                              TripleStore test, Path source) throws IOException {
        if (source != null && Files.exists(dir) && Files.isSameFile(source, dir)) {
            throw new IllegalArgumentException("The OpenKE export folder " + dir + " is the folder the triples were "
                    + "read from; export to another folder, so that its train2id.txt and ids stay as they are.");
        }
        TransEModelFiles.exportOpenKe(dir, named, train);
        if (source != null) {
            copy(source, dir, TransEModelFiles.ENTITY_IDS);
            copy(source, dir, TransEModelFiles.RELATION_IDS);
        }
        if (valid != null) {
            TransEModelFiles.writeTriples(dir.resolve(VALID), valid);
        }
        if (test == null) {
            return;
        }
        TransEModelFiles.writeTriples(dir.resolve(TEST), test);
        if (valid == null) {
            TransEModelFiles.writeTriples(dir.resolve(VALID), new TripleStore(train.entityCount(),
                    train.relationCount(), new int[0], new int[0], new int[0]));
        }
        TripleStore all = union(train, valid, test);
        if (source == null || !copy(source, dir, TYPE_CONSTRAIN)) {
            writeTypeConstraints(dir.resolve(TYPE_CONSTRAIN), all);
        }
        if (source == null || !copy(source, dir, TEST_CATEGORIES)) {
            writeTestCategories(dir.resolve(TEST_CATEGORIES), test, all);
        }
    }

    private static boolean copy(Path from, Path to, String file) throws IOException {
        if (!Files.isRegularFile(from.resolve(file))) return false;
        Files.copy(from.resolve(file), to.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /**
     * {@code type_constrain.txt}: the number of relations, then for each relation two lines,
     * {@code rel<TAB>n<TAB>head ids} and {@code rel<TAB>n<TAB>tail ids}, of the entities seen at that end in
     * {@code all}. Every relation id is listed (with n = 0 when it has no triple), as the testers read one pair of
     * lines per relation of {@code relation2id.txt}.
     */
    public static void writeTypeConstraints(Path file, TripleStore all) throws IOException {
        int relations = all.relationCount();
        BitSet[] heads = new BitSet[relations];
        BitSet[] tails = new BitSet[relations];
        for (int r = 0; r < relations; r++) {
            heads[r] = new BitSet();
            tails[r] = new BitSet();
        }
        for (int i = 0; i < all.size(); i++) {
            heads[all.relation(i)].set(all.head(i));
            tails[all.relation(i)].set(all.tail(i));
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(relations + "\n");
            for (int r = 0; r < relations; r++) {
                for (BitSet ends : new BitSet[] {heads[r], tails[r]}) {
                    StringBuilder line = new StringBuilder().append(r).append('\t').append(ends.cardinality());
                    ends.stream().forEach(e -> line.append('\t').append(e));
                    out.write(line.append('\n').toString());
                }
            }
        }
    }

    /**
     * {@code test2id_all.txt}: the test count, then {@code category<TAB>head tail relation} per test triple, the
     * category of its relation over {@code all} triples: tails per (head, relation) and heads per (relation, tail),
     * each averaged over the pairs, above 1.5 or not, give 0 (1-1), 1 (1-n), 2 (n-1) or 3 (n-n) (Bordes et al.,
     * 2013).
     */
    public static void writeTestCategories(Path file, TripleStore test, TripleStore all) throws IOException {
        int relations = all.relationCount();
        Map<Long, Integer> tailsPerHead = new HashMap<>();
        Map<Long, Integer> headsPerTail = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            long r = all.relation(i);
            tailsPerHead.merge(r * all.entityCount() + all.head(i), 1, Integer::sum);
            headsPerTail.merge(r * all.entityCount() + all.tail(i), 1, Integer::sum);
        }
        double[] tailSum = new double[relations];
        double[] tailPairs = new double[relations];
        double[] headSum = new double[relations];
        double[] headPairs = new double[relations];
        tailsPerHead.forEach((key, n) -> {
            int r = (int) (key / all.entityCount());
            tailSum[r] += n;
            tailPairs[r]++;
        });
        headsPerTail.forEach((key, n) -> {
            int r = (int) (key / all.entityCount());
            headSum[r] += n;
            headPairs[r]++;
        });
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(test.size() + "\n");
            for (int i = 0; i < test.size(); i++) {
                int r = test.relation(i);
                boolean manyTails = tailSum[r] / tailPairs[r] > 1.5;
                boolean manyHeads = headSum[r] / headPairs[r] > 1.5;
                int category = (manyTails ? 1 : 0) + (manyHeads ? 2 : 0);
                out.write(category + "\t" + test.head(i) + " " + test.tail(i) + " " + r + "\n");
            }
        }
    }
}
