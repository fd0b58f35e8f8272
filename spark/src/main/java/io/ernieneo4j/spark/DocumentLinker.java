package io.ernieneo4j.spark;

import io.ernieneo4j.trainer.align.Aligner;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.calibration.TemperatureScaling;
import io.ernieneo4j.trainer.data.Mention;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One partition of documents: each text linked with the trainer's {@link Aligner} (as ernie.align.write links it),
 * and, with a typing model, each linked mention typed with the trainer's {@link ErniePredictor} (as ernie.type.write
 * types the MENTIONS it reads back): the examples of consecutive documents share batches of {@code batchSize}. The
 * dictionary and the model are the executor's ({@link ExecutorResources}), built or loaded once per JVM.
 *
 * <p>In: {@code document} (elementId), {@code text}, {@code isText} (whether the property holds a string). Out:
 * {@link #SCHEMA}, one row per document.
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
    static final StructType SCHEMA = new StructType()
            .add("document", DataTypes.StringType, false)
            .add("mentions", DataTypes.createArrayType(MENTION, false), false)
            .add("types", DataTypes.createArrayType(TYPE, false), false)
            .add("examples", DataTypes.LongType, false)
            .add("examplesTooLong", DataTypes.LongType, false);

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
        Typer typer = settings.typing() ? new Typer(ExecutorResources.typing(settings), data) : null;
        List<Row> rows = new ArrayList<>();
        List<Linked> pending = new ArrayList<>();
        int pendingExamples = 0;
        while (documents.hasNext()) {
            Row row = documents.next();
            String id = row.getString(0);
            String text = row.getString(1);
            checkText(id, text, row.getBoolean(2));
            List<LinkedMention> mentions = aligner.align(text);
            Linked linked = new Linked(id, text, mentions);
            if (typer == null) {
                rows.add(linked.row(data, List.of(), 0, 0));
                continue;
            }
            pending.add(linked);
            pendingExamples += typer.examples(linked).size();
            // as ernie.type.write: documents join a batch until it holds batchSize examples
            if (pendingExamples >= settings.batchSize()) {
                typer.type(pending, rows);
                pending.clear();
                pendingExamples = 0;
            }
        }
        if (typer != null && !pending.isEmpty()) {
            typer.type(pending, rows);
        }
        return rows.iterator();
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

    /** A document and the mentions the aligner found. */
    private record Linked(String id, String text, List<LinkedMention> mentions) {

        Row row(DictionaryData data, List<Row> types, long examples, long tooLong) {
            List<Row> mentionRows = new ArrayList<>(mentions.size());
            for (LinkedMention m : mentions) {
                mentionRows.add(RowFactory.create((long) m.start(), (long) m.end(), m.best().score(), m.mention(),
                        data.elementIds()[(int) m.best().entityId()]));
            }
            return RowFactory.create(id, SparkRows.seq(mentionRows), SparkRows.seq(types), examples, tooLong);
        }
    }

    /** Typing of linked documents with the executor's model. */
    private final class Typer {
        private final ExecutorResources.Typing model;
        private final DictionaryData data;
        private final TemperatureScaling calibration;
        private final ErniePredictor predictor;

        Typer(ExecutorResources.Typing model, DictionaryData data) {
            this.model = model;
            this.data = data;
            this.predictor = DjlRuntime.call(() -> new ErniePredictor(model.model().inference(),
                    model.model().tokenizer(), model.entities()));
            this.calibration = Double.isNaN(settings.temperature()) ? null
                    : new TemperatureScaling(settings.temperature(), 0);
        }

        /**
         * The mentions ernie.type.write would read back for this document: linked at least {@code minLinkScore},
         * to an entity with a key in the model's TransE model; in text order.
         */
        List<Mention> mentions(Linked document) {
            List<Mention> mentions = new ArrayList<>();
            for (LinkedMention m : document.mentions()) {
                String key = data.modelKeys()[(int) m.best().entityId()];
                if (m.best().score() >= settings.minLinkScore() && key != null) {
                    mentions.add(new Mention(m.start(), m.end(), key));
                }
            }
            return mentions;
        }

        List<TypingExample> examples(Linked document) {
            List<Mention> mentions = mentions(document);
            return mentions.stream().map(m -> new TypingExample(document.id() + ":" + m.start(), document.text(), m,
                    List.of(), mentions)).toList();
        }

        /** Types the documents' mentions in one call and adds each document's row. */
        void type(List<Linked> documents, List<Row> rows) {
            List<TypingExample> inputs = new ArrayList<>();
            List<Integer> owners = new ArrayList<>();
            List<Map<String, String>> elementIdsByKey = new ArrayList<>();
            for (int d = 0; d < documents.size(); d++) {
                Linked document = documents.get(d);
                Map<String, String> byKey = new HashMap<>();
                for (LinkedMention m : document.mentions()) {
                    int entity = (int) m.best().entityId();
                    if (data.modelKeys()[entity] != null) {
                        byKey.put(data.modelKeys()[entity], data.elementIds()[entity]);
                    }
                }
                elementIdsByKey.add(byKey);
                for (TypingExample example : examples(document)) {
                    inputs.add(example);
                    owners.add(d);
                }
            }
            List<ErniePredictor.Prediction<TypingExample>> predictions = inputs.isEmpty() ? List.of() : predict(inputs,
                    documents.get(0).id());
            List<List<Row>> types = new ArrayList<>();
            long[] examples = new long[documents.size()];
            long[] tooLong = new long[documents.size()];
            for (int d = 0; d < documents.size(); d++) {
                types.add(new ArrayList<>());
            }
            List<String> labels = predictor.labels();
            for (int k = 0; k < predictions.size(); k++) {
                int d = owners.get(k);
                examples[d]++;
                ErniePredictor.Prediction<TypingExample> prediction = predictions.get(k);
                if (prediction.probabilities() == null) {
                    tooLong[d]++;
                    continue;
                }
                double[] scores = scores(prediction);
                String entity = elementIdsByKey.get(d).get(prediction.example().mention().entity());
                for (int label = 0; label < scores.length; label++) {
                    if (scores[label] >= settings.threshold()) {
                        types.get(d).add(RowFactory.create(entity, labels.get(label), scores[label]));
                    }
                }
            }
            for (int d = 0; d < documents.size(); d++) {
                rows.add(documents.get(d).row(data, types.get(d), examples[d], tooLong[d]));
            }
        }

        private List<ErniePredictor.Prediction<TypingExample>> predict(List<TypingExample> inputs, String source) {
            model.slots().acquireUninterruptibly();
            try {
                return DjlRuntime.call(() -> predictor.typing(inputs, "document " + source, settings.batchSize()));
            } finally {
                model.slots().release();
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
}
