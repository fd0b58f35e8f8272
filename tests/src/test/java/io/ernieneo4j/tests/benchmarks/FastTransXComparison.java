package io.ernieneo4j.tests.benchmarks;

import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictionEvaluator;
import io.ernieneo4j.trainer.transe.LinkPredictionMetrics;
import io.ernieneo4j.trainer.transe.OpenKeDataset;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trainer's command line against thunlp's Fast-TransX on the same OpenKE folder, at Fast-TransX's settings (dim
 * 100, L1, lr 0.001, margin 1, uniform negatives, one negative, 1000 epochs) and 2 threads: runs interleaved (Fast-TransX,
 * then the trainer, per pair), each a process of its own timed from start to exit (reading the files, training and
 * writing the vectors), and both tools' vectors ranked by the same evaluator (filtered, both sides, all entities).
 *
 * <p>Fast-TransX is not part of this project: build {@code transE/transE.cpp} from its public repository yourself
 * ({@code g++ transE.cpp -o transE -pthread -O3 -march=native}, after adding the {@code return NULL;} its
 * {@code train()} lacks, without which GCC -O3 loops forever) and pass the binary's path.
 * <pre>
 * ./ernie.sh trainer datasets wordnet --out /tmp/wn        # the WN18-like split as TSV files
 * ./ernie.sh trainer transe --triples /tmp/wn/wn18/train.tsv --valid /tmp/wn/wn18/dev.tsv \
 *     --test /tmp/wn/wn18/test.tsv --epochs 1 --export-openke /tmp/wn18   # as an OpenKE folder (any such folder will do)
 * ./ernie.sh benchmark FastTransXComparison /path/to/transE /tmp/wn18 [pairs] [epochs]
 * </pre>
 */
public final class FastTransXComparison {

    public static void main(String[] args) throws Exception {
        String[] a = BenchmarkReport.arguments(args);
        if (a.length < 2) {
            throw new IllegalArgumentException("usage: FastTransXComparison FAST_TRANSX_BINARY OPENKE_DIR [pairs] [epochs]");
        }
        Path binary = Path.of(a[0]);
        Path data = Path.of(a[1]);
        int pairs = a.length > 2 ? Integer.parseInt(a[2]) : 3;
        int epochs = a.length > 3 ? Integer.parseInt(a[3]) : 1000;
        BenchmarkReport report = new BenchmarkReport("transe-vs-fast-transx", "./ernie.sh benchmark "
                + "FastTransXComparison FAST_TRANSX_BINARY " + data.getFileName() + " " + pairs + " " + epochs);
        OpenKeDataset dataset = OpenKeDataset.read(data);
        Path work = Files.createTempDirectory("fast-transx-comparison");

        List<Map<String, Object>> runs = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int pair = 1; pair <= pairs; pair++) {
            Path theirs = Files.createDirectories(work.resolve("fast-transx-" + pair));
            double load = load();
            double theirSeconds = time(List.of(binary.toString(), "-input", data + File.separator, "-output",
                    theirs + File.separator, "-thread", "2", "-epochs", String.valueOf(epochs), "-size", "100",
                    "-alpha", "0.001", "-margin", "1"), work.resolve("fast-transx-" + pair + ".log"));
            Path ours = work.resolve("trainer-" + pair);
            double ourSeconds = time(trainerCommand(data, ours, epochs, pair), work.resolve("trainer-" + pair + ".log"));
            ratios.add(ourSeconds / theirSeconds);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("pair", pair);
            run.put("loadAverageAtStart", load);
            run.put("fastTransXSeconds", round(theirSeconds));
            run.put("trainerSeconds", round(ourSeconds));
            run.put("trainerToFastTransXTime", round(ourSeconds / theirSeconds));
            run.put("fastTransX", metrics(dataset, theirs));
            run.put("trainer", metrics(dataset, ours));
            runs.add(run);
            System.out.printf(Locale.ROOT, "pair %d (load %.2f): Fast-TransX %.1f s, trainer %.1f s (%.2f×); %s | %s%n",
                    pair, load, theirSeconds, ourSeconds, ourSeconds / theirSeconds, run.get("fastTransX"),
                    run.get("trainer"));
        }
        report.put("data", data.getFileName().toString())
                .put("trainTriples", dataset.train().size())
                .put("testTriples", dataset.test().size())
                .put("entities", dataset.entities().size())
                .put("settings", "dim 100, L1, lr 0.001, margin 1, uniform negatives, 1 negative, " + epochs
                        + " epochs, 2 threads; the trainer also with Fast-TransX's small start and relation rescaling")
                .put("runs", runs)
                .put("trainerToFastTransXTimeMedian", round(median(ratios)))
                .put("fastTransXFilteredMRRMean", round(mean(runs, "fastTransX", "filteredMRR")))
                .put("trainerFilteredMRRMean", round(mean(runs, "trainer", "filteredMRR")))
                .put("fastTransXFilteredHits@10Mean", round(mean(runs, "fastTransX", "filteredHits@10")))
                .put("trainerFilteredHits@10Mean", round(mean(runs, "trainer", "filteredHits@10")));
        report.write();
    }

    /** The trainer's command line, in a JVM of its own on this JVM's class path. */
    private static List<String> trainerCommand(Path data, Path out, int epochs, int seed) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), "io.ernieneo4j.trainer.cli.ErnieTrainer",
                "transe", "--openke", data.toString(), "--export-openke", out.toString(), "--epochs",
                String.valueOf(epochs), "--threads", "2", "--learning-rate", "0.001", "--margin", "1",
                "--negative-sampling", "uniform", "--initialisation", "small_normal", "--normalize-relations",
                "--seed", String.valueOf(seed));
    }

    private static double time(List<String> command, Path log) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(command.get(0) + " exited with " + exit + "; see " + log);
        }
        return seconds;
    }

    private static Map<String, Object> metrics(OpenKeDataset dataset, Path vectors) throws IOException {
        TransEModel model = TransEModelFiles.readOpenKeVectors(vectors, dataset.entities().size(),
                dataset.relations().size(), Norm.L1);
        LinkPredictionMetrics filtered = new LinkPredictionEvaluator(model, dataset.known(), 2, Termination.ALWAYS)
                .evaluate(dataset.test(), false).filtered();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("filteredMRR", round(filtered.mrr()));
        metrics.put("filteredHits@10", round(filtered.hitsAt10()));
        metrics.put("filteredMR", Math.round(filtered.meanRank()));
        return metrics;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    @SuppressWarnings("unchecked")
    private static double mean(List<Map<String, Object>> runs, String tool, String figure) {
        return runs.stream().mapToDouble(r -> ((Number) ((Map<String, Object>) r.get(tool)).get(figure)).doubleValue())
                .average().orElse(Double.NaN);
    }

    private static double median(List<Double> xs) {
        double[] sorted = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
