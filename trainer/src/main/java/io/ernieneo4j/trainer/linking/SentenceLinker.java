package io.ernieneo4j.trainer.linking;

import io.ernieneo4j.trainer.align.AlignParameters;
import io.ernieneo4j.trainer.align.Aligner;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.align.LinkedMention.Candidate;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Entity linking that reads the sentence: the dictionary finds the mentions and their candidates (as {@link Aligner}
 * does, by prior), then every mention with more than one candidate is decided by {@link SenseScorer}: the cosine of
 * its sentence's vector and each candidate's description vector ({@link TextEncoder}), with the prior. A candidate's
 * score becomes the scorer's probability, comparable across mentions; a candidate without a description has
 * similarity 0. Each sentence with an ambiguous mention is encoded once; unambiguous text is never encoded.
 *
 * <p>Not thread-safe (the aligner is not); the encoder must only be called where the caller allows model work.
 */
public final class SentenceLinker {

    /** Candidates of a mention read by the scorer, by prior, before the best {@code maxCandidates} are kept. */
    public static final int SCORED_CANDIDATES = 64;

    /** Description vectors of entities, by the ids the dictionary was built with. */
    public interface Descriptions {
        /** One unit vector per id, or null where the entity has no description. */
        float[][] vectors(long[] entityIds);
    }

    /** Encodes sentences; the caller decides where the model runs. */
    public interface Sentences {
        float[][] encode(List<String> sentences);
    }

    private final Aligner candidates;
    private final AlignParameters parameters;
    private final SenseScorer scorer;

    public SentenceLinker(AlignmentDictionary dictionary, AlignParameters parameters, SenseScorer scorer) {
        // the dictionary's own pass keeps every mention and more candidates; the threshold and cut come after
        this.candidates = new Aligner(dictionary, new AlignParameters(parameters.minLength(), parameters.stopWords(),
                0, 0, Math.max(SCORED_CANDIDATES, parameters.maxCandidates()), parameters.inflection()));
        this.parameters = parameters;
        this.scorer = scorer;
    }

    /**
     * A mention as the model reads it: its candidates by prior ({@value #SCORED_CANDIDATES} at most), and for an
     * ambiguous one each candidate's log prior and description similarity (null for an unambiguous mention).
     */
    public record Read(LinkedMention byPrior, double[] logPriors, double[] similarities) {
        public boolean ambiguous() {
            return similarities != null;
        }
    }

    public List<LinkedMention> align(String text, Sentences sentences, Descriptions descriptions) {
        List<LinkedMention> linked = new ArrayList<>();
        for (Read read : read(text, sentences, descriptions)) {
            LinkedMention scored = read.ambiguous() ? decide(read) : cut(read.byPrior());
            if (scored.best().score() >= parameters.minScore()) {
                linked.add(scored);
            }
        }
        return linked;
    }

    /** Every mention of the text, in order, with what the scorer reads of it. */
    public List<Read> read(String text, Sentences sentences, Descriptions descriptions) {
        List<LinkedMention> found = candidates.align(text);
        List<int[]> spans = sentenceSpans(text);
        Map<Integer, Integer> sentenceOfMention = new LinkedHashMap<>();
        Set<Long> entities = new LinkedHashSet<>();
        for (int m = 0; m < found.size(); m++) {
            LinkedMention mention = found.get(m);
            if (mention.candidates().size() > 1) {
                sentenceOfMention.put(m, sentenceOf(spans, mention.start()));
                mention.candidates().forEach(c -> entities.add(c.entityId()));
            }
        }
        Map<Long, float[]> descriptionVectors = new LinkedHashMap<>();
        Map<Integer, float[]> sentenceVectors = new LinkedHashMap<>();
        if (!sentenceOfMention.isEmpty()) {
            long[] ids = entities.stream().mapToLong(Long::longValue).toArray();
            float[][] vectors = descriptions.vectors(ids);
            for (int i = 0; i < ids.length; i++) {
                descriptionVectors.put(ids[i], vectors[i]);
            }
            List<Integer> used = new ArrayList<>(new LinkedHashSet<>(sentenceOfMention.values()));
            float[][] encoded = sentences.encode(used.stream()
                    .map(s -> text.substring(spans.get(s)[0], spans.get(s)[1])).toList());
            for (int i = 0; i < used.size(); i++) {
                sentenceVectors.put(used.get(i), encoded[i]);
            }
        }
        List<Read> reads = new ArrayList<>(found.size());
        for (int m = 0; m < found.size(); m++) {
            LinkedMention mention = found.get(m);
            if (!sentenceOfMention.containsKey(m)) {
                reads.add(new Read(mention, null, null));
                continue;
            }
            float[] sentence = sentenceVectors.get(sentenceOfMention.get(m));
            List<Candidate> all = mention.candidates();
            double[] logPriors = new double[all.size()];
            double[] similarities = new double[all.size()];
            for (int k = 0; k < all.size(); k++) {
                logPriors[k] = Math.log(all.get(k).prior());
                float[] description = descriptionVectors.get(all.get(k).entityId());
                similarities[k] = description == null ? 0 : TextEncoder.dot(sentence, description);
            }
            reads.add(new Read(mention, logPriors, similarities));
        }
        return reads;
    }

    private LinkedMention decide(Read read) {
        List<Candidate> all = read.byPrior().candidates();
        double[] p = scorer.probabilities(read.logPriors(), read.similarities());
        Integer[] order = new Integer[all.size()];
        Arrays.setAll(order, k -> k);
        // best first; ties keep the prior's order
        Arrays.sort(order, (x, y) -> Double.compare(p[y], p[x]));
        List<Candidate> ranked = new ArrayList<>(Math.min(order.length, parameters.maxCandidates()));
        for (int k = 0; k < order.length && ranked.size() < parameters.maxCandidates(); k++) {
            Candidate c = all.get(order[k]);
            ranked.add(new Candidate(c.entityId(), p[order[k]], c.prior(), Double.NaN));
        }
        LinkedMention m = read.byPrior();
        return new LinkedMention(m.start(), m.end(), m.mention(), ranked);
    }

    private LinkedMention cut(LinkedMention mention) {
        List<Candidate> all = mention.candidates();
        return all.size() <= parameters.maxCandidates() ? mention : new LinkedMention(mention.start(), mention.end(),
                mention.mention(), all.subList(0, parameters.maxCandidates()));
    }

    /** The text's sentences as {start, end} character spans, in order, covering it. */
    static List<int[]> sentenceSpans(String text) {
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(text);
        List<int[]> spans = new ArrayList<>();
        for (int start = sentences.first(), end = sentences.next(); end != BreakIterator.DONE;
             start = end, end = sentences.next()) {
            spans.add(new int[] {start, end});
        }
        return spans;
    }

    private static int sentenceOf(List<int[]> spans, int offset) {
        int low = 0;
        int high = spans.size() - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (spans.get(mid)[0] <= offset) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }
}
