package io.ernieneo4j.plugin.model;

import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.finetune.ErniePredictor;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A loaded ERNIE model run over the aligned mentions of documents — what entity typing and relation classification
 * share: look the model up (it cannot be dropped meanwhile), read the documents and their {@code MENTIONS}, hand
 * each document's examples to the model in batches, check for termination between documents and log progress
 * (documents/s). A {@link Task} says what the examples of a document are and which rows a prediction gives.
 */
public final class MentionPrediction {

    /** One task on top of the shared run: typing, relations. */
    public interface Task<E, R> {

        /** The model inputs of one document (each aligned mention, each ordered pair of mentions, ...). */
        List<E> examples(DocumentMentions.Document document);

        /** The model's call on a document's examples (in the task's own head; in batches of {@code batchSize}). */
        List<ErniePredictor.Prediction<E>> predict(ErniePredictor predictor, List<E> examples, String source,
                                                   int batchSize);

        /** Adds the rows one prediction gives, {@code labels} being the model's labels in logit order. */
        void addRows(DocumentMentions.Document document, ErniePredictor.Prediction<E> prediction, List<String> labels,
                     DocumentMentions request, List<R> rows);

    }

    /**
     * What a run gives.
     *
     * @param skipped examples the model could not take (a mention beyond its maximum length)
     */
    public record Run<R>(List<R> rows, long documents, long examples, long skipped, long computeMillis) {}

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Progress progress;
    private final Termination termination;

    /** @param procedure the procedure's name, for the log lines */
    public MentionPrediction(GraphDatabaseService db, Transaction tx, Log log, TerminationGuard guard,
                             String procedure) {
        this.db = db;
        this.tx = tx;
        this.progress = Neo4jRun.progress(log, procedure);
        this.termination = Neo4jRun.termination(guard);
    }

    /** The termination check of the procedure's transaction, for the writes that follow a run. */
    public Termination termination() {
        return termination;
    }

    /** Runs {@code task} over the documents {@code request} selects, with the model it names. */
    public <E, R> Run<R> run(DocumentMentions request, Task<E, R> task) {
        long start = System.nanoTime();
        return ErnieModelCatalog.use(db.databaseName(), request.modelName(), model -> {
            ErniePredictor predictor = DjlRuntime.call(() ->
                    new ErniePredictor(model.loaded().model(), model.loaded().tokenizer(), model.entities()));
            List<DocumentMentions.Document> documents = request.read(tx);
            List<R> rows = new ArrayList<>();
            long examples = 0;
            long skipped = 0;
            int logged = 0;
            for (int d = 0; d < documents.size(); d++) {
                termination.assertRunning();
                DocumentMentions.Document document = documents.get(d);
                List<E> inputs = task.examples(document);
                List<ErniePredictor.Prediction<E>> predictions = DjlRuntime.call(() ->
                        task.predict(predictor, inputs, "document " + document.id(), request.batchSize()));
                examples += inputs.size();
                for (ErniePredictor.Prediction<E> prediction : predictions) {
                    if (prediction.probabilities() == null) {
                        skipped++;
                    } else {
                        task.addRows(document, prediction, predictor.labels(), request, rows);
                    }
                }
                // at most one line per 10% of the documents
                int percent = (int) (100L * (d + 1) / documents.size());
                if (percent / 10 > logged / 10 && d + 1 < documents.size()) {
                    logged = percent;
                    progress.info(String.format(Locale.ROOT, "%d%% (%d of %d documents, %.1f documents/s)",
                            percent, d + 1, documents.size(), perSecond(d + 1, start)));
                }
            }
            progress.info(String.format(Locale.ROOT, "%d documents, %d examples (%d beyond the model's maximum "
                            + "length), %d rows, %.1f documents/s", documents.size(), examples, skipped, rows.size(),
                    perSecond(documents.size(), start)));
            return new Run<>(rows, documents.size(), examples, skipped, (System.nanoTime() - start) / 1_000_000);
        });
    }

    private static double perSecond(long count, long startNanos) {
        return count / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }
}
