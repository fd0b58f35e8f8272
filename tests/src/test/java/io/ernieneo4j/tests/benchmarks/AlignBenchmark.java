package io.ernieneo4j.tests.benchmarks;

import io.ernieneo4j.plugin.align.AlignDictionaryProc;
import io.ernieneo4j.plugin.align.AlignStreamProc;
import io.ernieneo4j.plugin.align.AlignWriteProc;
import io.ernieneo4j.plugin.dataset.WordNetLoadProc;
import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;
import io.ernieneo4j.trainer.align.AlignParameters;
import io.ernieneo4j.trainer.align.AlignParameters.Inflection;
import io.ernieneo4j.trainer.align.Aligner;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransE;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import io.ernieneo4j.trainer.transe.TransEParameters;
import io.ernieneo4j.trainer.transe.TripleIndex;
import io.ernieneo4j.trainer.wordnet.Morphology;
import io.ernieneo4j.trainer.wordnet.Pointer;
import io.ernieneo4j.trainer.wordnet.Synset;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Entity linking against all of WordNet (117,659 synsets, every lemma a name), the trainer alone (no database):
 * <ul>
 *   <li>dictionary build time and memory;</li>
 *   <li>throughput on one thread over WordNet's own glosses and examples (English text dense in names), with the
 *       prior alone and with context;</li>
 *   <li>in the database: the dictionary read from the full WordNet graph, and {@code ernie.align.write} over
 *       WordNet's 48 K example sentences as documents;</li>
 *   <li>accuracy on WordNet's example sentences (each has a gold mention of its own synset): mention recall and
 *       linking accuracy of the prior alone (most frequent sense) and of prior + context, where the context weight is
 *       chosen on a seeded development sample and reported on a held-out test sample (split by synset). Context
 *       uses TransE embeddings trained here on all WordNet pointers. A synset's first lemma is its primary name
 *       (as {@code nameProperties: 'lemmas'} reads it); the prior alone is also scored on the development sample by
 *       the primary name's weight.</li>
 * </ul>
 * {@code ./ernie.sh benchmark AlignBenchmark [throughputSeconds] [transeEpochs]}
 */
public final class AlignBenchmark {

    private static final long SEED = 42;
    private static final double[] CONTEXT_WEIGHTS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
    private static final double[] PRIMARY_NAME_WEIGHTS = {1, 2, 3, 5, 10, 100};

    public static void main(String[] args) throws Exception {
        // Maven hands the arguments over as one string
        String[] a = BenchmarkReport.arguments(args);
        double throughputSeconds = a.length > 0 ? Double.parseDouble(a[0]) : 10;
        int transeEpochs = a.length > 1 ? Integer.parseInt(a[1]) : 100;
        BenchmarkReport report = new BenchmarkReport("align",
                "./ernie.sh benchmark AlignBenchmark " + (int) throughputSeconds + " " + transeEpochs);
        WordNet wordNet = WordNet.load();
        Morphology morphology = Morphology.load();
        List<Synset> synsets = new ArrayList<>(wordNet.synsets().values());

        // build: twice, the second with a warm JIT; memory as the arrays' size and as the heap's growth
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        AlignmentDictionary dictionary = build(synsets, morphology, null);
        double coldSeconds = (System.nanoTime() - start) / 1e9;
        long heapAfter = usedHeap();
        start = System.nanoTime();
        build(synsets, morphology, null);
        double warmSeconds = (System.nanoTime() - start) / 1e9;
        report.put("entities", dictionary.entityCount())
                .put("names", dictionary.nameCount())
                .put("distinctTokens", dictionary.tokenCount())
                .put("trieNodes", dictionary.trieNodeCount())
                .put("buildSecondsCold", round(coldSeconds))
                .put("buildSecondsWarm", round(warmSeconds))
                .put("dictionaryMiB", round(dictionary.memoryBytes() / 1048576.0))
                .put("dictionaryHeapGrowthMiB", round((heapAfter - heapBefore) / 1048576.0));

        // context: TransE over every pointer
        TransEModel transe = transe(wordNet, transeEpochs, report);
        TripleIndex index = transeIndex;
        AlignmentDictionary embedded = build(synsets, morphology, id -> {
            Integer e = index.entityId(id);
            return e == null ? null : transe.entity(e);
        });
        report.put("embeddedEntities", embedded.embeddedEntityCount());

        // throughput over the glosses
        StringBuilder corpus = new StringBuilder();
        for (Synset s : synsets) {
            corpus.append(s.definition()).append('\n');
            s.examples().forEach(x -> corpus.append(x).append('\n'));
        }
        String text = corpus.toString();
        List<String> chunks = chunks(text, 4096);
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        report.put("throughputTextMiB", round(bytes / 1048576.0));
        // WordNet names verbs and adjectives too: every part of speech's inflections
        AlignParameters wordNetDefaults = AlignParameters.DEFAULTS.withInflection(Inflection.ALL);
        throughput(report, "prior", new Aligner(dictionary, wordNetDefaults), chunks, bytes, throughputSeconds);
        throughput(report, "context", new Aligner(embedded, wordNetDefaults), chunks, bytes, throughputSeconds);

        // accuracy
        accuracy(report, wordNet, morphology, embedded, synsets);

        // in the database: the dictionary read from the full WordNet graph, and ernie.align.write end to end
        graph(report, synsets);
        report.write();
    }

