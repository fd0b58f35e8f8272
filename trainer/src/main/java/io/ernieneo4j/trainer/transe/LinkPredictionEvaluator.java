package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;

import java.util.ArrayList;
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
 * <p>Both sides reduce to {@code ||q - e||} over all entities e (tail: {@code q = h + r}; head: {@code q = t - r}), so
 * queries are scored in blocks: each entity vector is read once per block of queries, and the inner loop runs
 * across the block's queries, which the JIT vectorises.
 */
public final class LinkPredictionEvaluator {

    private static final int BLOCK = 32;

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
        int blocks = (queries + BLOCK - 1) / BLOCK;
        int threads = Math.max(1, Math.min(concurrency, blocks));
        List<Partial> partials = new ArrayList<>();
        if (threads == 1) {
            partials.add(evaluateBlocks(test, 0, blocks, perRelation));
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Partial>> futures = new ArrayList<>();
                int per = (blocks + threads - 1) / threads;
                for (int w = 0; w < threads; w++) {
                    int from = w * per;
                    int to = Math.min(blocks, from + per);
                    futures.add(pool.submit(() -> evaluateBlocks(test, from, to, perRelation)));
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
    private Partial evaluateBlocks(TripleStore test, int fromBlock, int toBlock, boolean perRelation) {
        int dim = model.dimensions();
        boolean l1 = model.norm() == Norm.L1;
        float[] entities = model.entityVectors();
        int entityCount = model.entityCount();
        int queries = test.size() * 2;
        float[] block = new float[dim * BLOCK]; // transposed: block[k * BLOCK + b]
        float[] scores = new float[BLOCK];
        float[] trueScore = new float[BLOCK];
        int[] better = new int[BLOCK];
        int[] ties = new int[BLOCK];
        Partial partial = new Partial(model.relationCount());
        for (int blockIndex = fromBlock; blockIndex < toBlock; blockIndex++) {
            termination.assertRunning();
            int first = blockIndex * BLOCK;
            int size = Math.min(BLOCK, queries - first);
            java.util.Arrays.fill(block, 0);
            java.util.Arrays.fill(trueScore, Float.NEGATIVE_INFINITY); // unused lanes never count
            for (int b = 0; b < size; b++) {
                query(test, first + b, block, b);
                trueScore[b] = score(block, b, entities, truth(test, first + b) * dim, dim, l1);
            }
            java.util.Arrays.fill(better, 0);
            java.util.Arrays.fill(ties, 0);
            for (int e = 0; e < entityCount; e++) {
                java.util.Arrays.fill(scores, 0);
                int eo = e * dim;
                for (int k = 0; k < dim; k++) {
                    float v = entities[eo + k];
                    int row = k * BLOCK;
                    if (l1) {
                        for (int b = 0; b < BLOCK; b++) {
                            scores[b] += Math.abs(block[row + b] - v);
                        }
                    } else {
                        for (int b = 0; b < BLOCK; b++) {
                            float x = block[row + b] - v;
                            scores[b] += x * x;
                        }
                    }
                }
                for (int b = 0; b < BLOCK; b++) {
                    better[b] += scores[b] < trueScore[b] ? 1 : 0;
                    ties[b] += scores[b] == trueScore[b] ? 1 : 0;
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
                    float s = score(block, b, entities, answer * dim, dim, l1);
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

    /** Writes query {@code q}'s vector into lane {@code b}: h + r for the tail side, t - r for the head side. */
    private void query(TripleStore test, int q, float[] block, int b) {
        int dim = model.dimensions();
        float[] entities = model.entityVectors();
        float[] relations = model.relationVectors();
        int triple = q / 2;
        int r = test.relation(triple) * dim;
        if (q % 2 == 0) {
            int h = test.head(triple) * dim;
            for (int k = 0; k < dim; k++) block[k * BLOCK + b] = entities[h + k] + relations[r + k];
        } else {
            int t = test.tail(triple) * dim;
            for (int k = 0; k < dim; k++) block[k * BLOCK + b] = entities[t + k] - relations[r + k];
        }
    }

    private static int truth(TripleStore test, int q) {
        return q % 2 == 0 ? test.tail(q / 2) : test.head(q / 2);
    }

    /** Lane b's distance to one entity, summed in the same order as the block loop, so equal means tied. */
    private static float score(float[] block, int b, float[] entities, int offset, int dim, boolean l1) {
        float s = 0;
        for (int k = 0; k < dim; k++) {
            float x = block[k * BLOCK + b] - entities[offset + k];
            s += l1 ? Math.abs(x) : x * x;
        }
        return s;
    }
}
