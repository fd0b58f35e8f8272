package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;

/**
 * Knowledge-graph completion with a trained TransE model: the k entities closest to {@code h + r} (the most
 * plausible tails of a head) or to {@code t - r} (the most plausible heads of a tail), by the distance that
 * {@link LinkPredictionEvaluator} ranks with. Equal distances go to the lower entity id, so results are
 * deterministic.
 */
public final class LinkPredictor {

    /** Which end of the triple is predicted. */
    public enum Side { TAILS, HEADS }

    /**
     * One proposed entity.
     *
     * @param distance {@code ||h + r - t||} under the model's norm
     * @param rank     1 for the closest
     */
    public record Candidate(int entity, double distance, int rank) {

        /** {@code 1 / (1 + distance)}: in (0, 1], higher is more plausible. */
        public double score() {
            return 1 / (1 + distance);
        }
    }

    private record Scored(int entity, float score) {}

    /** Worst first: the larger score, and among equal scores the larger id (the later one loses the tie). */
    private static final Comparator<Scored> WORST_FIRST =
            Comparator.comparingDouble(Scored::score).thenComparingInt(Scored::entity).reversed();

    private final TransEModel model;
    private final Termination termination;

    public LinkPredictor(TransEModel model, Termination termination) {
        this.model = model;
        this.termination = termination;
    }

    /**
     * The {@code k} most plausible entities at the missing end of {@code (given, relation, ?)} (tails) or
     * {@code (?, relation, given)} (heads), closest first.
     *
     * @param excluded entities never proposed (e.g. the given one and those it is already linked to)
     */
    public List<Candidate> topK(int given, int relation, Side side, int k, IntPredicate excluded) {
        check(given, model.entityCount(), "entity");
        check(relation, model.relationCount(), "relation");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, but was " + k);
        }
        int dim = model.dimensions();
        boolean l1 = model.norm() == Norm.L1;
        float[] entities = model.entityVectors();
        float[] query = new float[dim];
        TransEDistance.query(model, given, relation, side == Side.TAILS, query, 0);
        PriorityQueue<Scored> best = new PriorityQueue<>(k + 1, WORST_FIRST);
        for (int e = 0; e < model.entityCount(); e++) {
            if (e % TransEDistance.TILE == 0) {
                termination.assertRunning();
            }
            float score = TransEDistance.score(query, 0, entities, e * dim, dim, l1);
            // entities come in id order: one level with the worst kept is later, so it loses the tie
            if ((best.size() == k && score >= best.peek().score()) || excluded.test(e)) {
                continue;
            }
            best.add(new Scored(e, score));
            if (best.size() > k) {
                best.poll();
            }
        }
        List<Scored> ranked = new ArrayList<>(best);
        ranked.sort(WORST_FIRST.reversed());
        List<Candidate> candidates = new ArrayList<>(ranked.size());
        for (Scored s : ranked) {
            candidates.add(new Candidate(s.entity(), TransEDistance.distance(s.score(), model.norm()),
                    candidates.size() + 1));
        }
        return candidates;
    }

    private static void check(int id, int count, String what) {
        if (id < 0 || id >= count) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "No %s %d: the model has %d.", what, id,
                    count));
        }
    }
}
