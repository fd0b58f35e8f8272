package io.ernieneo4j.plugin.model;

import io.ernieneo4j.plugin.common.MemorySize;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ActivationMemory;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.infer.ErniePredictor;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

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

        /**
         * {@code base}'s examples and model call with rows of another kind: one per prediction, whatever it says
         * (for the evaluations and the evidence readers, which need every score, not the rows over a threshold).
         */
        static <E, R> Task<E, R> eachPrediction(Task<E, ?> base,
                                                java.util.function.BiFunction<DocumentMentions.Document,
                                                        ErniePredictor.Prediction<E>, R> row, int rowBytes) {
            return new Task<>() {
                @Override
                public List<E> examples(DocumentMentions.Document document) {
                    return base.examples(document);
                }

                @Override
                public List<ErniePredictor.Prediction<E>> predict(ErniePredictor predictor, List<E> examples,
                                                                  String source, int batchSize) {
                    return base.predict(predictor, examples, source, batchSize);
                }

                @Override
                public void addRows(DocumentMentions.Document document, ErniePredictor.Prediction<E> prediction,
                                    List<String> labels, DocumentMentions request, List<R> rows) {
                    rows.add(row.apply(document, prediction));
                }

                @Override
                public ErnieTask task() {
                    return base.task();
                }

                @Override
                public long maxExamples(int mentions) {
                    return base.maxExamples(mentions);
                }

                @Override
                public int maxRowsPerExample(int labels) {
                    return 1;
                }

                @Override
                public int rowBytes() {
                    return rowBytes;
                }
            };
        }
    }

    /**
     * What a run gives.
     *
     * @param tooLong               examples the model could not take: what they need (the typed mention, the span
     *                              from a pair's first mention to its last) is longer than its maximum length; a
     *                              longer text alone is read in a window around the mention(s)
     * @param mentionsWithoutVector mentions fed without entity input: their entity has no vector in the model's
     *                              TransE model
     */
    public record Run<R>(List<R> rows, long documents, long examples, long tooLong, long mentionsWithoutVector,
                         long computeMillis) {}

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

    /**
     * The rows of {@code task} over the documents {@code request} selects, computed as they are pulled: one batch of
     * documents at a time, so a caller that reads a few rows (or {@code LIMIT}s them) runs only that far.
     */
    public <E, R> Stream<R> stream(DocumentMentions request, Task<E, R> task) {
        Batches<E, R> batches = new Batches<>(request, task);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(batches, Spliterator.ORDERED), false)
                .flatMap(List::stream);
    }

    /** Runs {@code task} over every document {@code request} selects and keeps every row (for the write modes). */
    public <E, R> Run<R> run(DocumentMentions request, Task<E, R> task) {
        long start = System.nanoTime();
        Batches<E, R> batches = new Batches<>(request, task);
        List<R> rows = new ArrayList<>();
        batches.forEachRemaining(rows::addAll);
        return new Run<>(rows, batches.documents.size(), batches.examples, batches.tooLong,
                batches.mentionsWithoutVector, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The rows of consecutive documents, a batch at a time. The examples of consecutive documents share batches:
     * short documents alone would make batches of a few sequences, too small to keep the intra-op threads busy.
     * Each batch holds the model (it cannot be dropped meanwhile) and must find the same model the run started with.
     */
    private final class Batches<E, R> implements Iterator<List<R>> {
        private final DocumentMentions request;
        private final Task<E, R> task;
        private final List<DocumentMentions.Document> documents;
        private final ErnieModelCatalog.LoadedModel model;
        private final ErniePredictor predictor;
        private final long start = System.nanoTime();
        private int next;
        private int logged;
        private long examples;
        private long tooLong;
        private long mentionsWithoutVector;
        private long rows;

        Batches(DocumentMentions request, Task<E, R> task) {
            this.request = request;
            this.task = task;
            this.model = ErnieModelCatalog.use(db.databaseName(), request.modelName(), loaded -> loaded);
            this.predictor = DjlRuntime.call(() ->
                    new ErniePredictor(model.loaded().inference(), model.loaded().tokenizer(), model.entities()));
            predictor.requireTask(task.task());
            this.documents = request.read(tx, model.entityKey());
            if (documents.isEmpty()) {
                request.requireTextProperty(tx);
                logSummary();
            }
        }

        @Override
        public boolean hasNext() {
            return next < documents.size();
        }

        @Override
        public List<R> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            List<E> inputs = new ArrayList<>();
            List<DocumentMentions.Document> owners = new ArrayList<>();
            int first = next;
            while (next < documents.size() && (inputs.isEmpty() || inputs.size() < request.batchSize())) {
                termination.assertRunning();
                DocumentMentions.Document document = documents.get(next++);
                if (model.entities() != null) { // a --no-entities model reads no vector at all
                    mentionsWithoutVector += document.mentions().stream()
                            .filter(m -> model.entities().row(m.entity()).isEmpty()).count();
                }
                for (E example : task.examples(document)) {
                    inputs.add(example);
                    owners.add(document);
                }
            }
            String source = next - first == 1 ? "document " + documents.get(first).id()
                    : "documents " + documents.get(first).id() + " to " + documents.get(next - 1).id();
            // the batches, one after another, on the model's inference executor
            List<ErniePredictor.Prediction<E>> predictions = inputs.isEmpty() ? List.of()
                    : ErnieModelCatalog.use(db.databaseName(), request.modelName(), loaded -> {
                        if (loaded != model) {
                            throw new IllegalStateException(String.format(Locale.ROOT, "ERNIE model `%s` was "
                                    + "replaced while this call ran; run it again.", request.modelName()));
                        }
                        return loaded.infer(termination, () -> DjlRuntime.call(() ->
                                task.predict(predictor, inputs, source, request.batchSize())));
                    });
            examples += inputs.size();
            List<R> batchRows = new ArrayList<>();
            for (int k = 0; k < predictions.size(); k++) {
                ErniePredictor.Prediction<E> prediction = predictions.get(k);
                if (prediction.probabilities() == null) {
                    tooLong++;
                } else {
                    task.addRows(owners.get(k), prediction, predictor.labels(), request, batchRows);
                }
            }
            rows += batchRows.size();
            logProgress();
            return batchRows;
        }

        /** At most one line per 10% of the documents, then a summary. */
        private void logProgress() {
            int percent = (int) (100L * next / documents.size());
            if (next == documents.size()) {
                logSummary();
            } else if (percent / 10 > logged / 10) {
                logged = percent;
                progress.info(String.format(Locale.ROOT, "%d%% (%d of %d documents, %.1f documents/s)",
                        percent, next, documents.size(), perSecond(next, start)));
            }
        }

        private void logSummary() {
            progress.info(String.format(Locale.ROOT, "%d documents, %d examples (%d too long for the model even "
                            + "windowed), %d mentions without a TransE vector, %d rows, %.1f documents/s",
                    documents.size(), examples, tooLong, mentionsWithoutVector, rows,
                    perSecond(documents.size(), start)));
        }
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
            if (sizes.isEmpty()) {
                request.requireTextProperty(tx);
            }
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
