package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TrainingWarnings;
import io.ernieneo4j.trainer.transe.TransE;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TransEParameters;
import io.ernieneo4j.trainer.transe.TripleIndex;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code ernie-trainer transe}: entity embeddings for ERNIE's entity input, as an entity-table file. */
@Command(name = "transe",
        mixinStandardHelpOptions = true,
        description = {"Trains TransE on triples and writes the entity vectors ERNIE reads "
                + "(one entity a line: id<TAB>v1 v2 ...).",
                "--exclude-pairs keeps the facts a relation dev/test set asks about out of the embeddings.",
                "--export-openke also writes the model and its training triples as OpenKE / Fast-TransX files; "
                        + "--import-openke turns such files into the entity table instead of training."})
final class TransECommand implements Callable<Integer> {

    @Option(names = "--triples", paramLabel = "FILE", description = "Triples, head<TAB>relation<TAB>tail (repeatable).")
    List<Path> triples = new ArrayList<>();

    @Option(names = "--wordnet", description = "Add every synset-to-synset pointer of the bundled WordNet 3.0 "
            + "(377 K triples over 117 K synsets, ids like 02084071-n).")
    boolean wordNet;

    @Option(names = "--exclude-pairs", paramLabel = "FILE",
            description = "Relation JSON Lines whose (head, tail) entity pairs are removed from the triples, in "
                    + "both directions (repeatable).")
    List<Path> excludePairs = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Entity table to write.")
    Path out;

    @Option(names = "--dim", defaultValue = "100", description = "Vector size; ERNIE's H_e (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--epochs", defaultValue = "300", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--learning-rate", defaultValue = "0.01", description = "SGD step (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--margin", defaultValue = "1.0", description = "Hinge margin (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--negative-sampling", defaultValue = "bern", paramLabel = "uniform|bern",
            description = "Which end of a triple to corrupt: uniform (either, half the time) or bern (by the "
                    + "relation's tails per head and heads per tail) (default: ${DEFAULT-VALUE}).")
    String negativeSampling;

    @Option(names = "--initialisation", defaultValue = "uniform_unit", paramLabel = "small_normal|uniform_unit",
            description = "How vectors start: small_normal (components N(0, (1/dim)^2), as Fast-TransX; far better "
                    + "at --learning-rate 0.001) or uniform_unit (uniform in ±6/√dim, scaled to norm 1; better at "
                    + "0.01) (default: ${DEFAULT-VALUE}).")
    String initialisation;

    @Option(names = "--normalize-relations", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Also rescale relation vectors longer than 1 after each update, as Fast-TransX does "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean normalizeRelations;

    @Option(names = "--threads", defaultValue = "2", description = "Hogwild threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--export-openke", paramLabel = "DIR", description = "After training, also write OpenKE / "
            + "Fast-TransX files to DIR: entity2id.txt, relation2id.txt, train2id.txt (head tail relation), "
            + "entity2vec.vec, relation2vec.vec.")
    Path exportOpenKe;

    @Option(names = "--import-openke", paramLabel = "DIR", description = "Do not train: read entity2id.txt and "
            + "entity2vec.vec (with relation2id.txt, relation2vec.vec) from DIR, e.g. written by OpenKE or "
            + "Fast-TransX, and write them as the entity table --out.")
    Path importOpenKe;

    @Override
    public Integer call() throws Exception {
        if (importOpenKe != null) {
            if (!triples.isEmpty() || wordNet || !excludePairs.isEmpty() || exportOpenKe != null) {
                throw new IllegalArgumentException("--import-openke reads vectors instead of training: it takes no "
                        + "--triples, --wordnet, --exclude-pairs or --export-openke.");
            }
            var imported = TransEModelFiles.importOpenKe(importOpenKe, "openke", TransEParameters.Norm.L1);
            writeEntityTable(imported.entities(), imported.model().entityVectors(), imported.model().dimensions());
            System.out.printf(Locale.ROOT, "Wrote %,d %d-d entity vectors from %s to %s%n", imported.entities().size(),
                    imported.model().dimensions(), importOpenKe.toAbsolutePath(), out.toAbsolutePath());
            return 0;
        }
        List<Triple> all = new ArrayList<>();
        for (Path file : triples) {
            all.addAll(DatasetFiles.readTriples(file));
        }
        if (wordNet) {
            WordNet.load().pointers().forEach(p -> all.add(new Triple(p.source(), p.relation().name(), p.target())));
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("No triples: pass --triples FILE and/or --wordnet.");
        }
        Set<String> excluded = new HashSet<>();
        for (Path file : excludePairs) {
            for (SourceLine<RelationExample> line : SourceLine.read(file, RelationExample.class)) {
                Mention head = line.record().head();
                Mention tail = line.record().tail();
                excluded.add(head.entity() + '\t' + tail.entity());
                excluded.add(tail.entity() + '\t' + head.entity());
            }
        }
        List<Triple> kept = all.stream().filter(t -> !excluded.contains(t.head() + '\t' + t.tail())).toList();
        TripleIndex index = new TripleIndex();
        var store = index.addAll(kept);
        System.out.printf(Locale.ROOT, "TransE on %,d triples (%,d removed by --exclude-pairs), %,d entities, "
                + "%d relations%n", kept.size(), all.size() - kept.size(), index.entityCount(), index.relationCount());
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
        TransEParameters parameters = new TransEParameters(dim, epochs, learningRate, margin,
                TransEParameters.Norm.L1, sampling, 1, 10_000, threads, seed, start, normalizeRelations);
        Progress progress = message -> System.out.println(message);
        TransE.Result result = new TransE(store, parameters, progress, Termination.ALWAYS).train();
        writeEntityTable(index.entities(), result.model().entityVectors(), dim);
        System.out.printf(Locale.ROOT, "Wrote %,d entity vectors to %s (%.1f s, final loss %.4f)%n",
                index.entityCount(), out.toAbsolutePath(), result.trainSeconds(), result.finalLoss());
        TrainingWarnings.of(result, parameters).forEach(warning -> System.err.println("WARNING: " + warning));
        if (exportOpenKe != null) {
            var manifest = new TransEModelFiles.Manifest(TransEModelFiles.FORMAT_VERSION, "transe", dim,
                    parameters.norm().name(), index.entityCount(), index.relationCount(), Instant.now().toString(),
                    Map.of());
            var named = new TransEModelFiles.NamedModel(manifest, result.model(), index.entities(), index.relations());
            TransEModelFiles.exportOpenKe(exportOpenKe, named, store);
            System.out.printf(Locale.ROOT, "Wrote the model and its %,d training triples as OpenKE files to %s%n",
                    store.size(), exportOpenKe.toAbsolutePath());
        }
        return 0;
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
