package io.ernieneo4j.spark;

import io.ernieneo4j.trainer.align.Aligner;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.calibration.TemperatureScaling;
import io.ernieneo4j.trainer.completion.RelationPairs;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.infer.ErniePredictor;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * One partition of documents: each text linked with the trainer's {@link Aligner} (as ernie.align.write links it);
 * with a typing model, each linked mention typed with the trainer's {@link ErniePredictor} (as ernie.type.write
 * types the MENTIONS it reads back); with a relation model, each ordered pair of mentions of different entities
 * classified (as ernie.relation.write classifies them, {@link RelationPairs}). The examples of consecutive documents
 * share batches of {@code batchSize}. The dictionary and the models are the executor's ({@link ExecutorResources}),
 * built or loaded once per JVM.
 *
 * <p>In: {@code document} (elementId), {@code text}, {@code isText} (whether the property holds a string),
 * {@code nodeId}. Out: {@link #SCHEMA}, one row per document.
 */
final class DocumentLinker implements MapPartitionsFunction<Row, Row> {

    static final StructType MENTION = new StructType()
            .add("start", DataTypes.LongType, false)
            .add("end", DataTypes.LongType, false)
            .add("score", DataTypes.DoubleType, false)
            .add("mention", DataTypes.StringType, false)
            .add("entity", DataTypes.StringType, false);
    static final StructType TYPE = new StructType()
            .add("entity", DataTypes.StringType, false)
            .add("type", DataTypes.StringType, false)
            .add("score", DataTypes.DoubleType, false);
    /** A mention pair whose most probable relation was kept; nodes by id, as the plugin's rows name them. */
    static final StructType RELATION = new StructType()
            .add("documentId", DataTypes.LongType, false)
            .add("head", DataTypes.LongType, false)
            .add("relation", DataTypes.StringType, false)
            .add("tail", DataTypes.LongType, false)
            .add("score", DataTypes.DoubleType, false)
            .add("headStart", DataTypes.IntegerType, false)
            .add("headEnd", DataTypes.IntegerType, false)
            .add("tailStart", DataTypes.IntegerType, false)
            .add("tailEnd", DataTypes.IntegerType, false);
    static final StructType SCHEMA = new StructType()
            .add("document", DataTypes.StringType, false)
            .add("mentions", DataTypes.createArrayType(MENTION, false), false)
            .add("types", DataTypes.createArrayType(TYPE, false), false)
            .add("examples", DataTypes.LongType, false)
            .add("examplesTooLong", DataTypes.LongType, false)
            .add("relations", DataTypes.createArrayType(RELATION, false), false)
            .add("relationExamples", DataTypes.LongType, false)
            .add("relationExamplesTooLong", DataTypes.LongType, false);

    private final Broadcast<DictionaryData> dictionary;
    private final PartitionSettings settings;

    DocumentLinker(Broadcast<DictionaryData> dictionary, PartitionSettings settings) {
        this.dictionary = dictionary;
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> documents) {
        AlignmentDictionary built = ExecutorResources.dictionary(dictionary::value, settings);
        DictionaryData data = dictionary.value();
        Aligner aligner = new Aligner(built, settings.align()); // not thread-safe: one per task
        List<Linked> linked = new ArrayList<>();
        while (documents.hasNext()) {
            Row row = documents.next();
            String id = row.getString(0);
            String text = row.getString(1);
            checkText(id, text, row.getBoolean(2));
            linked.add(new Linked(id, row.getLong(3), text, aligner.align(text)));
        }
        if (settings.typing()) {
            Typer typer = new Typer(ExecutorResources.typing(settings), data);
            for (List<Linked> batch : batches(linked, d -> typer.examples(d).size())) {
                typer.type(batch);
            }
        }
        if (settings.relations()) {
            Relater relater = new Relater(ExecutorResources.relation(settings), data);
            for (List<Linked> batch : batches(linked, d -> relater.examples(d).size())) {
                relater.classify(batch);
            }
        }
        List<Row> rows = new ArrayList<>(linked.size());
        for (Linked document : linked) {
            rows.add(document.row(data));
        }
        return rows.iterator();
    }

    /**
     * Consecutive documents in batches, as the plugin's write procedures batch them: documents join a batch until it
     * holds {@code batchSize} examples.
     */
    private List<List<Linked>> batches(List<Linked> documents, ToIntFunction<Linked> examples) {
        List<List<Linked>> batches = new ArrayList<>();
        List<Linked> pending = new ArrayList<>();
        int pendingExamples = 0;
        for (Linked document : documents) {
            pending.add(document);
            pendingExamples += examples.applyAsInt(document);
            if (pendingExamples >= settings.batchSize()) {
                batches.add(pending);
                pending = new ArrayList<>();
                pendingExamples = 0;
            }
        }
        if (!pending.isEmpty()) {
            batches.add(pending);
        }
        return batches;
    }

    /** One model call, on the permits the executor's model calls share. */
    private <T> T predict(Supplier<T> call) {
        Semaphore slots = ExecutorResources.slots(settings);
        slots.acquireUninterruptibly();
        try {
            return DjlRuntime.call(call::get);
        } finally {
            slots.release();
        }
    }

    /** Refuses what ernie.align.write refuses: a text that is not a string, empty, or over the length limit. */
    private void checkText(String id, String text, boolean isText) {
        String what = String.format(Locale.ROOT, "`%s` of node %s", settings.textProperty(), id);
        if (!isText) {
            throw new IllegalArgumentException(what + " must be a string.");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty.");
        }
        if (text.length() > settings.maxTextLength()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s has %d characters, more than `maxTextLength` (%d); split it, or raise `maxTextLength`.",
                    what, text.length(), settings.maxTextLength()));
        }
    }

    /**
     * The mentions the plugin's ERNIE procedures would read back for a document: linked at least
     * {@code minLinkScore}, to an entity with a key ({@code keys}, by dictionary id) in the model's TransE model; by
     * start.
     */
    private List<Mention> mentions(Linked document, String[] keys) {
        List<Mention> mentions = new ArrayList<>();
        for (LinkedMention m : document.mentions) {
            String key = keys[(int) m.best().entityId()];
            if (m.best().score() >= settings.minLinkScore() && key != null) {
                mentions.add(new Mention(m.start(), m.end(), key));
            }
        }
        mentions.sort(Comparator.comparingInt(Mention::start));
        return mentions;
    }

    /** A document, the mentions the aligner found, and what typing and relation classification made of them. */
    private static final class Linked {
        final String id;
        final long nodeId;
        final String text;
        final List<LinkedMention> mentions;
        final List<Row> types = new ArrayList<>();
        long examples;
        long tooLong;
        final List<Row> relations = new ArrayList<>();
        long relationExamples;
        long relationTooLong;

        Linked(String id, long nodeId, String text, List<LinkedMention> mentions) {
            this.id = id;
            this.nodeId = nodeId;
            this.text = text;
            this.mentions = mentions;
        }

        Row row(DictionaryData data) {
            List<Row> mentionRows = new ArrayList<>(mentions.size());
            for (LinkedMention m : mentions) {
                mentionRows.add(RowFactory.create((long) m.start(), (long) m.end(), m.best().score(), m.mention(),
                        data.elementIds()[(int) m.best().entityId()]));
            }
            return RowFactory.create(id, SparkRows.seq(mentionRows), SparkRows.seq(types), examples, tooLong,
                    SparkRows.seq(relations), relationExamples, relationTooLong);
        }
    }

    /** Typing of linked documents with the executor's model. */
    private final class Typer {
        private final DictionaryData data;
        private final TemperatureScaling calibration;
        private final ErniePredictor predictor;

        Typer(ExecutorResources.Model model, DictionaryData data) {
            this.data = data;
            this.predictor = DjlRuntime.call(() -> new ErniePredictor(model.model().inference(),
                    model.model().tokenizer(), model.entities()));
            this.calibration = Double.isNaN(settings.temperature()) ? null
                    : new TemperatureScaling(settings.temperature(), 0);
        }

        List<TypingExample> examples(Linked document) {
            List<Mention> mentions = mentions(document, data.modelKeys());
            return mentions.stream().map(m -> new TypingExample(document.id + ":" + m.start(), document.text, m,
                    List.of(), mentions)).toList();
        }

        /** Types the documents' mentions in one call. */
        void type(List<Linked> documents) {
            List<TypingExample> inputs = new ArrayList<>();
            List<Linked> owners = new ArrayList<>();
            Map<Linked, Map<String, String>> elementIdsByKey = new HashMap<>();
            for (Linked document : documents) {
                Map<String, String> byKey = new HashMap<>();
                for (LinkedMention m : document.mentions) {
                    int entity = (int) m.best().entityId();
                    if (data.modelKeys()[entity] != null) {
                        byKey.put(data.modelKeys()[entity], data.elementIds()[entity]);
                    }
                }
                elementIdsByKey.put(document, byKey);
                for (TypingExample example : examples(document)) {
                    inputs.add(example);
                    owners.add(document);
                }
            }
            List<ErniePredictor.Prediction<TypingExample>> predictions = inputs.isEmpty() ? List.of()
                    : predict(() -> predictor.typing(inputs, "document " + documents.get(0).id, settings.batchSize()));
            List<String> labels = predictor.labels();
            for (int k = 0; k < predictions.size(); k++) {
                Linked document = owners.get(k);
                document.examples++;
                ErniePredictor.Prediction<TypingExample> prediction = predictions.get(k);
                if (prediction.probabilities() == null) {
                    document.tooLong++;
                    continue;
                }
                double[] scores = scores(prediction);
                String entity = elementIdsByKey.get(document).get(prediction.example().mention().entity());
                for (int label = 0; label < scores.length; label++) {
                    if (scores[label] >= settings.threshold()) {
                        document.types.add(RowFactory.create(entity, labels.get(label), scores[label]));
                    }
                }
            }
        }

        /** As ernie.type.write scores: the calibrated sigmoid of the logits, else the model's probabilities. */
        private double[] scores(ErniePredictor.Prediction<TypingExample> prediction) {
            if (calibration != null) {
                return calibration.sigmoid(prediction.logits());
            }
            float[] p = prediction.probabilities();
            double[] scores = new double[p.length];
            for (int i = 0; i < p.length; i++) scores[i] = p[i];
            return scores;
        }
    }

    /** Relation classification of linked documents with the executor's relation model. */
    private final class Relater {
        private final DictionaryData data;
        private final ErniePredictor predictor;

        Relater(ExecutorResources.Model model, DictionaryData data) {
            this.data = data;
            this.predictor = DjlRuntime.call(() -> new ErniePredictor(model.model().inference(),
                    model.model().tokenizer(), model.entities()));
        }

        List<RelationExample> examples(Linked document) {
            return RelationPairs.examples(document.nodeId, document.text, mentions(document, data.relationKeys()));
        }

        /** Classifies the documents' mention pairs in one call. */
        void classify(List<Linked> documents) {
            List<RelationExample> inputs = new ArrayList<>();
            List<Linked> owners = new ArrayList<>();
            Map<Linked, Map<String, Long>> nodeIdsByKey = new HashMap<>();
            for (Linked document : documents) {
                Map<String, Long> byKey = new HashMap<>();
                for (LinkedMention m : document.mentions) {
                    int entity = (int) m.best().entityId();
                    if (data.relationKeys()[entity] != null) {
                        byKey.put(data.relationKeys()[entity], data.nodeIds()[entity]);
                    }
                }
                nodeIdsByKey.put(document, byKey);
                for (RelationExample example : examples(document)) {
                    inputs.add(example);
                    owners.add(document);
                }
            }
            List<ErniePredictor.Prediction<RelationExample>> predictions = inputs.isEmpty() ? List.of()
                    : predict(() -> predictor.relation(inputs, "document " + documents.get(0).id,
                    settings.batchSize()));
            List<String> labels = predictor.labels();
            for (int k = 0; k < predictions.size(); k++) {
                Linked document = owners.get(k);
                document.relationExamples++;
                ErniePredictor.Prediction<RelationExample> prediction = predictions.get(k);
                if (prediction.probabilities() == null) {
                    document.relationTooLong++;
                    continue;
                }
                int label = RelationPairs.predicted(prediction.probabilities(), labels, settings.relationThreshold());
                if (label < 0) {
                    continue;
                }
                Mention h = prediction.example().head();
                Mention t = prediction.example().tail();
                Map<String, Long> nodeIds = nodeIdsByKey.get(document);
                document.relations.add(RowFactory.create(document.nodeId, nodeIds.get(h.entity()), labels.get(label),
                        nodeIds.get(t.entity()), (double) prediction.probabilities()[label], h.start(), h.end(),
                        t.start(), t.end()));
            }
        }
    }
}
