package io.ernieneo4j.trainer.align;

import io.ernieneo4j.trainer.align.LinkedMention.Candidate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entity linking against an {@link AlignmentDictionary}: finds the names in a text ({@link MentionMatcher}) and ranks
 * each mention's candidate entities.
 *
 * <p>Score: the prior alone, or, where the dictionary has embeddings and the mention has context,
 * {@code (1 - contextWeight) * prior + contextWeight * coherence}. A mention's context is the
 * {@value #CONTEXT_WINDOW} mentions on each side of it; each contributes the prior-weighted sum of its candidates'
 * unit embeddings. Coherence is {@code (1 + cos(entity, context)) / 2}, in [0, 1]: an entity close to what the text
 * around it is about wins over a more frequent but unrelated one, and a candidate without an embedding gets the
 * neutral 0.5. Mentions without context (alone in the text, or no neighbour embedded) keep the prior.
 *
 * <p>Not thread-safe (it caches token forms); the dictionary it reads is, so use one aligner per thread.
 */
public final class Aligner {

    /** Mentions on each side of a mention that make up its context. */
    public static final int CONTEXT_WINDOW = 10;

    private final AlignmentDictionary dictionary;
    private final AlignParameters parameters;
    private final MentionMatcher matcher;
    private double[] scores = new double[64];
    private double[] coherences = new double[64];

    public Aligner(AlignmentDictionary dictionary, AlignParameters parameters) {
        this.dictionary = dictionary;
        this.parameters = parameters;
        this.matcher = new MentionMatcher(dictionary, parameters);
    }

    /** The text's mentions in text order, each with its best candidates; mentions below {@code minScore} left out. */
    public List<LinkedMention> align(String text) {
        List<MentionMatcher.Match> matches = matcher.matches(text);
        boolean withContext = dictionary.dimensions() > 0 && parameters.contextWeight() > 0 && matches.size() > 1;
        ContextWindow window = withContext ? new ContextWindow(matches) : null;
        List<LinkedMention> mentions = new ArrayList<>(matches.size());
        for (int m = 0; m < matches.size(); m++) {
            MentionMatcher.Match match = matches.get(m);
            List<Candidate> candidates = window == null ? byPrior(match.node()) : byScore(match.node(), window.contextOf(m));
            if (candidates.get(0).score() >= parameters.minScore()) {
                mentions.add(new LinkedMention(match.start(), match.end(), text.substring(match.start(), match.end()),
                        candidates));
            }
        }
        return mentions;
    }

    /** The best candidates by prior alone: the dictionary keeps them in that order. */
    private List<Candidate> byPrior(int node) {
        int from = dictionary.candidatesFrom(node);
        int to = Math.min(dictionary.candidatesTo(node), from + parameters.maxCandidates());
        Candidate[] best = new Candidate[to - from];
        for (int k = from; k < to; k++) {
            double prior = dictionary.candidatePrior(k);
            best[k - from] = new Candidate(dictionary.entityId(dictionary.candidateEntity(k)), prior, prior, Double.NaN);
        }
        return List.of(best);
    }

    /** The best candidates by prior and coherence with {@code context}; by prior alone when the context is empty. */
    private List<Candidate> byScore(int node, double[] context) {
        double contextNorm = norm(context);
        if (contextNorm < 1e-12) {
            return byPrior(node);
        }
        int from = dictionary.candidatesFrom(node);
        int n = dictionary.candidatesTo(node) - from;
        if (scores.length < n) {
            scores = new double[Math.max(n, 2 * scores.length)];
            coherences = new double[scores.length];
        }
        int dim = dictionary.dimensions();
        float[] unit = dictionary.unitEmbeddings();
        double w = parameters.contextWeight();
        for (int k = 0; k < n; k++) {
            int offset = dictionary.candidateEntity(from + k) * dim;
            double dot = 0;
            for (int d = 0; d < dim; d++) {
                dot += unit[offset + d] * context[d];
            }
            coherences[k] = Math.clamp((1 + dot / contextNorm) / 2, 0.0, 1.0);
            scores[k] = (1 - w) * dictionary.candidatePrior(from + k) + w * coherences[k];
        }
        // k passes of selection: maxCandidates is small, and ties keep prior order (the first maximum wins)
        Candidate[] best = new Candidate[Math.min(n, parameters.maxCandidates())];
        for (int b = 0; b < best.length; b++) {
            int top = -1;
            for (int k = 0; k < n; k++) {
                if (!Double.isNaN(scores[k]) && (top < 0 || scores[k] > scores[top])) {
                    top = k;
                }
            }
            best[b] = new Candidate(dictionary.entityId(dictionary.candidateEntity(from + top)), scores[top],
                    dictionary.candidatePrior(from + top), coherences[top]);
            scores[top] = Double.NaN; // taken
        }
        return List.of(best);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * Sums of mention vectors over a window sliding along the text: each mention's vector is computed once, kept in
     * a ring of {@code 2 * CONTEXT_WINDOW + 1} slots, and added to and taken from one running sum, so memory stays
     * constant however long the text.
     */
    private final class ContextWindow {
        private static final int SLOTS = 2 * CONTEXT_WINDOW + 1;

        private final List<MentionMatcher.Match> matches;
        private final int dim = dictionary.dimensions();
        private final float[] ring = new float[SLOTS * dim];
        private final double[] sum = new double[dim];
        private final double[] context = new double[dim];
        private int added;
        private int removed;

        ContextWindow(List<MentionMatcher.Match> matches) {
            this.matches = matches;
        }

        /**
         * The sum of the vectors of the mentions around {@code m}, without {@code m}'s own; call with m ascending.
         * The array is reused by the next call.
         */
        double[] contextOf(int m) {
            while (removed < m - CONTEXT_WINDOW) {
                addToSum(removed++, -1);
            }
            while (added < matches.size() && added <= m + CONTEXT_WINDOW) {
                mentionVector(matches.get(added).node(), added % SLOTS);
                addToSum(added++, 1);
            }
            int offset = (m % SLOTS) * dim;
            for (int d = 0; d < dim; d++) {
                context[d] = sum[d] - ring[offset + d];
            }
            return context;
        }

        private void addToSum(int mention, int sign) {
            int offset = (mention % SLOTS) * dim;
            for (int d = 0; d < dim; d++) {
                sum[d] += sign * ring[offset + d];
            }
        }

        /** The prior-weighted sum of the unit embeddings of a name's candidates, into a ring slot. */
        private void mentionVector(int node, int slot) {
            float[] unit = dictionary.unitEmbeddings();
            int offset = slot * dim;
            Arrays.fill(ring, offset, offset + dim, 0f);
            for (int k = dictionary.candidatesFrom(node); k < dictionary.candidatesTo(node); k++) {
                int entity = dictionary.candidateEntity(k);
                float prior = dictionary.candidatePrior(k);
                for (int d = 0; d < dim; d++) {
                    ring[offset + d] += prior * unit[entity * dim + d];
                }
            }
        }
    }
}
