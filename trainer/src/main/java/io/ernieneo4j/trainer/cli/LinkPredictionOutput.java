package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictionEvaluator;
import io.ernieneo4j.trainer.transe.LinkPredictionMetrics;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TripleStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Link prediction from the command line ({@code transe --evaluate}, {@code transe-evaluate}): the standard filtered
 * protocol of {@link LinkPredictionEvaluator}, printed as a table and, with {@code --metrics}, written as JSON.
 */
final class LinkPredictionOutput {

    /**
     * What was evaluated.
     *
     * @param split    the held-out set ranked: {@code test} or {@code valid}
     * @param skipped  held-out triples left out because an entity or relation of theirs is not in the model
     * @param filter   the sets whose triples filtered ranking skips, e.g. [train, valid, test]
     */
    record Run(String split, TripleStore triples, int skipped, TripleStore known, List<String> filter) {}

    private LinkPredictionOutput() {}

    /** Evaluates, prints the table to {@code out}, writes {@code metrics} when not null; returns the report. */
    static LinkPredictionEvaluator.Report evaluate(TransEModel model, Run run, int threads, PrintStream out,
                                                   Path metrics) throws IOException {
        if (run.triples().size() == 0) {
            throw new IllegalArgumentException("No " + run.split() + " triples to evaluate"
                    + (run.skipped() > 0 ? " (all " + run.skipped() + " name an entity or relation not in training)"
                    : "") + ".");
        }
        var report = new LinkPredictionEvaluator(model, run.known(), threads, Termination.ALWAYS)
                .evaluate(run.triples(), false);
        print(out, run, model.entityCount(), report);
        if (metrics != null) {
            DatasetFiles.writeJson(metrics, json(run, model.entityCount(), report));
            out.printf(Locale.ROOT, "Wrote the metrics to %s%n", metrics.toAbsolutePath());
        }
        return report;
    }

    static void print(PrintStream out, Run run, int entities, LinkPredictionEvaluator.Report report) {
        out.printf(Locale.ROOT, "Link prediction on %,d %s triples%s: the head and the tail of each ranked among "
                        + "all %,d entities; filtered skips the other true triples of %s (%.1f s)%n",
                run.triples().size(), run.split(), run.skipped() == 0 ? ""
                        : String.format(Locale.ROOT, " (%,d left out: not in training)", run.skipped()),
                entities, String.join(" + ", run.filter()), report.seconds());
        out.printf(Locale.ROOT, "%-9s %10s %8s %8s %8s %8s%n", "", "MR", "MRR", "Hits@1", "Hits@3", "Hits@10");
        row(out, "raw", report.raw());
        row(out, "filtered", report.filtered());
    }

    private static void row(PrintStream out, String name, LinkPredictionMetrics m) {
        out.printf(Locale.ROOT, "%-9s %10.2f %8.4f %8.4f %8.4f %8.4f%n", name, m.meanRank(), m.mrr(), m.hitsAt1(),
                m.hitsAt3(), m.hitsAt10());
    }

    static Map<String, Object> json(Run run, int entities, LinkPredictionEvaluator.Report report) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("split", run.split());
        json.put("triples", run.triples().size());
        json.put("skippedTriples", run.skipped());
        json.put("entities", entities);
        json.put("filter", run.filter());
        json.put("raw", report.raw());
        json.put("filtered", report.filtered());
        json.put("rawHead", report.rawHead());
        json.put("rawTail", report.rawTail());
        json.put("filteredHead", report.filteredHead());
        json.put("filteredTail", report.filteredTail());
        json.put("seconds", report.seconds());
        return json;
    }
}
