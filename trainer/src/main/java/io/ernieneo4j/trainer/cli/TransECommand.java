package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.OpenKeDataset;
import io.ernieneo4j.trainer.transe.TrainingWarnings;
import io.ernieneo4j.trainer.transe.TransE;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TransEParameters;
import io.ernieneo4j.trainer.transe.TripleIndex;
import io.ernieneo4j.trainer.transe.TripleStore;
import io.ernieneo4j.trainer.wordnet.WordNet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code ernie-trainer transe}: TransE from a triples file, WordNet or an OpenKE / Fast-TransX folder; writes the
 * entity table ERNIE reads, OpenKE files with the input's ids, and link-prediction metrics.
 */
@Command(name = "transe",
        mixinStandardHelpOptions = true,
        description = {"Trains TransE on triples: --triples (head<TAB>relation<TAB>tail), --wordnet, or --openke, an "
                + "OpenKE / Fast-TransX folder whose ids are kept. Writes the entity vectors ERNIE reads (--out: one "
                + "entity a line, id<TAB>v1 v2 ...) and/or OpenKE files (--export-openke), and with --evaluate ranks "
                + "the held-out triples (filtered MR, MRR, Hits@1/3/10).",
                "--exclude-pairs keeps the facts a relation dev/test set asks about out of the embeddings.",
                "--import-openke turns vectors trained by OpenKE or Fast-TransX into the entity table instead of "
                        + "training; transe-evaluate ranks such vectors."})
final class TransECommand implements Callable<Integer> {

    @Option(names = "--triples", paramLabel = "FILE", description = "Triples, head<TAB>relation<TAB>tail (repeatable).")
    List<Path> triples = new ArrayList<>();

    @Option(names = "--wordnet", description = "Add every synset-to-synset pointer of the bundled WordNet 3.0 "
            + "(377 K triples over 117 K synsets, ids like 02084071-n).")
    boolean wordNet;

    @Option(names = "--openke", paramLabel = "DIR", description = "Train on an OpenKE / Fast-TransX data folder: "
            + "train2id.txt (a count line, then `head tail relation` ids), entity2id.txt and relation2id.txt (a count "
            + "line, then name<TAB>id). Its ids are kept (entity i is row i of every output); its valid2id.txt and "
            + "test2id.txt, when present, are the held-out triples. Not with --triples, --wordnet, --valid, --test.")
    Path openKe;

    @Option(names = "--valid", paramLabel = "FILE", description = "Validation triples, head<TAB>relation<TAB>tail "
            + "(with --triples or --wordnet): not learnt; filtered evaluation skips them; exported as valid2id.txt. "
            + "Triples naming an entity or relation that no training triple has are left out, and counted.")
    Path valid;

    @Option(names = "--test", paramLabel = "FILE", description = "Test triples, head<TAB>relation<TAB>tail (with "
            + "--triples or --wordnet): not learnt; what --evaluate ranks; exported as test2id.txt. Triples naming an "
            + "entity or relation that no training triple has are left out, and counted.")
    Path test;

