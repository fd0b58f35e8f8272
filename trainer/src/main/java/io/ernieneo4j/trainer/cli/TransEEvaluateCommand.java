package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.transe.OpenKeDataset;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TransEParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ernie-trainer transe-evaluate}: link prediction for TransE vectors in OpenKE files (written by
 * {@code transe --export-openke}, OpenKE or Fast-TransX) on an OpenKE data folder's test (or valid) triples.
 */
@Command(name = "transe-evaluate",
        mixinStandardHelpOptions = true,
        description = {"Ranks the test (or valid) triples of an OpenKE / Fast-TransX data folder with TransE vectors "
                + "in OpenKE files (entity2vec.vec, relation2vec.vec): the head and the tail of each among all "
                + "entities, raw and filtered (the other true triples of train2id.txt, valid2id.txt and test2id.txt "
                + "skipped); ties share their mean rank. Prints MR, MRR and Hits@1/3/10.",
                "The vectors must be row i for id i of the folder's entity2id.txt and relation2id.txt; a --vectors "
                        + "folder with id files of its own is checked against them."})
final class TransEEvaluateCommand implements Callable<Integer> {

    @Option(names = "--openke", required = true, paramLabel = "DIR", description = "The OpenKE data folder: "
            + "entity2id.txt, relation2id.txt, train2id.txt, test2id.txt (or valid2id.txt), optionally valid2id.txt.")
    Path openKe;

    @Option(names = "--vectors", paramLabel = "DIR", description = "The folder of entity2vec.vec and "
            + "relation2vec.vec (one vector a line, row i for id i) (default: the --openke folder).")
    Path vectors;

    @Option(names = "--norm", defaultValue = "L1", paramLabel = "L1|L2", description = "The distance the vectors "
            + "were trained with (default: ${DEFAULT-VALUE}).")
    String norm;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|valid", description = "Which held-out "
            + "triples to rank (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--threads", defaultValue = "2", description = "Evaluation threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Also write the results as JSON (raw and "
            + "filtered, by side).")
    Path metrics;

    @Override
    public Integer call() throws Exception {
        TransEParameters.Norm distance;
        try {
            distance = TransEParameters.Norm.valueOf(norm.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--norm must be L1 or L2, not '" + norm + "'.");
        }
        if (!split.equals("test") && !split.equals("valid")) {
            throw new IllegalArgumentException("--split must be test or valid, not '" + split + "'.");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1.");
        }
        OpenKeDataset data = OpenKeDataset.read(openKe);
        var heldOut = split.equals("test") ? data.test() : data.valid();
        if (heldOut == null) {
            throw new IOException((split.equals("test") ? OpenKeDataset.TEST : OpenKeDataset.VALID) + " is missing "
                    + "from the OpenKE folder " + openKe + ": it holds the " + split + " triples to rank (a count "
                    + "line, then `head tail relation` ids).");
        }
        Path vectorDir = vectors == null ? openKe : vectors;
        if (vectors == null && !Files.isRegularFile(openKe.resolve(TransEModelFiles.ENTITY_VECTORS))) {
            throw new IOException(TransEModelFiles.ENTITY_VECTORS + " is missing from the OpenKE folder " + openKe
                    + ": pass --vectors DIR, the folder of the trained vectors (e.g. written by transe "
                    + "--export-openke DIR, or Fast-TransX's output folder).");
        }
        if (vectors != null) {
            sameIds(vectorDir, TransEModelFiles.ENTITY_IDS, data.entities());
            sameIds(vectorDir, TransEModelFiles.RELATION_IDS, data.relations());
        }
        TransEModel model = TransEModelFiles.readOpenKeVectors(vectorDir, data.entities().size(),
                data.relations().size(), distance);
        List<String> filter = new ArrayList<>(List.of("train"));
        if (data.valid() != null) filter.add("valid");
        if (data.test() != null) filter.add("test");
        System.out.printf(Locale.ROOT, "%d-d %s vectors of %s on %s%n", model.dimensions(), distance,
                vectorDir.toAbsolutePath(), openKe.toAbsolutePath());
        LinkPredictionOutput.evaluate(model, new LinkPredictionOutput.Run(split, heldOut, 0, data.known(), filter),
                threads, System.out, metrics);
        return 0;
    }

    /** The vectors' own id file, when they have one, names the data's ids: else the ranks would be garbage. */
    private static void sameIds(Path dir, String file, List<String> expected) throws IOException {
        if (!Files.isRegularFile(dir.resolve(file))) return;
        Path data = dir.resolve(file);
        List<String> names = TransEModelFiles.readIds(dir, file);
        if (names.equals(expected)) return;
        int id = 0;
        while (id < Math.min(names.size(), expected.size()) && names.get(id).equals(expected.get(id))) id++;
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s does not number the names as the data "
                        + "folder does (%d vs %d names; id %d is %s there and %s in the data): the vectors were "
                        + "trained on other ids, and ranking them against this folder's triples would be garbage.",
                data, names.size(), expected.size(), id, id < names.size() ? "`" + names.get(id) + "`" : "absent",
                id < expected.size() ? "`" + expected.get(id) + "`" : "absent"));
    }
}
