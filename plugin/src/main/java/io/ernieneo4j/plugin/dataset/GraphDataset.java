package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.transe.TransEModelRegistry;
import io.ernieneo4j.trainer.dataset.Dataset;
import io.ernieneo4j.trainer.dataset.DatasetBuilder;
import io.ernieneo4j.trainer.dataset.DatasetParameters;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.util.function.Function;

/**
 * The documents, their MENTIONS, the entities' types and relationships read into the trainer's examples, in memory:
 * the one path ernie.dataset.export writes to files and ernie.type.train and ernie.relation.train fine-tune on.
 *
 * @param dataset    the examples of every split, with the rows of the entities they name
 * @param transe     the TransE model that names the entities and gives their vectors
 * @param parameters what the examples were built with (the relationship types actually used)
 */
public record GraphDataset(Dataset dataset, TransEModelFiles.NamedModel transe, DatasetParameters parameters) {

    /**
     * Checks the names {@code config} uses exist, then reads and builds.
     *
     * @param procedure the calling procedure, for the log
     */
    public static GraphDataset read(GraphDatabaseService db, Transaction tx, Log log, TerminationGuard guard,
                                    DatasetExportConfig config, String procedure) {
        return read(db, tx, log, guard, config, procedure, DatasetBuilder::build);
    }

    /**
     * The pretraining corpus alone ({@link DatasetBuilder#corpus}): the documents and their mentions; types and
     * relationships are not read ({@code config} from {@link DatasetExportConfig#forPretraining}).
     */
    public static GraphDataset readCorpus(GraphDatabaseService db, Transaction tx, Log log, TerminationGuard guard,
                                          DatasetExportConfig config, String procedure) {
        return read(db, tx, log, guard, config, procedure, DatasetBuilder::corpus);
    }

    private static GraphDataset read(GraphDatabaseService db, Transaction tx, Log log, TerminationGuard guard,
                                     DatasetExportConfig config, String procedure,
                                     Function<DatasetBuilder, Dataset> building) {
        TransEModelFiles.NamedModel transe = TransEModelRegistry.load(db, config.modelName());
        EntityKey key = EntityKey.parse(transe.manifest().entityKey());
        DatasetGraphReader graph = new DatasetGraphReader(tx, config, key);
        graph.validate();
        DatasetParameters parameters = config.parameters(transe.relations());
        Dataset dataset = building.apply(new DatasetBuilder(graph, transe, parameters,
                Neo4jRun.progress(log, procedure), Neo4jRun.termination(guard)));
        return new GraphDataset(dataset, transe, parameters);
    }
}
