package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.align.AlignParameters;
import io.ernieneo4j.trainer.align.Aligner;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.linking.LinkingFinetuner;
import io.ernieneo4j.trainer.wordnet.Morphology;
import io.ernieneo4j.trainer.wordnet.Synset;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sense-disambiguation examples from WordNet's example sentences, each with a gold mention of its own synset, as
 * {@code LinkingBenchmark} and {@code AlignBenchmark} read them: every synset an entity with its sense count as prior
 * and its lemmas as names (the first primary, the default {@code primaryNameWeight}), the aligner's mentions
 * (minimum length 1, stop words dropped, inflection {@code 'all'}, every candidate kept), and the split by synset
 * of {@link WordNetDatasets#exampleSentences}: synsets sorted and shuffled with the seed, the first tenth's sentences
 * dev, the second tenth's test, the rest train. No sense of the dev or test set is the gold of a training sentence.
 */
public final class WordNetSenseExamples {

    /**
     * The found mention of an example's gold span.
     *
     * @param candidates the synsets the mention's name reaches, by prior (entity ids: indices into {@link #synset})
     * @param logPriors  each candidate's log prior
     * @param gold       the gold synset's place among the candidates, -1 when it is none of them
     */
    public record Mention(String text, int start, int end, long[] candidates, double[] logPriors, int gold) {
        public boolean ambiguous() {
            return candidates.length > 1;
        }
    }

    /** One set: how many example sentences it has, and the gold spans the aligner found among them, in order. */
    public record Set(int examples, List<Mention> found) {
        public List<Mention> ambiguous() {
            return found.stream().filter(Mention::ambiguous).toList();
        }
    }

    private final List<Synset> synsets;
    private final Aligner aligner;
    private final Map<String, Integer> index;
    private final Split<CorpusDocument> split;

    private WordNetSenseExamples(List<Synset> synsets, Aligner aligner, Map<String, Integer> index,
                                 Split<CorpusDocument> split) {
        this.synsets = synsets;
        this.aligner = aligner;
        this.index = index;
        this.split = split;
    }

    /** The bundled WordNet's dictionary and example sentences, split with {@code seed}. */
    public static WordNetSenseExamples load(long seed) {
        WordNet wordNet = WordNet.load();
        Morphology morphology = Morphology.load();
        List<Synset> synsets = new ArrayList<>(wordNet.synsets().values());
        Map<String, Integer> index = new HashMap<>();
        AlignmentDictionary.Builder builder = AlignmentDictionary.builder(morphology);
        for (int i = 0; i < synsets.size(); i++) {
            Synset s = synsets.get(i);
            index.put(s.id(), i);
            int entity = builder.entity(i, s.frequency());
            for (int k = 0; k < s.lemmas().size(); k++) {
                builder.name(entity, s.lemmas().get(k), k == 0);
            }
        }
        Aligner aligner = new Aligner(builder.build(), new AlignParameters(1, true, 0, 0, 1000,
                AlignParameters.Inflection.ALL));
        return new WordNetSenseExamples(synsets, aligner,
                index, new WordNetDatasets(wordNet, morphology).exampleSentences(seed));
    }

    public Set train(int limit) {
        return read(split.train(), limit);
    }

    public Set dev(int limit) {
        return read(split.dev(), limit);
    }

    public Set test(int limit) {
        return read(split.test(), limit);
    }

    /** Example sentences in each part of the split: train, dev, test. */
    public int[] sizes() {
        return new int[] {split.train().size(), split.dev().size(), split.test().size()};
    }

    public Synset synset(long entityId) {
        return synsets.get(Math.toIntExact(entityId));
    }

    /** A synset's description: its lemmas, then its gloss ({@code "dog, domestic dog: a member of ..."}). */
    public String describe(long entityId) {
        return describe(synset(entityId));
    }

    public static String describe(Synset s) {
        return String.join(", ", s.lemmas()).replace('_', ' ') + ": " + s.definition();
    }

    /** A set's ambiguous mentions whose gold is a candidate, as fine-tuning examples, with WordNet's descriptions. */
    public List<LinkingFinetuner.Example> finetuningExamples(Set set) {
        List<LinkingFinetuner.Example> examples = new ArrayList<>();
        for (Mention m : set.ambiguous()) {
            if (m.gold() >= 0) {
                List<String> descriptions = new ArrayList<>(m.candidates().length);
                for (long id : m.candidates()) {
                    descriptions.add(describe(id));
                }
                examples.add(new LinkingFinetuner.Example(m.text(), descriptions, m.logPriors(), m.gold()));
            }
        }
        return examples;
    }

    /** The first {@code limit} sentences (0: all) and the gold spans found among them. */
    private Set read(List<CorpusDocument> documents, int limit) {
        List<CorpusDocument> used = limit > 0 && limit < documents.size() ? documents.subList(0, limit) : documents;
        List<Mention> found = new ArrayList<>();
        for (CorpusDocument d : used) {
            var goldSpan = d.entities().get(0);
            long gold = index.get(goldSpan.entity());
            for (LinkedMention m : aligner.align(d.text())) {
                if (m.start() == goldSpan.start() && m.end() == goldSpan.end()) {
                    int n = m.candidates().size();
                    long[] ids = new long[n];
                    double[] logPriors = new double[n];
                    int goldIndex = -1;
                    for (int k = 0; k < n; k++) {
                        ids[k] = m.candidates().get(k).entityId();
                        logPriors[k] = Math.log(m.candidates().get(k).prior());
                        goldIndex = ids[k] == gold && goldIndex < 0 ? k : goldIndex;
                    }
                    found.add(new Mention(d.text(), m.start(), m.end(), ids, logPriors, goldIndex));
                }
            }
        }
        return new Set(used.size(), found);
    }
}
