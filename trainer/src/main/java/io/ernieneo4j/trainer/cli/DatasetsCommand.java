package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.wordnet.WordNetDatasetExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ernie-trainer datasets wordnet}: the WordNet-derived datasets as files. */
@Command(name = "datasets",
        mixinStandardHelpOptions = true,
        description = "Builds datasets as files the trainer reads.",
        subcommands = {DatasetsCommand.WordNetCommand.class})
final class DatasetsCommand {

    @Command(name = "wordnet",
            mixinStandardHelpOptions = true,
            description = {
                    "Writes the datasets derived from WordNet 3.0 (bundled): WN18-like and WN18RR-like link "
                            + "prediction splits (TSV), noun entity typing and definition relation classification "
                            + "(JSON Lines), an entity-aligned pretraining corpus, and manifest.json.",
                    "The same seed always gives the same files."})
    static final class WordNetCommand implements Callable<Integer> {

        @Option(names = "--out", required = true, description = "Folder to write into (created if missing).")
        Path out;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of every split (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--min-per-class", defaultValue = "200",
                description = "Relation task: drop relations with fewer items (default: ${DEFAULT-VALUE}).")
        int minPerClass;

        @Option(names = "--max-per-class", defaultValue = "2000",
                description = "Relation task: down-sample larger relations to this many items (default: ${DEFAULT-VALUE}).")
        int maxPerClass;

        @Override
        public Integer call() throws Exception {
            if (minPerClass < 1 || maxPerClass < minPerClass) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "Need 1 <= --min-per-class <= --max-per-class, got " + minPerClass + " and " + maxPerClass);
            }
            long start = System.nanoTime();
            Map<String, Object> manifest = WordNetDatasetExport.write(out,
                    new WordNetDatasetExport.Options(seed, minPerClass, maxPerClass));
            System.out.printf("Wrote WordNet datasets to %s in %.1f s%n", out.toAbsolutePath(), (System.nanoTime() - start) / 1e9);
            manifest.forEach((k, v) -> System.out.println("  " + k + ": " + v));
            return 0;
        }
    }
}
