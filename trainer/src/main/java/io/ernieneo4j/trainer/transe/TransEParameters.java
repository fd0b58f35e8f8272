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
        long randomSeed) {

    public enum Norm { L1, L2 }

    public enum NegativeSampling { UNIFORM, BERN }

    public TransEParameters {
        require(dimensions >= 1, "dimensions must be >= 1");
        require(epochs >= 1, "epochs must be >= 1");
        require(learningRate > 0, "learningRate must be > 0");
        require(margin > 0, "margin must be > 0");
        require(negatives >= 1, "negatives must be >= 1");
        require(batchSize >= 1, "batchSize must be >= 1");
        require(concurrency >= 1, "concurrency must be >= 1");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