    @Option(names = "--exclude-pairs", paramLabel = "FILE",
            description = "Relation JSON Lines whose (head, tail) entity pairs are removed from the training triples, "
                    + "in both directions (repeatable).")
    List<Path> excludePairs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "Entity table to write (one entity a line: "
            + "id<TAB>v1 v2 ...). At least one of --out, --export-openke and --evaluate is needed.")
    Path out;

    @Option(names = "--export-openke", paramLabel = "DIR", description = "After training, write OpenKE / Fast-TransX "
            + "files to DIR: entity2id.txt and relation2id.txt (copied from --openke, so the ids are the input's), "
            + "train2id.txt (head tail relation), entity2vec.vec, relation2vec.vec; with held-out triples also "
            + "valid2id.txt, test2id.txt, type_constrain.txt and test2id_all.txt, so that their testers can read DIR.")
    Path exportOpenKe;

    @Option(names = "--evaluate", arity = "0..1", fallbackValue = "test", paramLabel = "test|valid",
            description = "After training, rank the held-out triples (test unless =valid): the head and the tail of "
                    + "each among all entities, raw and filtered (other true triples of train, valid and test "
                    + "skipped; ties share their mean rank); prints MR, MRR, Hits@1/3/10.")
    String evaluate;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Also write the --evaluate results as JSON "
            + "(raw and filtered, by side).")
    Path metrics;

    @Option(names = "--dim", defaultValue = "100", description = "Vector size; ERNIE's H_e (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--epochs", defaultValue = "" + TransEParameters.DEFAULT_EPOCHS, description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--learning-rate", defaultValue = "" + TransEParameters.DEFAULT_LEARNING_RATE, description = "SGD step (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--margin", defaultValue = "" + TransEParameters.DEFAULT_MARGIN, description = "Hinge margin (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--norm", defaultValue = "L1", paramLabel = "L1|L2", description = "Distance ||h + r - t|| "
            + "learnt and ranked by: L1 (as Fast-TransX's TransE) or L2 (default: ${DEFAULT-VALUE}).")
    String norm;

    @Option(names = "--negatives", defaultValue = "1", paramLabel = "N",
            description = "Corrupted triples per true triple (default: ${DEFAULT-VALUE}).")
    int negatives;

    @Option(names = "--negative-sampling", defaultValue = TransEParameters.DEFAULT_NEGATIVE_SAMPLING_NAME, paramLabel = "uniform|bern",
            description = "Which end of a triple to corrupt: uniform (either, half the time) or bern (by the "
                    + "relation's tails per head and heads per tail) (default: ${DEFAULT-VALUE}).")
    String negativeSampling;

    @Option(names = "--initialisation", defaultValue = TransEParameters.DEFAULT_INITIALISATION_NAME, paramLabel = "small_normal|uniform_unit",
            description = "How vectors start: small_normal (components N(0, (1/dim)^2), as Fast-TransX; far better "
                    + "at --learning-rate 0.001) or uniform_unit (uniform in ±6/√dim, scaled to norm 1; better at "
                    + "0.01) (default: ${DEFAULT-VALUE}).")
    String initialisation;

    @Option(names = "--normalize-relations", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Also rescale relation vectors longer than 1 after each update, as Fast-TransX does "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean normalizeRelations;

    @Option(names = "--threads", defaultValue = "2", description = "Hogwild threads, and evaluation threads "
            + "(default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "Seed; with --threads 1 a run repeats exactly "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--import-openke", paramLabel = "DIR", description = "Do not train: read entity2id.txt and "
            + "entity2vec.vec (with relation2id.txt, relation2vec.vec) from DIR, e.g. written by OpenKE or "
            + "Fast-TransX, and write them as the entity table --out.")
    Path importOpenKe;

    /** The training input over dense ids, and the held-out triples over the same ids. */
    private record Input(List<String> entities, List<String> relations, TripleStore train, TripleStore allTrain,
                         TripleStore valid, int validSkipped, TripleStore test, int testSkipped, int excluded,
                         Path source) {}

    @Override
    public Integer call() throws Exception {
        if (importOpenKe != null) {
            return importVectors();
        }
        if (out == null && exportOpenKe == null && evaluate == null) {
            throw new IllegalArgumentException("Nothing to write: pass --out FILE (the entity table ERNIE reads) "
                    + "and/or --export-openke DIR (OpenKE / Fast-TransX files), or --evaluate.");
        }
        if (metrics != null && evaluate == null) {
            throw new IllegalArgumentException("--metrics writes the results of --evaluate: pass --evaluate too.");
        }
        if (evaluate != null && !evaluate.equals("test") && !evaluate.equals("valid")) {
            throw new IllegalArgumentException("--evaluate ranks the test or the valid triples: --evaluate, "
                    + "--evaluate=test or --evaluate=valid, not `" + evaluate + "`.");
        }
        TransEParameters parameters = parameters();
        Input input = openKe != null ? readOpenKe() : readTriples();
        TripleStore heldOut = evaluate == null ? null : evaluate.equals("valid") ? input.valid() : input.test();
        if (evaluate != null && heldOut == null) {
            throw new IllegalArgumentException("--evaluate" + (evaluate.equals("valid") ? "=valid" : "") + " needs "
                    + evaluate + " triples: " + (openKe != null
                    ? "the --openke folder " + openKe + " has no " + (evaluate.equals("valid")
                    ? OpenKeDataset.VALID : OpenKeDataset.TEST)
                    : "pass --" + evaluate + " FILE") + ".");
        }
        TripleStore train = input.train();
        BitSet learnt = new BitSet(train.entityCount());
        for (int i = 0; i < train.size(); i++) {
            learnt.set(train.head(i));
            learnt.set(train.tail(i));
        }
        System.out.printf(Locale.ROOT, "TransE on %,d triples%s (%,d removed by --exclude-pairs), %,d entities, "
                        + "%d relations; held out: %s valid, %s test triples%n", train.size(),
                input.source() == null ? "" : " of " + input.source(), input.excluded(), input.entities().size(),
                input.relations().size(), heldOutCount(input.valid(), input.validSkipped()),
                heldOutCount(input.test(), input.testSkipped()));
        if (learnt.cardinality() < train.entityCount()) {
            System.out.printf(Locale.ROOT, "%,d entities occur in no training triple: their vectors stay as "
                    + "initialised%n", train.entityCount() - learnt.cardinality());
        }
        Progress progress = message -> System.out.println(message);
        TransE.Result result = new TransE(train, parameters, progress, Termination.ALWAYS).train();
        System.out.printf(Locale.ROOT, "Trained in %.1f s, final loss %.4f%n", result.trainSeconds(),
                result.finalLoss());
        TrainingWarnings.of(result, parameters).forEach(warning -> System.err.println("WARNING: " + warning));
        if (out != null) {
            writeEntityTable(input.entities(), result.model().entityVectors(), dim);
            System.out.printf(Locale.ROOT, "Wrote %,d entity vectors to %s%n", input.entities().size(),
                    out.toAbsolutePath());
        }
        if (exportOpenKe != null) {
            var manifest = new TransEModelFiles.Manifest(TransEModelFiles.FORMAT_VERSION, "transe", dim,
                    parameters.norm().name(), input.entities().size(), input.relations().size(),
                    Instant.now().toString(), Map.of());
            var named = new TransEModelFiles.NamedModel(manifest, result.model(), input.entities(),
                    input.relations());
            OpenKeDataset.export(exportOpenKe, named, train, input.valid(), input.test(), input.source());
            System.out.printf(Locale.ROOT, "Wrote the model and its %,d training triples%s as OpenKE files to %s%s%n",
                    train.size(), input.test() == null ? "" : " (and the held-out triples)",
                    exportOpenKe.toAbsolutePath(), input.source() == null ? "" : ", with the ids of " + input.source());
        }
        if (evaluate != null) {
            List<String> filter = new ArrayList<>(List.of("train"));
            if (input.valid() != null) filter.add("valid");
            if (input.test() != null) filter.add("test");
            TripleStore known = OpenKeDataset.union(input.allTrain(), input.valid(), input.test());
            LinkPredictionOutput.evaluate(result.model(), new LinkPredictionOutput.Run(evaluate, heldOut,
                    evaluate.equals("valid") ? input.validSkipped() : input.testSkipped(), known, filter),
                    threads, System.out, metrics);
        }
        return 0;
    }

    private static String heldOutCount(TripleStore triples, int skipped) {
        if (triples == null) return "no";
        return String.format(Locale.ROOT, "%,d", triples.size())
                + (skipped == 0 ? "" : String.format(Locale.ROOT, " (%,d left out: not in training)", skipped));
    }

    private Integer importVectors() throws IOException {
        if (!triples.isEmpty() || wordNet || openKe != null || valid != null || test != null
                || !excludePairs.isEmpty() || exportOpenKe != null || evaluate != null || metrics != null) {
            throw new IllegalArgumentException("--import-openke reads vectors instead of training: it takes no "
                    + "--triples, --wordnet, --openke, --valid, --test, --exclude-pairs, --export-openke, --evaluate "
                    + "or --metrics (transe-evaluate ranks such vectors).");
        }
        if (out == null) {
            throw new IllegalArgumentException("--import-openke writes the entity table: pass --out FILE.");
        }
        var imported = TransEModelFiles.importOpenKe(importOpenKe, "openke", TransEParameters.Norm.L1);
        writeEntityTable(imported.entities(), imported.model().entityVectors(), imported.model().dimensions());
        System.out.printf(Locale.ROOT, "Wrote %,d %d-d entity vectors from %s to %s%n", imported.entities().size(),
                imported.model().dimensions(), importOpenKe.toAbsolutePath(), out.toAbsolutePath());
        return 0;
    }

    private TransEParameters parameters() {
        TransEParameters.NegativeSampling sampling = switch (negativeSampling.toLowerCase(Locale.ROOT)) {
            case "uniform", "unif" -> TransEParameters.NegativeSampling.UNIFORM;
            case "bern" -> TransEParameters.NegativeSampling.BERN;
            default -> throw new IllegalArgumentException("--negative-sampling must be uniform or bern, not '"
                    + negativeSampling + "'.");
        };
        TransEParameters.Initialisation start;
        try {
            start = TransEParameters.Initialisation.valueOf(initialisation.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--initialisation must be small_normal or uniform_unit, not '"
                    + initialisation + "'.");
        }
        TransEParameters.Norm distance;
        try {
            distance = TransEParameters.Norm.valueOf(norm.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--norm must be L1 or L2, not '" + norm + "'.");
        }
        try {
            return new TransEParameters(dim, epochs, learningRate, margin, distance, sampling, negatives, 10_000,
                    threads, seed, start, normalizeRelations);
        } catch (IllegalArgumentException e) {
            // the record names its fields (e.g. "learningRate must be > 0"); say which option
            throw new IllegalArgumentException("Invalid setting: " + e.getMessage() + " (--dim, --epochs, "
                    + "--learning-rate, --margin, --negatives, --threads).");
        }
    }

    /** An OpenKE folder, its ids kept. */
    private Input readOpenKe() throws IOException {
        if (!triples.isEmpty() || wordNet || valid != null || test != null) {
            throw new IllegalArgumentException("--openke reads its triples from the folder (train2id.txt, and "
                    + "valid2id.txt and test2id.txt when present): it takes no --triples, --wordnet, --valid or "
                    + "--test.");
        }
        if (exportOpenKe != null && Files.exists(exportOpenKe) && Files.isSameFile(exportOpenKe, openKe)) {
            throw new IllegalArgumentException("--export-openke " + exportOpenKe + " is the --openke folder: "
                    + "export to another folder, so that its train2id.txt and ids stay as they are.");
        }
        OpenKeDataset data = OpenKeDataset.read(openKe);
        Set<String> excluded = excludedPairs();
        TripleStore train = data.train();
        if (!excluded.isEmpty()) {
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                String head = data.entities().get(train.head(i));
                String tail = data.entities().get(train.tail(i));
                if (!excluded.contains(head + '\t' + tail)) kept.add(i);
            }
            int[] h = new int[kept.size()];
            int[] r = new int[kept.size()];
            int[] t = new int[kept.size()];
            for (int k = 0; k < kept.size(); k++) {
                h[k] = train.head(kept.get(k));
                r[k] = train.relation(kept.get(k));
                t[k] = train.tail(kept.get(k));
            }
            train = new TripleStore(train.entityCount(), train.relationCount(), h, r, t);
        }
        return new Input(data.entities(), data.relations(), train, data.train(), data.valid(), 0, data.test(), 0,
                data.train().size() - train.size(), openKe);
    }

    /** Tab-separated triples and/or WordNet, ids in first-seen order; held-out triples over those ids. */
    private Input readTriples() throws IOException {
        List<Triple> all = new ArrayList<>();
        for (Path file : triples) {
            all.addAll(readTsv(file, "--triples"));
        }
        if (wordNet) {
            WordNet.load().pointers().forEach(p -> all.add(new Triple(p.source(), p.relation().name(), p.target())));
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("No triples: pass --triples FILE and/or --wordnet, or --openke DIR.");
        }
        Set<String> excluded = excludedPairs();
        List<Triple> kept = all.stream().filter(t -> !excluded.contains(t.head() + '\t' + t.tail())).toList();
        TripleIndex index = new TripleIndex();
        TripleStore train = index.addAll(kept);
        TripleStore allTrain = known(index, all).store();
        Known validKnown = valid == null ? null : known(index, readTsv(valid, "--valid"));
        Known testKnown = test == null ? null : known(index, readTsv(test, "--test"));
        return new Input(index.entities(), index.relations(), train, allTrain,
                validKnown == null ? null : validKnown.store(), validKnown == null ? 0 : validKnown.skipped(),
                testKnown == null ? null : testKnown.store(), testKnown == null ? 0 : testKnown.skipped(),
                all.size() - kept.size(), null);
    }

    private record Known(TripleStore store, int skipped) {}

    /** The triples whose entities and relation the index knows, over its ids; how many it did not. */
    private static Known known(TripleIndex index, List<Triple> triples) {
        List<int[]> ids = new ArrayList<>();
        for (Triple triple : triples) {
            Integer h = index.entityId(triple.head());
            Integer r = index.relationId(triple.relation());
            Integer t = index.entityId(triple.tail());
            if (h != null && r != null && t != null) ids.add(new int[] {h, r, t});
        }
        int[] h = new int[ids.size()];
        int[] r = new int[ids.size()];
        int[] t = new int[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            h[i] = ids.get(i)[0];
            r[i] = ids.get(i)[1];
            t[i] = ids.get(i)[2];
        }
        return new Known(new TripleStore(index.entityCount(), index.relationCount(), h, r, t),
                triples.size() - ids.size());
    }

    /** A tab-separated triples file; an OpenKE file given instead is named as one. */
    private static List<Triple> readTsv(Path file, String option) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(option + " " + file + ": no such file.");
        }
        try {
            return DatasetFiles.readTriples(file);
        } catch (IOException e) {
            List<String> first = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).limit(1).toList();
            if (!first.isEmpty() && first.get(0).strip().matches("\\d+")) {
                Path folder = file.toAbsolutePath().getParent();
                throw new IOException(e.getMessage() + ". " + file.getFileName() + " looks like an OpenKE file (a "
                        + "count line, then `head tail relation` ids): train on its folder with --openke " + folder
                        + ".", e);
            }
            throw e;
        }
    }

    private Set<String> excludedPairs() throws IOException {
        Set<String> excluded = new HashSet<>();
        for (Path file : excludePairs) {
            for (SourceLine<RelationExample> line : SourceLine.read(file, RelationExample.class)) {
                Mention head = line.record().head();
                Mention tail = line.record().tail();
                excluded.add(head.entity() + '\t' + tail.entity());
                excluded.add(tail.entity() + '\t' + head.entity());
            }
        }
        return excluded;
    }

    /** The entity table ERNIE reads: {@code id<TAB>v1 v2 ...}, one entity a line. */
    private void writeEntityTable(List<String> entities, float[] vectors, int dimensions) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int e = 0; e < entities.size(); e++) {
                StringBuilder line = new StringBuilder(entities.get(e)).append('\t');
                for (int i = 0; i < dimensions; i++) {
                    line.append(i == 0 ? "" : " ").append(vectors[e * dimensions + i]);
                }
                writer.write(line.append('\n').toString());
            }
        }
    }
}