    /** The procedures on a harness server holding all of WordNet, with WordNet's example sentences as documents. */
    private static void graph(BenchmarkReport report, List<Synset> synsets) throws Exception {
        Path dir = Files.createTempDirectory("align-benchmark");
        try (EmbeddedNeo4j server = EmbeddedNeo4j.builder(dir)
                .procedures(WordNetLoadProc.class, AlignStreamProc.class, AlignWriteProc.class,
                        AlignDictionaryProc.class)
                .start();
             Bolt bolt = new Bolt(server.boltUri())) {
            bolt.single("CALL ernie.dataset.wordnet.load({})");
            Map<String, Object> refreshed = bolt.single("CALL ernie.align.dictionary.refresh({entityLabels: 'Synset', "
                    + "nameProperties: 'lemmas', priorProperty: 'frequency'})");
            report.put("graph.entities", refreshed.get("entityCount"))
                    .put("graph.dictionaryBuildMillis", refreshed.get("buildMillis"));
            List<String> texts = new ArrayList<>();
            synsets.forEach(s -> texts.addAll(s.examples()));
            bolt.single("UNWIND $texts AS text CREATE (:Doc {text: text}) RETURN count(*)", Map.of("texts", texts));
            long bytes = texts.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length + 1).sum();
            long start = System.nanoTime();
            Map<String, Object> written = bolt.single("CALL ernie.align.write({documentLabel: 'Doc', "
                    + "textProperty: 'text', entityLabels: 'Synset', nameProperties: 'lemmas', "
                    + "priorProperty: 'frequency', inflection: 'all', batchSize: 5000})");
            double seconds = (System.nanoTime() - start) / 1e9;
            report.put("graph.writeDocuments", written.get("documents"))
                    .put("graph.writeMentions", written.get("relationshipsWritten"))
                    .put("graph.writeSeconds", round(seconds))
                    .put("graph.writeComputeMillis", written.get("computeMillis"))
                    .put("graph.writeWriteMillis", written.get("writeMillis"))
                    .put("graph.writeDocumentsPerSecond", Math.round((Long) written.get("documents") / seconds))
                    .put("graph.writeMBPerSecond", round(bytes / 1e6 / seconds));
        }
    }

    private interface Embeddings {
        float[] of(String synsetId);
    }

    private static AlignmentDictionary build(List<Synset> synsets, Morphology morphology, Embeddings embeddings) {
        return build(synsets, morphology, embeddings, AlignmentDictionary.DEFAULT_PRIMARY_NAME_WEIGHT);
    }

    /** The synsets' lemmas as names, the first one primary (as {@code nameProperties: 'lemmas'} reads them). */
    private static AlignmentDictionary build(List<Synset> synsets, Morphology morphology, Embeddings embeddings,
                                             double primaryNameWeight) {
        AlignmentDictionary.Builder builder = AlignmentDictionary.builder(morphology)
                .primaryNameWeight(primaryNameWeight);
        for (int i = 0; i < synsets.size(); i++) {
            Synset s = synsets.get(i);
            int entity = builder.entity(i, s.frequency());
            for (int k = 0; k < s.lemmas().size(); k++) {
                builder.name(entity, s.lemmas().get(k), k == 0);
            }
            float[] vector = embeddings == null ? null : embeddings.of(s.id());
            if (vector != null) {
                builder.embedding(entity, vector);
            }
        }
        return builder.build();
    }

    private static TripleIndex transeIndex;

    private static TransEModel transe(WordNet wordNet, int epochs, BenchmarkReport report) {
        List<Triple> triples = new ArrayList<>();
        for (Pointer p : wordNet.pointers()) {
            triples.add(new Triple(p.source(), p.relation().name(), p.target()));
        }
        transeIndex = new TripleIndex();
        var store = transeIndex.addAll(triples);
        var parameters = new TransEParameters(50, epochs, 0.01, 2.0, Norm.L2, NegativeSampling.BERN, 1, 10_000, 2,
                SEED, Initialisation.UNIFORM_UNIT, false);
        TransE.Result result = new TransE(store, parameters, Progress.NONE, Termination.ALWAYS).train();
        report.put("transeTriples", store.size())
                .put("transeParameters", Map.of("dimensions", 50, "epochs", epochs, "norm", "L2", "margin", 2.0))
                .put("transeTrainSeconds", round(result.trainSeconds()));
        return result.model();
    }

    /**
     * Passes over the corpus on one thread until {@code seconds} have gone by; the best pass is the figure for an
     * uncontended core (this machine's cores are shared), the median is reported beside it.
     */
    private static void throughput(BenchmarkReport report, String name, Aligner aligner, List<String> chunks,
                                   long bytes, double seconds) {
        long mentions = 0;
        for (String chunk : chunks) { // warm-up pass
            mentions += aligner.align(chunk).size();
        }
        List<Double> passSeconds = new ArrayList<>();
        long start = System.nanoTime();
        do {
            long passStart = System.nanoTime();
            for (String chunk : chunks) {
                aligner.align(chunk);
            }
            passSeconds.add((System.nanoTime() - passStart) / 1e9);
        } while ((System.nanoTime() - start) / 1e9 < seconds);
        Collections.sort(passSeconds);
        report.put(name + ".mentionsPerPass", mentions)
                .put(name + ".passes", passSeconds.size())
                .put(name + ".MBPerSecondOneThreadBest", round(bytes / 1e6 / passSeconds.get(0)))
                .put(name + ".MBPerSecondOneThreadMedian", round(bytes / 1e6 / passSeconds.get(passSeconds.size() / 2)));
    }

    private record Example(String synset, String text, Mention gold) {}

    private static void accuracy(BenchmarkReport report, WordNet wordNet, Morphology morphology,
                                 AlignmentDictionary dictionary, List<Synset> synsets) {
        Split<CorpusDocument> split = new WordNetDatasets(wordNet, morphology).exampleSentences(SEED);
        Function<CorpusDocument, Example> example = d -> new Example(d.entities().get(0).entity(), d.text(),
                d.entities().get(0));
        List<Example> dev = split.dev().stream().map(example).toList();
        List<Example> test = split.test().stream().map(example).toList();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < synsets.size(); i++) {
            index.put(synsets.get(i).id(), i);
        }
        report.put("examples", split.size())
                .put("devExamples", dev.size())
                .put("testExamples", test.size());

        double bestWeight = 0;
        double bestDev = score(dictionary, 0, dev, index).linked;
        Map<String, Double> devByWeight = new LinkedHashMap<>();
        devByWeight.put("0.0", round(bestDev));
        for (double w : CONTEXT_WEIGHTS) {
            double linked = score(dictionary, w, dev, index).linked;
            devByWeight.put(Double.toString(w), round(linked));
            if (linked > bestDev) {
                bestDev = linked;
                bestWeight = w;
            }
        }
        report.put("devLinkingAccuracyByContextWeight", devByWeight).put("chosenContextWeight", bestWeight);
        // the weight of a synset's first lemma against its other lemmas, prior alone
        Map<String, Double> devByPrimaryWeight = new LinkedHashMap<>();
        for (double w : PRIMARY_NAME_WEIGHTS) {
            devByPrimaryWeight.put(Double.toString(w), round(score(build(synsets, morphology, null, w), 0, dev, index)
                    .linked));
        }
        report.put("primaryNameWeight", AlignmentDictionary.DEFAULT_PRIMARY_NAME_WEIGHT)
                .put("devLinkingAccuracyPriorByPrimaryNameWeight", devByPrimaryWeight)
                .put("test.linkingAccuracyPriorPrimaryNameWeight1",
                        round(score(build(synsets, morphology, null, 1), 0, test, index).linked));
        Scores prior = score(dictionary, 0, test, index);
        Scores context = score(dictionary, bestWeight, test, index);
        report.put("test.mentionRecall", round(prior.recall))
                .put("test.linkingAccuracyPrior", round(prior.linked))
                .put("test.linkingAccuracyPriorPlusContext", round(context.linked))
                .put("test.goldInCandidates", round(prior.inCandidates));
    }

    /**
     * recall: gold spans found exactly; linked: of those, the best candidate is the gold synset; inCandidates: the
     * gold synset is among the reported candidates.
     */
    private record Scores(double recall, double linked, double inCandidates) {}

    private static Scores score(AlignmentDictionary dictionary, double contextWeight, List<Example> examples,
                                Map<String, Integer> index) {
        AlignParameters parameters = new AlignParameters(1, true, 0, contextWeight, 1000, Inflection.ALL);
        Aligner aligner = new Aligner(dictionary, parameters);
        int found = 0;
        int linked = 0;
        int inCandidates = 0;
        for (Example x : examples) {
            long gold = index.get(x.synset());
            for (LinkedMention m : aligner.align(x.text())) {
                if (m.start() == x.gold().start() && m.end() == x.gold().end()) {
                    found++;
                    linked += m.best().entityId() == gold ? 1 : 0;
                    inCandidates += m.candidates().stream().anyMatch(c -> c.entityId() == gold) ? 1 : 0;
                }
            }
        }
        return new Scores((double) found / examples.size(), (double) linked / Math.max(1, found),
                (double) inCandidates / Math.max(1, found));
    }

    private static List<String> chunks(String text, int size) {
        List<String> chunks = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int to = Math.min(text.length(), from + size);
            int newline = text.lastIndexOf('\n', to - 1);
            if (to < text.length() && newline > from) {
                to = newline + 1;
            }
            chunks.add(text.substring(from, to));
            from = to;
        }
        return chunks;
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
