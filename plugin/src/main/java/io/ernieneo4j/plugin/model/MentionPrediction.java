package io.ernieneo4j.plugin.model;

import io.ernieneo4j.plugin.common.MemorySize;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ActivationMemory;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
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
import java.util.Map;

/**
 * A loaded ERNIE model run over the aligned mentions of documents — what entity typing and relation classification
 * share: look the model up (it cannot be dropped meanwhile), read the documents and their {@code MENTIONS}, hand
 * the examples of consecutive documents to the model in batches of {@code batchSize}, check for termination between
 * documents and log progress (documents/s). A {@link Task} says what the examples of a document are and which rows
 * a prediction gives.
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

        /** The head the model must have. */
        ErnieTask task();

        /** At most how many examples a document with {@code mentions} mentions gives. */
        long maxExamples(int mentions);

        /** At most how many rows one example gives, for a model with {@code labels} labels. */
        int maxRowsPerExample(int labels);

        /** Heap bytes of one row. */
        int rowBytes();
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
            List<DocumentMentions.Document> documents = request.read(tx, model.entityKey());
            List<R> rows = new ArrayList<>();
            long examples = 0;
            long skipped = 0;
            int logged = 0;
            // examples of consecutive documents share batches: short documents alone would make batches of a few
            // sequences, too small to keep the intra-op threads busy
            List<E> pending = new ArrayList<>();
            List<DocumentMentions.Document> owners = new ArrayList<>();
            for (int d = 0; d < documents.size(); d++) {
                termination.assertRunning();
                DocumentMentions.Document document = documents.get(d);
                for (E example : task.examples(document)) {
                    pending.add(example);
                    owners.add(document);
                }
                if (pending.size() < request.batchSize() && d + 1 < documents.size()) {
                    continue;
                }
                List<E> inputs = List.copyOf(pending);
                String source = owners.isEmpty() || owners.get(0).id() == document.id()
                        ? "document " + document.id() : "documents " + owners.get(0).id() + " to " + document.id();
                // the batches, one after another, on the model's inference executor
                List<ErniePredictor.Prediction<E>> predictions = inputs.isEmpty() ? List.of()
                        : model.infer(termination, () -> DjlRuntime.call(() ->
                                task.predict(predictor, inputs, source, request.batchSize())));
                examples += inputs.size();
                for (int k = 0; k < predictions.size(); k++) {
                    ErniePredictor.Prediction<E> prediction = predictions.get(k);
                    if (prediction.probabilities() == null) {
                        skipped++;
                    } else {
                        task.addRows(owners.get(k), prediction, predictor.labels(), request, rows);
                    }
                }
                pending.clear();
                owners.clear();
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

    /**
     * The memory a run of {@code task} needs, from the documents' sizes and the model's architecture, before anything
     * runs: the model's parameters (native memory, already taken while the model is loaded), one batch's activations
     * (native; {@code batchSize × maxLength}, between one layer's worth and all layers held at once) and the heap
     * the inputs take (the documents read, the examples encoded at once, and the rows — none to all of them over
     * the threshold).
     */
    public <E, R> MentionEstimate estimate(DocumentMentions request, Task<E, R> task, Map<String, Object> configuration) {
        return ErnieModelCatalog.use(db.databaseName(), request.modelName(), model -> {
            ErnieManifest manifest = model.loaded().manifest();
            if (manifest.task() != task.task()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "A `%s` model is not a `%s` model; load a model fine-tuned for %s.",
                        manifest.task().code(), task.task().code(), task.task().code()));
            }
            List<DocumentMentions.DocumentSize> sizes = request.sizes(tx);
            long mentions = 0;
            long examples = 0;
            long largestDocument = 0;
            long documentBytes = 0;
            for (DocumentMentions.DocumentSize size : sizes) {
                termination.assertRunning();
                mentions += size.mentions();
                long documentExamples = task.maxExamples(size.mentions());
                examples += documentExamples;
                largestDocument = Math.max(largestDocument, documentExamples);
                documentBytes += DOCUMENT_BYTES + 2L * size.textLength() + MENTION_BYTES * size.mentions();
            }
            int length = manifest.maxLength();
            long modelBytes = model.parameters() * Float.BYTES;
            long activationMin = ActivationMemory.layerBytes(manifest.architecture(), request.batchSize(), length);
            long activationMax = ActivationMemory.batchBytes(manifest.architecture(), request.batchSize(), length);
            // consecutive documents' examples are encoded together until they fill a batch
            long encodedAtOnce = Math.min(examples, largestDocument + request.batchSize() - 1);
            long inputMin = documentBytes + encodedAtOnce * exampleBytes(length);
            long inputMax = inputMin
                    + examples * task.maxRowsPerExample(manifest.labels().size()) * (long) task.rowBytes();
            long min = modelBytes + activationMin + inputMin;
            long max = modelBytes + activationMax + inputMax;
            return new MentionEstimate(MemorySize.human(max), min, max, modelBytes, activationMin, activationMax,
                    inputMin, inputMax, sizes.size(), mentions, examples, request.batchSize(), length, configuration);
        });
    }

    /** Heap of one read document beyond its text: the node's record, its text's String and the mention list. */
    private static final long DOCUMENT_BYTES = 96;
    /** Heap of one mention: the object and its entity id as a String. */
    private static final long MENTION_BYTES = 96;

    /** Heap of one encoded example: about six int arrays over its word pieces, and the example objects. */
    private static long exampleBytes(int length) {
        return 6L * Integer.BYTES * length + 256;
    }

    private static double perSecond(long count, long startNanos) {
        return count / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }
}
