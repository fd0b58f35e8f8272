package io.ernieneo4j.trainer.transe;

/**
 * TransE's hyper-parameters, validated by the caller's configuration.
 *
 * @param dimensions       embedding size of entities and relations
 * @param epochs           passes over the training triples (each samples as many triples as there are)
 * @param learningRate     SGD step
 * @param margin           hinge margin between a true triple's distance and a corrupted one's
 * @param norm             distance {@code ||h + r - t||}: L1 or L2
 * @param negativeSampling which end of a triple to corrupt: uniformly, or Bernoulli by relation cardinality
 * @param negatives        corrupted triples per true triple
 * @param batchSize        triples a thread processes between termination checks (updates are per triple)
 * @param concurrency      threads updating the shared embeddings without locks (Hogwild)
 * @param randomSeed       seed of initialisation and sampling; with concurrency 1 a run is exactly repeatable
 * @param initialisation   how the vectors start: {@link Initialisation}
 * @param normalizeRelations whether a relation vector, like the entity vectors, is rescaled to norm 1 after each
 *                         update that leaves it longer (as Fast-TransX does); otherwise relations are never
 *                         rescaled after initialisation
 */
public record TransEParameters(
        int dimensions,
        int epochs,
        double learningRate,
        double margin,
        Norm norm,
        NegativeSampling negativeSampling,
        int negatives,
        int batchSize,
        int concurrency,
        long randomSeed,
        Initialisation initialisation,
        boolean normalizeRelations) {

    public enum Norm { L1, L2 }

    public enum NegativeSampling { UNIFORM, BERN }

    /** How the entity and relation vectors start. */
    public enum Initialisation {
        /** Bordes et al.: each component uniform in ±6/√dim, then every vector scaled to norm 1. */
        UNIFORM_UNIT,
        /**
         * Fast-TransX: each component normal with mean 0 and standard deviation 1/dim (truncated to ±6/√dim), not
         * rescaled, so the vectors start with norm ≈ 1/√dim and grow as they learn.
         */
        SMALL_NORMAL
    }

    /*
     * The defaults of the command line and of ernie.transe.train: the best measured on the WN18-like and WN18RR-like
     * splits, at 100 and at 1000 epochs (docs/transe-notes.md, "Defaults"): Fast-TransX's start and step with a
     * margin of 2. The strings are the option values the command line and the procedures spell.
     */
    public static final int DEFAULT_EPOCHS = 1000;
    public static final double DEFAULT_LEARNING_RATE = 0.001;
    public static final double DEFAULT_MARGIN = 2.0;
    public static final String DEFAULT_NEGATIVE_SAMPLING_NAME = "uniform";
    public static final NegativeSampling DEFAULT_NEGATIVE_SAMPLING = NegativeSampling.UNIFORM;
    public static final String DEFAULT_INITIALISATION_NAME = "small_normal";
    public static final Initialisation DEFAULT_INITIALISATION = Initialisation.SMALL_NORMAL;
    public static final boolean DEFAULT_NORMALIZE_RELATIONS = false;

    public TransEParameters withInitialisation(Initialisation value) {
        return new TransEParameters(dimensions, epochs, learningRate, margin, norm, negativeSampling, negatives,
                batchSize, concurrency, randomSeed, value, normalizeRelations);
    }

    public TransEParameters withRandomSeed(long value) {
        return new TransEParameters(dimensions, epochs, learningRate, margin, norm, negativeSampling, negatives,
                batchSize, concurrency, value, initialisation, normalizeRelations);
    }

    public TransEParameters withNormalizeRelations(boolean value) {
        return new TransEParameters(dimensions, epochs, learningRate, margin, norm, negativeSampling, negatives,
                batchSize, concurrency, randomSeed, initialisation, value);
    }

    public TransEParameters {
        require(dimensions >= 1, "dimensions must be >= 1");
        require(epochs >= 1, "epochs must be >= 1");
        require(learningRate > 0, "learningRate must be > 0");
        require(margin > 0, "margin must be > 0");
        require(negatives >= 1, "negatives must be >= 1");
        require(batchSize >= 1, "batchSize must be >= 1");
        require(concurrency >= 1, "concurrency must be >= 1");
        require(initialisation != null, "initialisation must be set");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
