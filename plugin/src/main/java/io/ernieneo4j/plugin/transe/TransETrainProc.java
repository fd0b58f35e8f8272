package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.PluginFolders;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** TransE over the stored graph: train (keep the model, write embeddings), stream, stats and estimate. */
public class TransETrainProc {

    private static final String CONFIG_DESCRIPTION = "Graph: `nodeLabels`, `relationshipTypes` (default all) or "
            + "`graphName` (a GDS projection), `splitProperty`/`trainSplit`; relationships marked `predicted: true` are never "
            + "learnt. TransE (defaults: the best measured): `dimensions` (100), `epochs` (1000), "
            + "`learningRate` (0.001), `margin` (2.0), `norm` ('L1'|'L2'), `negativeSampling` ('uniform'|'bern'), "
            + "`negatives` (1), `batchSize`, `concurrency`, `randomSeed`, `initialisation` ('small_normal': "
            + "Fast-TransX's start | 'uniform_unit': norm 1, better at learningRate 0.01), `normalizeRelations` "
            + "(false).";

    private static final String PREDICTED_LEFT_OUT = "Relationships of the selection marked `predicted: true` "
            + "(written by predict.write or ernie.relation.write), left out: predictions are never learnt.";
    private static final String WARNINGS = "Empty when the loss shows learning; otherwise why it does not (the final "
            + "loss still at an untrained model's level) and what to try. Also logged at warn level.";

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.transe.train", mode = Mode.WRITE)
    @Description("Trains TransE embeddings of the stored graph, keeps the model under `modelName` (for predict, "
            + "evaluate and ERNIE) in files on the server and, with `writeProperty`, writes each node's embedding as a "
            + "float array. Refused when `ernie.files.write.enabled` is false (stream and stats still train).")
    public Stream<TrainResult> train(
            @Name(value = "configuration", description = CONFIG_DESCRIPTION + " Also `modelName` (required) and "
                    + "`writeProperty`, `keyProperty` (the node property that names each entity in the stored model, "
                    + "unique per node; default the node's elementId, which Neo4j may reuse after a delete), "
                    + "`incremental` (false; true updates the stored model to the graph as it is now: new nodes "
                    + "and relationship types get vectors, nodes whose relationships changed are refined, the rest "
                    + "keep theirs; keys left out take the stored run's values).")
            Map<String, Object> configuration) {
        PluginFolders.requireFileWrites("ernie.transe.train");
        TransEConfig config = TransEConfig.from(configuration, TransEConfig.Mode.TRAIN);
        TransEFeature feature = feature("ernie.transe.train");
        if (!config.incremental()) {
            return Stream.of(feature.trainAndWrite(config, null));
        }
        TransEFeature.StoredRun stored = TransEFeature.storedRun(db, config.modelName().orElseThrow());
        return Stream.of(feature.trainAndWrite(TransEConfig.incremental(configuration, stored.configuration()),
                stored));
    }

    @Procedure(name = "ernie.transe.train.estimate", mode = Mode.READ)
    @Description("Estimates the memory ernie.transe.train needs for a configuration, before anything runs.")
    public Stream<EstimateResult> estimate(
            @Name(value = "configuration", description = CONFIG_DESCRIPTION) Map<String, Object> configuration) {
        TransEConfig config = TransEConfig.from(configuration, TransEConfig.Mode.ESTIMATE);
        return Stream.of(feature("ernie.transe.train.estimate").estimate(config));
    }

    @Procedure(name = "ernie.transe.stream", mode = Mode.READ)
    @Description("Trains TransE embeddings of the stored graph and streams each node's embedding; writes nothing.")
    public Stream<StreamResult> stream(
            @Name(value = "configuration", defaultValue = "{}", description = CONFIG_DESCRIPTION)
            Map<String, Object> configuration) {
        TransEConfig config = TransEConfig.from(configuration, TransEConfig.Mode.STREAM);
        return feature("ernie.transe.stream").stream(config);
    }

    @Procedure(name = "ernie.transe.stats", mode = Mode.READ)
    @Description("Trains TransE embeddings of the stored graph and reports the run (loss per epoch, speed); "
            + "writes nothing.")
    public Stream<StatsResult> stats(
            @Name(value = "configuration", defaultValue = "{}", description = CONFIG_DESCRIPTION)
            Map<String, Object> configuration) {
        TransEConfig config = TransEConfig.from(configuration, TransEConfig.Mode.STATS);
        return Stream.of(feature("ernie.transe.stats").stats(config));
    }

    private TransEFeature feature(String procedure) {
        return new TransEFeature(db, tx, log, guard, procedure);
    }

    public record TrainResult(
            @Description("The name the model is kept under.") String modelName,
            @Description("Nodes that received an embedding.") long nodeCount,
            @Description("Relationships learnt from.") long relationshipCount,
            @Description(PREDICTED_LEFT_OUT) long predictedRelationshipsLeftOut,
            @Description("Relationship types learnt.") long relationshipTypeCount,
            @Description("Epochs run.") long epochs,
            @Description("Mean hinge loss of the last epoch.") double finalLoss,
            @Description(WARNINGS) List<String> warnings,
            @Description("Milliseconds reading the graph.") long preProcessingMillis,
            @Description("Milliseconds training.") long computeMillis,
            @Description("Positive triples processed per second.") long triplesPerSecond,
            @Description("Milliseconds saving the model and writing embeddings.") long writeMillis,
            @Description("Node properties written.") long nodePropertiesWritten,
            @Description("With `incremental`, what changed since the stored run and what the update touched "
                    + "(entitiesAdded, entitiesRefined, entitiesRemoved, relationshipTypesAdded, relationshipsAdded, "
                    + "relationshipsRemoved, relationshipsSampledPerEpoch, entitiesTouchedFraction); otherwise null.")
            Map<String, Object> update,
            @Description("The configuration used.") Map<String, Object> configuration) {}

    public record StreamResult(
            @Description("The node's internal id.") long nodeId,
            @Description("The node's TransE embedding.") List<Double> embedding) {}

    public record StatsResult(
            @Description("Nodes in the graph learnt from.") long nodeCount,
            @Description("Relationships learnt from.") long relationshipCount,
            @Description(PREDICTED_LEFT_OUT) long predictedRelationshipsLeftOut,
            @Description("Relationship types learnt.") long relationshipTypeCount,
            @Description("Epochs run.") long epochs,
            @Description("Mean hinge loss of the last epoch.") double finalLoss,
            @Description("Mean hinge loss of each epoch.") List<Double> lossPerEpoch,
            @Description(WARNINGS) List<String> warnings,
            @Description("Milliseconds reading the graph.") long preProcessingMillis,
            @Description("Milliseconds training.") long computeMillis,
            @Description("Positive triples processed per second.") long triplesPerSecond,
            @Description("The configuration used.") Map<String, Object> configuration) {}

    public record EstimateResult(
            @Description("The larger estimate, readable.") String requiredMemory,
            @Description("Lower bound in bytes.") long bytesMin,
            @Description("Upper bound in bytes.") long bytesMax,
            @Description("Nodes counted for the selection (an upper bound: a node without a selected relationship "
                    + "gets no embedding); with `graphName`, the projection's node count.") long nodeCount,
            @Description("Relationships counted for the selection (in the projection with `graphName`).")
            long relationshipCount,
            @Description("bytesMin as a percentage of the maximum heap.") double heapPercentageMin,
            @Description("bytesMax as a percentage of the maximum heap.") double heapPercentageMax,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
