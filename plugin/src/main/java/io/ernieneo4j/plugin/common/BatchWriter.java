package io.ernieneo4j.plugin.common;

import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;

import java.util.List;

/**
 * Writes a list of items in batches, each in a transaction of its own, checking for termination before each batch
 * (GDS's write semantics: a run stopped midway keeps the batches it committed; every writer here is idempotent, so
 * running it again completes the work).
 */
public final class BatchWriter {

    /** Writes one batch in {@code tx} and returns what it counts (nodes, relationships, rows). */
    @FunctionalInterface
    public interface Batch<T> {
        long write(Transaction tx, List<T> items);
    }

    private BatchWriter() {}

    /** Returns the sum of the batches' counts. */
    public static <T> long write(GraphDatabaseService db, List<T> items, int batchSize, Termination termination,
                                 Batch<T> batch) {
        long total = 0;
        for (int from = 0; from < items.size(); from += batchSize) {
            termination.assertRunning();
            try (Transaction tx = db.beginTx()) {
                total += batch.write(tx, items.subList(from, Math.min(items.size(), from + batchSize)));
                tx.commit();
            }
        }
        return total;
    }
}
