package io.ernieneo4j.trainer.linking;

import ai.djl.Device;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.align.CalibrationError;
import io.ernieneo4j.trainer.cli.WordNetSenseExamples;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.BenchmarkResults;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.wordnet.Pointer;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetRelation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Model-based sense disambiguation on WordNet's example sentences (each has a gold mention of its own synset), with
 * the dictionary and split of {@code tests/.../AlignBenchmark}: every synset an entity with its sense count as prior
 * and its lemmas as names; synsets sorted, shuffled with seed 42, the first tenth's examples the development set and
 * the second tenth's the test set. Mentions are found by the aligner (minimum length 1, stop words dropped, all
 * candidates kept); a mention is ambiguous when it has more than one candidate.
 *
 * <p>Each ambiguous mention's candidates are scored three ways: the prior alone (the most frequent sense); the
 * description similarity alone, the cosine of the sentence's MiniLM vector and the candidate's description
 * ({@code "lemma, lemma: definition"}) vector ({@link TextEncoder}, zero-shot all-MiniLM-L6-v2); and their combination
 * {@code beta * log(prior) + alpha * cosine}, a conditional logit whose two weights are fitted by maximum likelihood on
 * the development set ({@link SenseScorer#fit}) and reported on the test set, with the expected calibration error
 * (10 equal bins) of its top candidate's probability beside the prior's. Accuracy counts a mention right when its best
 * candidate is the gold synset, so mentions whose gold synset is no candidate count as wrong: "ambiguous" is over
 * ambiguous mentions, "overall" over all found ones (the unambiguous are the same for every method). The span vector
 * of the mention alone, a by-product of the same forward pass, is reported beside the sentence's.
 *
 * <p>Speed: description vectors per second (every distinct candidate of the ambiguous mentions of both sets, encoded
 * once) and ambiguous mentions per second (each sentence encoded once, then its cosines to the cached description
 * vectors), on DJL's CPU with the thread count and load average recorded.
 *
 * <p>{@code ./ernie.sh benchmark LinkingBenchmark [devExamples] [testExamples] [hypernyms] [model]}: the first
 * that many examples of each set (synsets in shuffled order), 0 for all (the default); {@code hypernyms} 1 adds the
 * names of a candidate's hypernyms to its description ({@code "...: definition (a kind of canine, canid)"}), the
 * neighbours' names the linking issue asks about (results in {@code linking-hypernyms.json}); {@code model}, a
 * linking model folder (e.g. from {@code ./ernie.sh trainer finetune-linking}), is measured the same way after the
 * bundled MiniLM, its figures under {@code finetuned.}, with its run's {@code finetune-linking.json} (results in
 * {@code linking-finetuned.json}).
 */
public final class LinkingBenchmark {

    private static final long SEED = 42;

    private LinkingBenchmark() {}

    /** One set's examples, the found gold spans among them, and the similarities of the ambiguous ones. */
    private static final class Evaluated {
        final int examples;
        final List<WordNetSenseExamples.Mention> found;
        final List<WordNetSenseExamples.Mention> ambiguous;
        double[][] sentenceSimilarities;
        double[][] spanSimilarities;

        Evaluated(WordNetSenseExamples.Set set) {
            this.examples = set.examples();
            this.found = set.found();
            this.ambiguous = set.ambiguous();
        }

        /** Of the ambiguous mentions whose gold synset is a candidate: the fitting data. */
        List<SenseScorer.Choice> choices() {
            List<SenseScorer.Choice> choices = new ArrayList<>();
            for (int i = 0; i < ambiguous.size(); i++) {
                WordNetSenseExamples.Mention f = ambiguous.get(i);
                if (f.gold() >= 0) {
                    choices.add(new SenseScorer.Choice(f.logPriors(), sentenceSimilarities[i], f.gold()));
                }
            }
            return choices;
        }

        long unambiguousRight() {
            return found.stream().filter(f -> !f.ambiguous() && f.gold() == 0).count();
        }

        int ambiguousRight(SenseScorer scorer, boolean span) {
            int right = 0;
            for (int i = 0; i < ambiguous.size(); i++) {
                double[] similarities = (span ? spanSimilarities : sentenceSimilarities)[i];
                right += scorer.best(ambiguous.get(i).logPriors(), similarities) == ambiguous.get(i).gold() ? 1 : 0;
            }
            return right;
        }
    }

    public static void main(String[] commandLine) throws Exception {
        String[] args = BenchmarkResults.arguments(commandLine);
        int devLimit = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int testLimit = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        boolean hypernyms = args.length > 2 && args[2].equals("1");
        Path modelFolder = args.length > 3 ? Path.of(args[3]) : null;
        long started = System.nanoTime();
        BenchmarkResults report = new BenchmarkResults(modelFolder != null ? "linking-finetuned"
                : hypernyms ? "linking-hypernyms" : "linking",
                String.format(Locale.ROOT, "./ernie.sh benchmark LinkingBenchmark %d %d%s", devLimit, testLimit,
                        modelFolder != null ? (hypernyms ? " 1 " : " 0 ") + modelFolder : hypernyms ? " 1" : ""));
        report.put("loadAverageAtStart", BenchmarkResults.loadAverage());

        // the split of AlignBenchmark
        WordNetSenseExamples examples = WordNetSenseExamples.load(SEED);
        int[] sizes = examples.sizes();
        List<Evaluated> sets = List.of(new Evaluated(examples.dev(devLimit)), new Evaluated(examples.test(testLimit)));
        report.put("devExamplesInSplit", sizes[1])
                .put("testExamplesInSplit", sizes[2])
                .put("devExamples", sets.get(0).examples)
                .put("testExamples", sets.get(1).examples);
        Evaluated devSet = sets.get(0);
        Evaluated testSet = sets.get(1);

        // description vectors of every candidate of an ambiguous mention, once
        TreeSet<Long> candidateIds = new TreeSet<>();
        sets.forEach(set -> set.ambiguous.forEach(f -> {
            for (long id : f.candidates()) {
                candidateIds.add(id);
            }
        }));
        List<Long> ids = new ArrayList<>(candidateIds);
        Map<String, List<String>> hypernymNames = new LinkedHashMap<>();
        if (hypernyms) {
            WordNet wordNet = WordNet.load();
            for (Pointer p : wordNet.pointers()) {
                if (p.relation() == WordNetRelation.HYPERNYM || p.relation() == WordNetRelation.INSTANCE_HYPERNYM) {
                    hypernymNames.computeIfAbsent(p.source(), k -> new ArrayList<>())
                            .add(wordNet.synsets().get(p.target()).lemmas().get(0).replace('_', ' '));
                }
            }
        }
        report.put("descriptions.hypernyms", hypernyms);
        List<String> descriptions = ids.stream().map(examples::synset)
                .map(s -> WordNetSenseExamples.describe(s) + (hypernymNames.containsKey(s.id())
                        ? " (a kind of " + String.join(", ", hypernymNames.get(s.id())) + ")" : "")).toList();
        double[] seconds;
        int threads;
        try (ErnieModel model = MiniLm.plainBert();
             WordPieceTokenizer tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128)) {
            threads = DjlRuntime.started().orElseThrow().threads();
            seconds = measure(new TextEncoder(model, tokenizer), ids, descriptions, sets);
        }
        double descriptionSeconds = seconds[0];
        double mentionSeconds = seconds[1];

        fitAndReport(report, "", devSet, testSet);
        if (modelFolder != null) {
            finetuned(report, modelFolder, ids, descriptions, sets);
        }

        int mentions = devSet.ambiguous.size() + testSet.ambiguous.size();
        report.put("descriptions", ids.size())
                .put("descriptionVectorsPerSecond", round1(ids.size() / descriptionSeconds))
                .put("ambiguousMentionsEncoded", mentions)
                .put("ambiguousMentionsPerSecond", round1(mentions / mentionSeconds))
                .put("threads", threads)
                .put("ompWaitPolicy", String.valueOf(System.getenv("OMP_WAIT_POLICY")))
                .put("loadAverageAtEnd", BenchmarkResults.loadAverage())
                .put("totalSeconds", round1((System.nanoTime() - started) / 1e9));
        report.write();
    }

    /**
     * Encodes every description once and each set's texts once with {@code encoder}, and fills each set's
     * similarities; returns the seconds spent on descriptions and on mentions.
     */
    private static double[] measure(TextEncoder encoder, List<Long> ids, List<String> descriptions,
                                    List<Evaluated> sets) {
        Map<Long, float[]> descriptionVectors = new LinkedHashMap<>();
        double descriptionSeconds;
        double mentionSeconds = 0;
        encoder.encode(descriptions.subList(0, Math.min(256, descriptions.size()))); // warm-up
        long start = System.nanoTime();
        float[][] vectors = encoder.encode(descriptions);
        descriptionSeconds = (System.nanoTime() - start) / 1e9;
        for (int i = 0; i < ids.size(); i++) {
            descriptionVectors.put(ids.get(i), vectors[i]);
        }
        // each text once, with the spans of its ambiguous mentions
        for (Evaluated set : sets) {
            start = System.nanoTime();
            Map<String, List<Integer>> mentionsByText = new LinkedHashMap<>();
            for (int i = 0; i < set.ambiguous.size(); i++) {
                mentionsByText.computeIfAbsent(set.ambiguous.get(i).text(), t -> new ArrayList<>()).add(i);
            }
            List<TextEncoder.SpanRequest> requests = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> e : mentionsByText.entrySet()) {
                requests.add(new TextEncoder.SpanRequest(e.getKey(), e.getValue().stream()
                        .map(i -> new int[] {set.ambiguous.get(i).start(), set.ambiguous.get(i).end()})
                        .toArray(int[][]::new)));
            }
            List<TextEncoder.Encoded> encoded = encoder.encodeWithSpans(requests);
            set.sentenceSimilarities = new double[set.ambiguous.size()][];
            set.spanSimilarities = new double[set.ambiguous.size()][];
            int r = 0;
            for (List<Integer> mentions : mentionsByText.values()) {
                TextEncoder.Encoded e = encoded.get(r++);
                for (int s = 0; s < mentions.size(); s++) {
                    WordNetSenseExamples.Mention f = set.ambiguous.get(mentions.get(s));
                    double[] sentence = new double[f.candidates().length];
                    double[] span = new double[f.candidates().length];
                    for (int k = 0; k < sentence.length; k++) {
                        float[] d = descriptionVectors.get(f.candidates()[k]);
                        sentence[k] = TextEncoder.dot(e.text(), d);
                        span[k] = TextEncoder.dot(e.spans()[s], d);
                    }
                    set.sentenceSimilarities[mentions.get(s)] = sentence;
                    set.spanSimilarities[mentions.get(s)] = span;
                }
            }
            mentionSeconds += (System.nanoTime() - start) / 1e9;
        }
        return new double[] {descriptionSeconds, mentionSeconds};
    }

    /** Fits the weights on dev and reports dev and test under keys that start with {@code prefix}. */
    private static SenseScorer fitAndReport(BenchmarkResults report, String prefix, Evaluated devSet,
                                            Evaluated testSet) {
        // the fit on the development set
        List<SenseScorer.Choice> devChoices = devSet.choices();
        SenseScorer fitted = SenseScorer.fit(devChoices);
        SenseScorer similarity = new SenseScorer(1, 0);
        report.put(prefix + "fit.devChoices", devChoices.size())
                .put(prefix + "fit.alpha", round(fitted.alpha()))
                .put(prefix + "fit.beta", round(fitted.beta()))
                .put(prefix + "fit.devMeanLogLikelihood", round(fitted.meanLogLikelihood(devChoices)))
                .put(prefix + "fit.devMeanLogLikelihoodPrior",
                        round(SenseScorer.PRIOR.meanLogLikelihood(devChoices)));

        for (String name : List.of("dev", "test")) {
            Evaluated set = name.equals("dev") ? devSet : testSet;
            int ambiguous = set.ambiguous.size();
            int found = set.found.size();
            long unambiguousRight = set.unambiguousRight();
            int prior = set.ambiguousRight(SenseScorer.PRIOR, false);
            int cosine = set.ambiguousRight(similarity, false);
            int span = set.ambiguousRight(similarity, true);
            int combined = set.ambiguousRight(fitted, false);
            report.put(prefix + name + ".mentionRecall", round((double) found / set.examples))
                    .put(prefix + name + ".found", found)
                    .put(prefix + name + ".ambiguous", ambiguous)
                    .put(prefix + name + ".ambiguousGoldInCandidates",
                            round((double) set.ambiguous.stream().filter(f -> f.gold() >= 0).count() / ambiguous))
                    .put(prefix + name + ".ambiguous.accuracyPrior", round((double) prior / ambiguous))
                    .put(prefix + name + ".ambiguous.accuracySimilarity", round((double) cosine / ambiguous))
                    .put(prefix + name + ".ambiguous.accuracySpanSimilarity", round((double) span / ambiguous))
                    .put(prefix + name + ".ambiguous.accuracyCombined" + (name.equals("dev") ? "InSample" : ""),
                            round((double) combined / ambiguous))
                    .put(prefix + name + ".overall.accuracyPrior",
                            round((double) (unambiguousRight + prior) / found))
                    .put(prefix + name + ".overall.accuracySimilarity",
                            round((double) (unambiguousRight + cosine) / found))
                    .put(prefix + name + ".overall.accuracyCombined" + (name.equals("dev") ? "InSample" : ""),
                            round((double) (unambiguousRight + combined) / found));
        }
        List<SenseScorer.Choice> testChoices = testSet.choices();
        report.put(prefix + "test.ambiguous.meanLogLikelihoodCombined",
                        round(fitted.meanLogLikelihood(testChoices)))
                .put(prefix + "test.ambiguous.meanLogLikelihoodPrior",
                        round(SenseScorer.PRIOR.meanLogLikelihood(testChoices)))
                .put(prefix + "test.ambiguous.calibrationErrorCombined", round(calibrationError(fitted, testSet)))
                .put(prefix + "test.ambiguous.calibrationErrorPrior",
                        round(calibrationError(SenseScorer.PRIOR, testSet)));

        return fitted;
    }

    /**
     * The same protocol for a linking model folder (e.g. from {@code ./ernie.sh trainer finetune-linking}): its
     * encoder's similarities, weights fitted on dev as above, under {@code finetuned.}; the test accuracy with the
     * folder's own {@code linking.json} weights; and the run's {@code finetune-linking.json}, when there is one.
     */
    private static void finetuned(BenchmarkResults report, Path folder, List<Long> ids, List<String> descriptions,
                                  List<Evaluated> sets) throws Exception {
        double[] seconds;
        try (ModelDirectory.Loaded model = DjlRuntime.call(() -> {
            try {
                return ModelDirectory.load(folder, Device.cpu());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            seconds = measure(new TextEncoder(model.model(), model.tokenizer()), ids, descriptions, sets);
        }
        SenseScorer shipped = LinkingModelFiles.read(folder).orElseThrow();
        fitAndReport(report, "finetuned.", sets.get(0), sets.get(1));
        Evaluated testSet = sets.get(1);
        int right = testSet.ambiguousRight(shipped, false);
        report.put("finetuned.model", folder.toString())
                .put("finetuned.shipped.alpha", round(shipped.alpha()))
                .put("finetuned.shipped.beta", round(shipped.beta()))
                .put("finetuned.test.ambiguous.accuracyShippedWeights",
                        round((double) right / testSet.ambiguous.size()))
                .put("finetuned.test.overall.accuracyShippedWeights",
                        round((double) (testSet.unambiguousRight() + right) / testSet.found.size()))
                .put("finetuned.descriptionVectorsPerSecond", round1(ids.size() / seconds[0]));
        Path summary = folder.resolve("finetune-linking.json");
        if (Files.isRegularFile(summary)) {
            Map<String, Object> run = new ObjectMapper().readValue(summary.toFile(),
                    new TypeReference<Map<String, Object>>() {});
            run.forEach((key, value) -> report.put("finetuned.training." + key, value));
        }
    }

    /**
     * The expected calibration error of the top candidate's probability over the set's ambiguous mentions: in 10
     * equal-width bins of that probability, the gap between the mean probability and the share right, weighed by the
     * bin's share of mentions.
     */
    private static double calibrationError(SenseScorer scorer, Evaluated set) {
        CalibrationError error = new CalibrationError();
        for (int i = 0; i < set.ambiguous.size(); i++) {
            WordNetSenseExamples.Mention f = set.ambiguous.get(i);
            double[] p = scorer.probabilities(f.logPriors(), set.sentenceSimilarities[i]);
            int best = scorer.best(f.logPriors(), set.sentenceSimilarities[i]);
            error.add(p[best], best == f.gold());
        }
        return error.value();
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static double round1(double x) {
        return Math.round(x * 10) / 10.0;
    }
}
