package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * TransE (Bordes et al., 2013) trained the way the fast CPU trainers (thunlp's Fast-TransX) do: lock-free
 * multi-threaded SGD over primitive arrays (Hogwild), one or more corrupted triples per true one, corruptions
 * re-drawn until they are not training triples, touched entity vectors (and, with {@code normalizeRelations}, the
 * relation vector) rescaled to norm ≤ 1. Vectors start at norm 1 ({@code UNIFORM_UNIT}) or, as in Fast-TransX, small
 * ({@code SMALL_NORMAL}); at lr 0.001 only the small start reaches Fast-TransX's quality ({@code docs/transe-notes.md}).
 *
 * <p>Each epoch samples as many triples (with replacement) as there are, split across threads; each thread has its
 * own seeded random stream, so {@code concurrency = 1} with a seed repeats a run exactly.
 *
 * <p>{@link #train(Start)} continues from a previous model instead ({@link TransEUpdate}): the rows it names start
 * from their old vectors, only the trainable rows move, and each epoch samples only the given triples.
 */
public final class TransE {

    /** Per-epoch figures. */
    public record EpochStats(int epoch, double loss, long updates, double seconds) {}

    /** The trained model and its per-epoch history. */
    public record Result(TransEModel model, List<EpochStats> epochs, double trainSeconds, long triplesProcessed) {
        public double finalLoss() {
            return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).loss();
        }

        public double triplesPerSecond() {
            return triplesProcessed / trainSeconds;
        }
    }

    /**
     * Where a run starts from when it continues a previous model.
     *
     * @param previous           the previous model
     * @param previousEntity     for each entity id of the triples, its row in {@code previous}, or -1 for a new one
     *                           (which starts as a fresh run would)
     * @param previousRelation   the same for relations
     * @param trainableEntities  the entities the run may move; the others keep their vectors exactly
     * @param trainableRelations the relations the run may move
     * @param sampled            the indices of the triples each epoch samples from (as many samples as indices);
     *                           corrupted triples are still checked against every triple of the store
     */
    public record Start(TransEModel previous, int[] previousEntity, int[] previousRelation,
                        boolean[] trainableEntities, boolean[] trainableRelations, int[] sampled) {
        public Start {
            if (sampled.length == 0) {
                throw new IllegalArgumentException("A continued run needs at least one triple to train on.");
            }
        }
    }

    private final TripleStore triples;
    private final TransEParameters parameters;
    private final Progress progress;
    private final Termination termination;
    private final int dim;
    private final float[] entities;
    private final float[] relations;
    /** Probability of corrupting the head of a triple of each relation (0.5 when uniform). */
    private final float[] headCorruption;
    /** Null for a fresh run: every row trains and every triple is sampled. */
    private Start start;

    public TransE(TripleStore triples, TransEParameters parameters, Progress progress, Termination termination) {
        if (triples.size() == 0) {
            throw new IllegalArgumentException("TransE needs at least one training triple.");
        }
        this.triples = triples;
        this.parameters = parameters;
        this.progress = progress;
        this.termination = termination;
        this.dim = parameters.dimensions();
        this.entities = new float[triples.entityCount() * dim];
        this.relations = new float[triples.relationCount() * dim];
        this.headCorruption = headCorruptionProbabilities(triples, parameters.negativeSampling());
    }

    /** Bytes a run needs besides the triples: both vector tables plus the per-relation sampling table. */
    public static long estimateMemoryBytes(long entityCount, long relationCount, int dimensions) {
        return Float.BYTES * dimensions * (entityCount + relationCount) + Float.BYTES * relationCount;
    }

    public Result train() {
        return run(null);
    }

    /** Continues {@code start.previous()}: see {@link Start}. */
    public Result train(Start start) {
        if (start.previousEntity().length != triples.entityCount()
                || start.trainableEntities().length != triples.entityCount()
                || start.previousRelation().length != triples.relationCount()
                || start.trainableRelations().length != triples.relationCount()
                || start.previous().dimensions() != dim) {
            throw new IllegalArgumentException("The start does not match the triples' entities, relations or the "
                    + "dimensions.");
        }
        return run(start);
    }

    private Result run(Start start) {
        this.start = start;
        initialise();
        if (start != null) {
            copyPrevious(start);
        }
        int sampleCount = start == null ? triples.size() : start.sampled().length;
        int threads = Math.min(parameters.concurrency(), sampleCount);
        List<EpochStats> history = new ArrayList<>(parameters.epochs());
        long began = System.nanoTime();
        long processed = 0;
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "ernie-transe");
            thread.setDaemon(true);
            return thread;
        }) : null;
        try {
            Worker[] workers = new Worker[threads];
            for (int w = 0; w < threads; w++) {
                workers[w] = new Worker(new SplittableRandom(parameters.randomSeed() * 31 + w + 1));
            }
            for (int epoch = 1; epoch <= parameters.epochs(); epoch++) {
                termination.assertRunning();
                long epochStart = System.nanoTime();
                int perThread = sampleCount / threads;
                int remainder = sampleCount % threads;
                double loss = 0;
                long updates = 0;
                if (pool == null) {
                    workers[0].run(sampleCount);
                } else {
                    List<Future<?>> futures = new ArrayList<>(threads);
                    for (int w = 0; w < threads; w++) {
                        Worker worker = workers[w];
                        int samples = perThread + (w < remainder ? 1 : 0);
                        futures.add(pool.submit(() -> worker.run(samples)));
                    }
                    awaitAll(futures);
                }
                for (Worker worker : workers) {
                    loss += worker.loss;
                    updates += worker.updates;
                }
                processed += sampleCount;
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                EpochStats stats = new EpochStats(epoch, loss / sampleCount, updates, seconds);
                history.add(stats);
                progress.epoch("TransE", epoch, parameters.epochs(), stats.loss(), sampleCount / seconds);
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        return new Result(new TransEModel(dim, parameters.norm(), entities, relations), history, seconds, processed);
    }

    private void initialise() {
        SplittableRandom random = new SplittableRandom(parameters.randomSeed());
        float bound = (float) (6 / Math.sqrt(dim));
        boolean unit = parameters.initialisation() == Initialisation.UNIFORM_UNIT;
        double sigma = 1.0 / dim;
        for (int i = 0; i < relations.length; i++) {
            relations[i] = unit ? (float) random.nextDouble(-bound, bound) : truncatedNormal(random, sigma, bound);
        }
        for (int i = 0; i < entities.length; i++) {
            entities[i] = unit ? (float) random.nextDouble(-bound, bound) : truncatedNormal(random, sigma, bound);
        }
        if (unit) {
            for (int r = 0; r < triples.relationCount(); r++) {
                normalise(relations, r * dim);
            }
            for (int e = 0; e < triples.entityCount(); e++) {
                normalise(entities, e * dim);
            }
        }
    }

    /** The previous model's rows for the entities and relations it has. */
    private void copyPrevious(Start start) {
        float[] previousEntities = start.previous().entityVectors();
        float[] previousRelations = start.previous().relationVectors();
        for (int e = 0; e < start.previousEntity().length; e++) {
            if (start.previousEntity()[e] >= 0) {
                System.arraycopy(previousEntities, start.previousEntity()[e] * dim, entities, e * dim, dim);
            }
        }
        for (int r = 0; r < start.previousRelation().length; r++) {
            if (start.previousRelation()[r] >= 0) {
                System.arraycopy(previousRelations, start.previousRelation()[r] * dim, relations, r * dim, dim);
            }
        }
    }

    private static float truncatedNormal(SplittableRandom random, double sigma, float bound) {
        while (true) {
            double x = random.nextGaussian() * sigma;
            if (Math.abs(x) <= bound) {
                return (float) x;
            }
        }
    }

    /** One thread's SGD over {@code samples} random triples per call; its loss and update count for that call. */
    private final class Worker {
        private final SplittableRandom random;
        private double loss;
        private long updates;

        Worker(SplittableRandom random) {
            this.random = random;
        }

        void run(int samples) {
            loss = 0;
            updates = 0;
            int batch = parameters.batchSize();
            int entityCount = triples.entityCount();
            float margin = (float) parameters.margin();
            float rate = (float) parameters.learningRate();
            boolean l1 = parameters.norm() == Norm.L1;
            for (int s = 0; s < samples; s++) {
                if (s % batch == batch - 1) {
                    termination.assertRunning();
                }
                int i = start == null ? random.nextInt(triples.size())
                        : start.sampled()[random.nextInt(start.sampled().length)];
                int h = triples.head(i);
                int r = triples.relation(i);
                int t = triples.tail(i);
                for (int n = 0; n < parameters.negatives(); n++) {
                    int hn = h;
                    int tn = t;
                    if (random.nextFloat() < headCorruption[r]) {
                        do {
                            hn = random.nextInt(entityCount);
                        } while (triples.contains(hn, r, t));
                    } else {
                        do {
                            tn = random.nextInt(entityCount);
                        } while (triples.contains(h, r, tn));
                    }
                    float positive = distance(h, r, t, l1);
                    float negative = distance(hn, r, tn, l1);
                    if (positive + margin > negative) {
                        loss += positive + margin - negative;
                        updates++;
                        update(h, r, t, hn, tn, rate, l1);
                    }
                }
            }
        }
    }

    /** The score the loss compares: L1 distance, or the squared L2 distance (as Fast-TransX). */
    private float distance(int h, int r, int t, boolean l1) {
        int ho = h * dim;
        int ro = r * dim;
        int to = t * dim;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        // four accumulators: float sums are not reordered by the JIT, independent chains run in parallel
        for (; k + 3 < dim; k += 4) {
            float x0 = entities[ho + k] + relations[ro + k] - entities[to + k];
            float x1 = entities[ho + k + 1] + relations[ro + k + 1] - entities[to + k + 1];
            float x2 = entities[ho + k + 2] + relations[ro + k + 2] - entities[to + k + 2];
            float x3 = entities[ho + k + 3] + relations[ro + k + 3] - entities[to + k + 3];
            if (l1) {
                s0 += Math.abs(x0); s1 += Math.abs(x1); s2 += Math.abs(x2); s3 += Math.abs(x3);
            } else {
                s0 += x0 * x0; s1 += x1 * x1; s2 += x2 * x2; s3 += x3 * x3;
            }
        }
        for (; k < dim; k++) {
            float x = entities[ho + k] + relations[ro + k] - entities[to + k];
            s0 += l1 ? Math.abs(x) : x * x;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Moves h + r towards t for the true triple and away for the corrupted one, then rescales the entities. A row a
     * continued run keeps fixed gets a zero step (one loop either way) and is not rescaled. The squared norms the
     * rescaling needs are summed in the same pass as the step (one pass over the vectors instead of four).
     */
    private void update(int h, int r, int t, int hn, int tn, float rate, boolean l1) {
        int ho = h * dim;
        int ro = r * dim;
        int to = t * dim;
        int hno = hn * dim;
        int tno = tn * dim;
        // one end is corrupted (never to itself: the true triple is a training triple), so three entity rows move:
        // h, t and the corrupting entity c, which may be h or t of the true triple only through a self-loop or
        // by corrupting one end into the other
        int c = hn != h ? hn : tn;
        int co = c * dim;
        boolean moveH = trainableEntity(h);
        boolean moveT = trainableEntity(t);
        boolean moveC = trainableEntity(c);
        boolean moveR = start == null || start.trainableRelations()[r];
        float rateH = moveH ? rate : 0;
        float rateT = moveT ? rate : 0;
        float rateHn = trainableEntity(hn) ? rate : 0;
        float rateTn = trainableEntity(tn) ? rate : 0;
        float rateR = moveR ? rate : 0;
        float sumH = 0, sumT = 0, sumC = 0, sumR = 0;
        for (int k = 0; k < dim; k++) {
            float x = entities[to + k] - entities[ho + k] - relations[ro + k];
            float g = l1 ? Math.signum(x) : 2 * x;
            float xn = entities[tno + k] - entities[hno + k] - relations[ro + k];
            float gn = l1 ? Math.signum(xn) : 2 * xn;
            float vr = relations[ro + k] + rateR * (g - gn);
            relations[ro + k] = vr;
            entities[ho + k] += rateH * g;
            entities[to + k] -= rateT * g;
            entities[hno + k] -= rateHn * gn;
            entities[tno + k] += rateTn * gn;
            // read back after all five steps, so an entity in two roles is summed with both
            float vh = entities[ho + k];
            float vt = entities[to + k];
            float vc = entities[co + k];
            sumH += vh * vh;
            sumT += vt * vt;
            sumC += vc * vc;
            sumR += vr * vr;
        }
        if (moveH) rescale(entities, ho, sumH);
        if (moveT && to != ho) rescale(entities, to, sumT);
        if (moveC && co != ho && co != to) rescale(entities, co, sumC);
        if (parameters.normalizeRelations() && moveR) rescale(relations, ro, sumR);
    }

    /** Scales the vector at {@code offset}, whose squared norm is {@code sum}, to norm 1 when it is longer. */
    private void rescale(float[] vectors, int offset, float sum) {
        if (sum > 1f) {
            float scale = (float) (1 / Math.sqrt(sum));
            for (int k = 0; k < dim; k++) {
                vectors[offset + k] *= scale;
            }
        }
    }

    private boolean trainableEntity(int e) {
        return start == null || start.trainableEntities()[e];
    }

    /** Scales a vector to unit L2 norm. */
    private void normalise(float[] vectors, int offset) {
        float sum = 0;
        for (int k = 0; k < dim; k++) {
            sum += vectors[offset + k] * vectors[offset + k];
        }
        float scale = (float) (1 / Math.sqrt(sum));
        for (int k = 0; k < dim; k++) {
            vectors[offset + k] *= scale;
        }
    }

    private static float[] headCorruptionProbabilities(TripleStore triples, NegativeSampling sampling) {
        float[] probability = new float[triples.relationCount()];
        if (sampling == NegativeSampling.UNIFORM) {
            java.util.Arrays.fill(probability, 0.5f);
            return probability;
        }
        // bern: tph / (tph + hpt), tails per head and heads per tail averaged per relation
        java.util.Map<Long, Integer> tailsPerHead = new java.util.HashMap<>();
        java.util.Map<Long, Integer> headsPerTail = new java.util.HashMap<>();
        for (int i = 0; i < triples.size(); i++) {
            long r = triples.relation(i);
            tailsPerHead.merge(r * triples.entityCount() + triples.head(i), 1, Integer::sum);
            headsPerTail.merge(r * triples.entityCount() + triples.tail(i), 1, Integer::sum);
        }
        double[] tphSum = new double[triples.relationCount()];
        double[] tphCount = new double[triples.relationCount()];
        double[] hptSum = new double[triples.relationCount()];
        double[] hptCount = new double[triples.relationCount()];
        tailsPerHead.forEach((key, n) -> {
            int r = (int) (key / triples.entityCount());
            tphSum[r] += n;
            tphCount[r]++;
        });
        headsPerTail.forEach((key, n) -> {
            int r = (int) (key / triples.entityCount());
            hptSum[r] += n;
            hptCount[r]++;
        });
        for (int r = 0; r < probability.length; r++) {
            double tph = tphCount[r] == 0 ? 1 : tphSum[r] / tphCount[r];
            double hpt = hptCount[r] == 0 ? 1 : hptSum[r] / hptCount[r];
            probability[r] = (float) (tph / (tph + hpt));
        }
        return probability;
    }

    private static void awaitAll(List<Future<?>> futures) {
        try {
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Termination.TerminatedException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
