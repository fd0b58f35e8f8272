package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The standard link-prediction protocol (Bordes et al., 2013): for every test triple, replace the tail (then the
 * head) by every entity, rank the true one by distance, and report MR, MRR and Hits@1/3/10 — raw, and filtered
 * (candidates that form a known true triple, other than the test triple itself, are skipped).
 *
 * <p>Ties: candidates at exactly the true entity's distance share the mean rank of the tie group
 * ({@code rank = 1 + better + ties / 2}), so a constant model scores as a random one, not as a perfect one.
 *
 * <p>Both sides reduce to {@code ||q - e||} over all entities e (tail: {@code q = h + r}; head: {@code q = t - r}).
 * Queries are taken in groups; the entity table is walked in tiles, each copied dimension-major (so the inner loop
 * is {@code score[e] += |q_k - tile_k[e]|} over the tile's entities, a plain element-wise loop that C2 vectorises)
 * and scored against every query of the group while it sits in the L2 cache. Ranks are counted on the fly (entities
 * closer than, and level with, the true one); nothing is sorted, and the filter only looks at the known answers.
 * The distance, its kernels and the tiling are {@link TransEDistance}'s, shared with {@link LinkPredictor}.
 */
public final class LinkPredictionEvaluator {

    private static final int TILE = TransEDistance.TILE;
    /** Queries that share each pass over the entity table (and each transposition of a tile). */
    private static final int GROUP = 256;

    /** Metrics by side, raw and filtered, and filtered per relation when asked. */
    public record Report(LinkPredictionMetrics raw, LinkPredictionMetrics filtered,
                         LinkPredictionMetrics filteredHead, LinkPredictionMetrics filteredTail,
                         LinkPredictionMetrics rawHead, LinkPredictionMetrics rawTail,
                         Map<Integer, LinkPredictionMetrics> filteredByRelation, double seconds) {}

    private final TransEModel model;
    private final TripleStore known;
    private final int concurrency;
    private final Termination termination;

    /**
     * @param known every true triple (train, dev and test) to filter against
     */
    public LinkPredictionEvaluator(TransEModel model, TripleStore known, int concurrency, Termination termination) {
        this.model = model;
        this.known = known;
        this.concurrency = concurrency;
        this.termination = termination;
    }

    public Report evaluate(TripleStore test, boolean perRelation) {
        long start = System.nanoTime();
        int queries = test.size() * 2;
        int groups = (queries + GROUP - 1) / GROUP;
        int threads = Math.max(1, Math.min(concurrency, groups));
        List<Partial> partials = new ArrayList<>();
        if (threads == 1) {
            partials.add(evaluateGroups(test, 0, groups, perRelation));
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Partial>> futures = new ArrayList<>();
                int per = (groups + threads - 1) / threads;
                for (int w = 0; w < threads; w++) {
                    int from = w * per;
                    int to = Math.min(groups, from + per);
                    futures.add(pool.submit(() -> evaluateGroups(test, from, to, perRelation)));
                }
                for (Future<Partial> f : futures) {
                    partials.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Termination.TerminatedException();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        Partial total = new Partial(model.relationCount());
        partials.forEach(total::add);
        Map<Integer, LinkPredictionMetrics> byRelation = new LinkedHashMap<>();
        if (perRelation) {
            for (int r = 0; r < total.byRelation.length; r++) {
                if (total.byRelation[r] != null) {
                    byRelation.put(r, total.byRelation[r].metrics());
                }
            }
        }
        LinkPredictionMetrics.Accumulator raw = new LinkPredictionMetrics.Accumulator();
        raw.add(total.rawHead);
        raw.add(total.rawTail);
        LinkPredictionMetrics.Accumulator filtered = new LinkPredictionMetrics.Accumulator();
        filtered.add(total.filteredHead);
        filtered.add(total.filteredTail);
        return new Report(raw.metrics(), filtered.metrics(), total.filteredHead.metrics(),
                total.filteredTail.metrics(), total.rawHead.metrics(), total.rawTail.metrics(), byRelation,
                (System.nanoTime() - start) / 1e9);
    }

    private static final class Partial {
        final LinkPredictionMetrics.Accumulator rawHead = new LinkPredictionMetrics.Accumulator();
        final LinkPredictionMetrics.Accumulator rawTail = new LinkPredictionMetrics.Accumulator();
        final LinkPredictionMetrics.Accumulator filteredHead = new LinkPredictionMetrics.Accumulator();
        final LinkPredictionMetrics.Accumulator filteredTail = new LinkPredictionMetrics.Accumulator();
        final LinkPredictionMetrics.Accumulator[] byRelation;

        Partial(int relations) {
            byRelation = new LinkPredictionMetrics.Accumulator[relations];
        }

        void add(Partial o) {
            rawHead.add(o.rawHead);
            rawTail.add(o.rawTail);
            filteredHead.add(o.filteredHead);
            filteredTail.add(o.filteredTail);
            for (int r = 0; r < byRelation.length; r++) {
                if (o.byRelation[r] != null) {
                    if (byRelation[r] == null) byRelation[r] = new LinkPredictionMetrics.Accumulator();
                    byRelation[r].add(o.byRelation[r]);
                }
            }
        }
    }

    /** Query {@code q} of the test set: triple {@code q / 2}, tail side when even, head side when odd. */
    private Partial evaluateGroups(TripleStore test, int fromGroup, int toGroup, boolean perRelation) {
        int dim = model.dimensions();
        boolean l1 = model.norm() == Norm.L1;
        float[] entities = model.entityVectors();
        int entityCount = model.entityCount();
        int queries = test.size() * 2;
        float[][] tile = new float[dim][TILE]; // dimension-major: tile[k][i] is coordinate k of entity (start + i)
        float[] scores = new float[TILE];
        float[] group = new float[dim * GROUP]; // query-major: group[b * dim + k]
        float[] trueScore = new float[GROUP];
        int[] better = new int[GROUP];
        int[] ties = new int[GROUP];
        Partial partial = new Partial(model.relationCount());
        for (int groupIndex = fromGroup; groupIndex < toGroup; groupIndex++) {
            termination.assertRunning();
            int first = groupIndex * GROUP;
            int size = Math.min(GROUP, queries - first);
            for (int b = 0; b < size; b++) {
                query(test, first + b, group, b * dim);
                trueScore[b] = TransEDistance.score(group, b * dim, entities, truth(test, first + b) * dim, dim, l1);
            }
            Arrays.fill(better, 0);
            Arrays.fill(ties, 0);
            for (int tileStart = 0; tileStart < entityCount; tileStart += TILE) {
                int length = Math.min(TILE, entityCount - tileStart);
                TransEDistance.transpose(entities, tileStart, length, dim, tile);
                for (int b = 0; b < size; b++) {
                    TransEDistance.scores(tile, length, group, b * dim, dim, l1, scores);
                    float truthScore = trueScore[b];
                    int below = 0;
                    int level = 0;
                    for (int i = 0; i < length; i++) {
                        float s = scores[i];
                        below += s < truthScore ? 1 : 0;
                        level += s == truthScore ? 1 : 0;
                    }
                    better[b] += below;
                    ties[b] += level;
                }
            }
            for (int b = 0; b < size; b++) {
                int q = first + b;
                int triple = q / 2;
                boolean tailSide = q % 2 == 0;
                int truth = truth(test, q);
                int rawTies = ties[b] - 1; // the true entity ties with itself
                // filtered: take back the other known true answers that ranked above (or level with) the truth
                int filteredBetter = better[b];
                int filteredTies = rawTies;
                int[] answers = tailSide
                        ? known.tailsOf(test.head(triple), test.relation(triple))
                        : known.headsOf(test.relation(triple), test.tail(triple));
                for (int answer : answers) {
                    if (answer == truth) continue;
                    float s = TransEDistance.score(group, b * dim, entities, answer * dim, dim, l1);
                    if (s < trueScore[b]) filteredBetter--;
                    else if (s == trueScore[b]) filteredTies--;
                }
                double rawRank = 1 + better[b] + rawTies / 2.0;
                double filteredRank = 1 + filteredBetter + filteredTies / 2.0;
                (tailSide ? partial.rawTail : partial.rawHead).add(rawRank);
                (tailSide ? partial.filteredTail : partial.filteredHead).add(filteredRank);
                if (perRelation) {
                    int r = test.relation(triple);
                    if (partial.byRelation[r] == null) partial.byRelation[r] = new LinkPredictionMetrics.Accumulator();
                    partial.byRelation[r].add(filteredRank);
                }
            }
        }
        return partial;
    }

    /** Writes query {@code q}'s vector at {@code out[offset...]}: h + r for the tail side, t - r for the head side. */
    private void query(TripleStore test, int q, float[] out, int offset) {
        int triple = q / 2;
        boolean tails = q % 2 == 0;
        TransEDistance.query(model, tails ? test.head(triple) : test.tail(triple), test.relation(triple), tails, out,
                offset);
    }

    private static int truth(TripleStore test, int q) {
        return q % 2 == 0 ? test.tail(q / 2) : test.head(q / 2);
    }
}
