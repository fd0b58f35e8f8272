package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.BundledMiniLm;
import io.ernieneo4j.trainer.linking.LinkingModelFiles;
import io.ernieneo4j.trainer.linking.SenseScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "linking-model",
        mixinStandardHelpOptions = true,
        description = {"Writes a linking model for ernie.align.* (`model` with `descriptionProperty`): the bundled "
                + "all-MiniLM-L6-v2 as an encoder model folder, and the two weights that combine its similarity of a "
                + "sentence and a candidate's description with the prior (linking.json).",
                "The default weights were fitted on WordNet's development sample (./ernie.sh benchmark "
                        + "LinkingBenchmark). Copy the folder under ernie.dir.models and load it with "
                        + "ernie.model.load."})
final class LinkingModelCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "The model folder to write.")
    Path out;

    @Option(names = "--alpha", description = "Weight of the description similarity (default: WordNet's fit, 10.22).")
    Double alpha;

    @Option(names = "--beta", description = "Weight of the log prior (default: WordNet's fit, 0.168).")
    Double beta;

    @Override
    public Integer call() throws Exception {
        SenseScorer scorer = new SenseScorer(alpha != null ? alpha : LinkingModelFiles.WORDNET_FIT.alpha(),
                beta != null ? beta : LinkingModelFiles.WORDNET_FIT.beta());
        Path onnx = BundledMiniLm.onnx();
        Path tokenizer = BundledMiniLm.tokenizerJson();
        DjlRuntime.start(Path.of("target", "djl-cache"));
        DjlRuntime.call(() -> {
            try {
                LinkingModelFiles.create(onnx, tokenizer, ErnieConfig.miniLm().plainBert(), scorer, out);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        System.out.printf(Locale.ROOT, "Linking model written to %s (alpha %s, beta %s).%n", out, scorer.alpha(),
                scorer.beta());
        return 0;
    }
}
