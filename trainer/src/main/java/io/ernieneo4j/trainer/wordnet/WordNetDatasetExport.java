package io.ernieneo4j.trainer.wordnet;

import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.data.TypingExample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Writes every WordNet-derived dataset into one folder:
 * <pre>
 * wn18/{train,dev,test}.tsv        wn18rr/{train,dev,test}.tsv      head TAB relation TAB tail
 * typing/{train,dev,test}.jsonl    relation/{train,dev,test}.jsonl  corpus/corpus.jsonl
 * manifest.json                    seed, sizes and label sets
 * </pre>
 */
public final class WordNetDatasetExport {

    /** What to build: the seed of every split, and the class balance of the relation task. */
    public record Options(long seed, int minPerClass, int maxPerClass) {
        public static final Options DEFAULTS = new Options(42, 200, 2_000);
    }

    private WordNetDatasetExport() {}

    /** Builds and writes all datasets; returns the manifest that was written. */
    public static Map<String, Object> write(Path out, Options options) throws IOException {
        WordNetDatasets datasets = new WordNetDatasets(WordNet.load(), Morphology.load());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("source", "WordNet 3.0 (Princeton University; see the licence in its data files)");
        manifest.put("seed", options.seed());

        for (var variant : WordNetDatasets.LinkPredictionVariant.values()) {
            Split<Triple> split = datasets.linkPrediction(variant, options.seed());
            String dir = variant.name().toLowerCase(java.util.Locale.ROOT);
            writeSplit(out.resolve(dir), ".tsv", split, DatasetFiles::writeTriples);
            manifest.put(dir, Map.of("sizes", sizes(split),
                    "relations", new TreeSet<>(split.train().stream().map(Triple::relation).toList())));
        }

        Split<TypingExample> typing = datasets.nounTyping(options.seed());
        writeSplit(out.resolve("typing"), ".jsonl", typing, DatasetFiles::writeJsonLines);
        manifest.put("typing", Map.of("sizes", sizes(typing), "labels", labels(typing, TypingExample::labels)));

        Split<RelationExample> relations = datasets.definitionRelations(
                options.seed(), options.minPerClass(), options.maxPerClass());
        writeSplit(out.resolve("relation"), ".jsonl", relations, DatasetFiles::writeJsonLines);
        manifest.put("relation", Map.of("sizes", sizes(relations), "minPerClass", options.minPerClass(),
                "maxPerClass", options.maxPerClass(), "labels", labels(relations, r -> List.of(r.label()))));

        var corpus = datasets.corpus();
        DatasetFiles.writeJsonLines(out.resolve("corpus").resolve("corpus.jsonl"), corpus);
        manifest.put("corpus", Map.of("documents", corpus.size(),
                "mentions", corpus.stream().mapToLong(d -> d.entities().size()).sum()));

        DatasetFiles.writeJson(out.resolve("manifest.json"), manifest);
        return manifest;
    }

    private interface PartWriter<T> {
        void write(Path file, List<T> records) throws IOException;
    }

    private static <T> void writeSplit(Path dir, String extension, Split<T> split, PartWriter<T> writer)
            throws IOException {
        writer.write(dir.resolve("train" + extension), split.train());
        writer.write(dir.resolve("dev" + extension), split.dev());
        writer.write(dir.resolve("test" + extension), split.test());
    }

    private static Map<String, Integer> sizes(Split<?> split) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("train", split.train().size());
        sizes.put("dev", split.dev().size());
        sizes.put("test", split.test().size());
        return sizes;
    }

    private static <T> TreeSet<String> labels(Split<T> split, Function<T, List<String>> labelsOf) {
        TreeSet<String> labels = new TreeSet<>();
        split.train().forEach(item -> labels.addAll(labelsOf.apply(item)));
        return labels;
    }
}
