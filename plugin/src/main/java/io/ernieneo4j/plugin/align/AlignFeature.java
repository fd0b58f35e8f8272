package io.ernieneo4j.plugin.align;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.common.NodeArguments;
import io.ernieneo4j.trainer.align.Aligner;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.align.LinkingEvaluation;
import io.ernieneo4j.trainer.linking.LinkingFit;
import io.ernieneo4j.trainer.linking.SentenceLinker;
import io.ernieneo4j.plugin.common.PluginFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What the alignment procedures share: the cached dictionary, text checks, and the batched write. */
final class AlignFeature {

    static final RelationshipType MENTIONS = RelationshipType.withName("MENTIONS");

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Log log;
    private final Termination termination;

    AlignFeature(GraphDatabaseService db, Transaction tx, Log log, TerminationGuard guard) {
        this.db = db;
        this.tx = tx;
        this.log = log;
        this.termination = Neo4jRun.termination(guard);
    }

    DictionaryCache.Cached dictionary(DictionaryConfig config, boolean rebuild) {
        DictionaryReader reader = new DictionaryReader(tx, termination);
        reader.validate(config);
        DictionaryCache.Cached cached = DictionaryCache.of(db).get(config, rebuild, () -> reader.read(config));
        if (cached.fresh()) {
            AlignmentDictionary d = cached.dictionary();
            log.info("ernie.align: dictionary of %d entities, %d names, %d embedded, %.1f MiB built in %d ms",
                    d.entityCount(), d.nameCount(), d.embeddedEntityCount(), d.memoryBytes() / 1048576.0,
                    cached.buildMillis());
        }
        return cached;
    }

    Stream<AlignStreamProc.StreamResult> stream(String text, AlignConfig config) {
        checkText(text, config, "`text`");
        AlignmentDictionary dictionary = dictionary(config.dictionary(), false).dictionary();
        return linker(config, dictionary).align(text, tx).stream().map(AlignFeature::row);
    }

    /** Links a text; reads what it needs from the graph in {@code tx}. */
    private interface TextLinker {
        List<LinkedMention> align(String text, Transaction tx);
    }

    /** The dictionary alone, or, with {@code model}, the dictionary and a model that reads the sentence. */
    private TextLinker linker(AlignConfig config, AlignmentDictionary dictionary) {
        if (config.sentenceModel().isEmpty()) {
            Aligner aligner = new Aligner(dictionary, config.parameters());
            return (text, t) -> aligner.align(text);
        }
        SentenceReading reading = SentenceReading.open(db, tx, config, termination);
        SentenceLinker linker = new SentenceLinker(dictionary, config.parameters(), reading.scorer());
        return (text, t) -> reading.align(linker, text, t);
    }

    private static AlignStreamProc.StreamResult row(LinkedMention m) {
        List<Map<String, Object>> runnersUp = new ArrayList<>();
        for (LinkedMention.Candidate c : m.candidates().subList(1, m.candidates().size())) {
            Map<String, Object> candidate = new LinkedHashMap<>();
            candidate.put("nodeId", c.entityId());
            candidate.put("score", c.score());
            candidate.put("prior", c.prior());
            if (!Double.isNaN(c.coherence())) {
                candidate.put("coherence", c.coherence());
            }
            runnersUp.add(candidate);
        }
        return new AlignStreamProc.StreamResult(m.mention(), m.start(), m.end(), m.best().entityId(),
                m.best().score(), runnersUp);
    }

    /** Refuses what cannot be aligned: no text, an empty one, or one over the length limit. */
    private static void checkText(Object text, AlignConfig config, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must be a string, but was null.");
        }
        if (!(text instanceof String s)) {
            throw new IllegalArgumentException(what + " must be a string, but was " + text.getClass().getSimpleName()
                    + ".");
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty.");
        }
        if (s.length() > config.maxTextLength()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s has %d characters, more than `maxTextLength` (%d); split it, or raise `maxTextLength` "
                            + "(at most %d).", what, s.length(), config.maxTextLength(),
                    AlignConfig.MAX_TEXT_LENGTH_LIMIT));
        }
    }

    @SuppressWarnings("deprecation") // internal node ids, as GDS reports them
    AlignWriteProc.WriteResult write(AlignConfig config) {
        long start = System.nanoTime();
        String label = requireDocumentLabel(config);
        String textProperty = config.textProperty().orElseThrow();
        // every document is checked before anything is written, so that bad input writes nothing
        List<Long> documents = new ArrayList<>();
        long skipped = 0;
        long withoutText = 0;
        try (ResourceIterator<Node> nodes = tx.findNodes(Label.label(label))) {
            while (nodes.hasNext()) {
                Node node = nodes.next();
                Object text = node.getProperty(textProperty, null);
                if (text == null) {
                    withoutText++;
                    continue;
                }
                checkText(text, config, String.format(Locale.ROOT, "`%s` of node %d", textProperty, node.getId()));
                if (config.onlyNew() && node.hasRelationship(Direction.OUTGOING, MENTIONS)) {
                    skipped++;
                    continue;
                }
                documents.add(node.getId());
            }
        }
        if (withoutText > 0 && documents.isEmpty() && skipped == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`textProperty`: no `%s` node has a property `%s`; name the property that holds the text.",
                    label, textProperty));
        }
        AlignmentDictionary dictionary = dictionary(config.dictionary(), false).dictionary();
        TextLinker linker = linker(config, dictionary);
        long preProcessingMillis = (System.nanoTime() - start) / 1_000_000;
        long writeStart = System.nanoTime();
        long[] computeNanos = {0};
        long[] deleted = {0};
        long written = BatchWriter.write(db, documents, config.batchSize(), termination, (write, batch) -> {
            long created = 0;
            for (long id : batch) {
                Node document = write.getNodeById(id);
                long alignStart = System.nanoTime();
                List<LinkedMention> mentions = linker.align((String) document.getProperty(textProperty), write);
                computeNanos[0] += System.nanoTime() - alignStart;
                for (Relationship old : document.getRelationships(Direction.OUTGOING, MENTIONS)) {
                    old.delete();
                    deleted[0]++;
                }
                for (LinkedMention m : mentions) {
                    Relationship r = document.createRelationshipTo(write.getNodeById(m.best().entityId()), MENTIONS);
                    r.setProperty("start", (long) m.start());
                    r.setProperty("end", (long) m.end());
                    r.setProperty("score", m.best().score());
                    r.setProperty("mention", m.mention());
                    created++;
                }
            }
            return created;
        });
        long computeMillis = computeNanos[0] / 1_000_000;
        long writeMillis = (System.nanoTime() - writeStart) / 1_000_000 - computeMillis;
        return new AlignWriteProc.WriteResult(documents.size(), skipped, withoutText, written, deleted[0],
                preProcessingMillis, computeMillis, writeMillis, config.toMap());
    }

    /** Fits the linking model's weights on the gold, held out by entity, and writes them as a new model folder. */
    AlignTrainProc.TrainResult train(String modelName, AlignTrainConfig train) {
        PluginFolders.requireFileWrites("ernie.align.train");
        AlignConfig config = train.evaluate().align();
        Path target = PluginFolders.inside(db, PluginFolders.Folder.MODELS, modelName, "modelName");
        if (Files.exists(target)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`modelName`: a model folder `%s` already exists in the models folder; choose another name.",
                    modelName));
        }
        Map<Long, GoldDocument> documents = goldDocuments(train.evaluate());
        SentenceReading reading = SentenceReading.open(db, tx, config, termination);
        SentenceLinker linker = new SentenceLinker(dictionary(config.dictionary(), false).dictionary(),
                config.parameters(), reading.scorer());
        List<LinkingFit.Example> examples = new ArrayList<>();
        for (GoldDocument document : documents.values()) {
            termination.assertRunning();
            for (SentenceLinker.Read read : reading.read(linker, document.text(), tx)) {
                for (LinkingEvaluation.GoldMention g : document.gold()) {
                    if (read.byPrior().start() == g.start() && read.byPrior().end() == g.end()) {
                        examples.add(new LinkingFit.Example(read, g.entityId()));
                    }
                }
            }
        }
        LinkingFit.Result fit = LinkingFit.fit(examples, reading.scorer(), train.testFraction(), train.randomSeed());
        reading.writeModel(fit.scorer(), target);
        log.info("ernie.align.train: `%s` fitted on %d mentions, alpha %.3f, beta %.3f; held-out accuracy %.3f -> "
                        + "%.3f on %d mentions", modelName, fit.trainMentions(), fit.scorer().alpha(),
                fit.scorer().beta(), fit.testAccuracy()[0], fit.testAccuracy()[1], fit.testMentions());
        return new AlignTrainProc.TrainResult(modelName, modelName, fit.scorer().alpha(), fit.scorer().beta(),
                fit.trainMentions(), fit.testMentions(), fit.testAccuracy()[0], fit.testAccuracy()[1],
                fit.testCalibrationError()[0], fit.testCalibrationError()[1], config.toMap());
    }

    private String requireDocumentLabel(AlignConfig config) {
        String label = config.documentLabel().orElseThrow();
        Set<String> labels = new TreeSet<>();
        tx.getAllLabelsInUse().forEach(l -> labels.add(l.name()));
        if (!labels.contains(label)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`documentLabel`: no node label `%s` exists in the database (labels in use: %s).", label, labels));
        }
        return label;
    }

    @SuppressWarnings("deprecation") // internal node ids, as the other alignment procedures report them
    /** A document with gold links: its text and the links, checked. */
    private record GoldDocument(String text, List<LinkingEvaluation.GoldMention> gold) {}

    /** The gold links of an evaluation, by document, every document and span checked before any work starts. */
    @SuppressWarnings("deprecation") // internal node ids, as the other alignment procedures report them
    private Map<Long, GoldDocument> goldDocuments(AlignEvaluateConfig evaluate) {
        AlignConfig config = evaluate.align();
        Label label = Label.label(requireDocumentLabel(config));
        String textProperty = config.textProperty().orElseThrow();
        Map<Long, List<LinkingEvaluation.GoldMention>> gold = evaluate.goldRelationshipType().isPresent()
                ? storedGold(label, evaluate.goldRelationshipType().get())
                : listedGold(label, evaluate.gold());
        if (gold.isEmpty()) {
            throw new IllegalArgumentException(evaluate.goldRelationshipType()
                    .map(type -> String.format(Locale.ROOT, "`goldRelationshipType`: no `%s` node has an outgoing "
                            + "`%s` relationship: there is nothing to score.", label.name(), type))
                    .orElse("`gold` is empty: there is nothing to score."));
        }
        Map<Long, GoldDocument> documents = new LinkedHashMap<>();
        for (Map.Entry<Long, List<LinkingEvaluation.GoldMention>> document : gold.entrySet()) {
            Object text = tx.getNodeById(document.getKey()).getProperty(textProperty, null);
            String what = String.format(Locale.ROOT, "`%s` of node %d", textProperty, document.getKey());
            if (text == null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`textProperty`: document %d has gold links but no property `%s`.", document.getKey(),
                        textProperty));
            }
            checkText(text, config, what);
            for (LinkingEvaluation.GoldMention m : document.getValue()) {
                if (m.end() > ((String) text).length()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "A gold link of document %d ends at %d, past the end of its text (%d characters).",
                            document.getKey(), m.end(), ((String) text).length()));
                }
            }
            documents.put(document.getKey(), new GoldDocument((String) text, document.getValue()));
        }
        return documents;
    }

    AlignEvaluateProc.EvaluateResult evaluate(AlignEvaluateConfig evaluate) {
        AlignConfig config = evaluate.align();
        Map<Long, String> texts = new LinkedHashMap<>();
        Map<Long, List<LinkingEvaluation.GoldMention>> gold = new LinkedHashMap<>();
        goldDocuments(evaluate).forEach((id, d) -> {
            texts.put(id, d.text());
            gold.put(id, d.gold());
        });
        TextLinker linker = linker(config, dictionary(config.dictionary(), false).dictionary());
        LinkingEvaluation evaluation = new LinkingEvaluation();
        for (Map.Entry<Long, String> document : texts.entrySet()) {
            termination.assertRunning();
            evaluation.add(gold.get(document.getKey()), linker.align(document.getValue(), tx));
        }
        LinkingEvaluation.Result r = evaluation.result(evaluate.maxConfusions());
        List<Map<String, Object>> confusions = new ArrayList<>();
        for (LinkingEvaluation.Confusion c : r.confusions()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("mention", c.mention());
            row.put("goldNodeId", c.goldEntityId());
            row.put("predictedNodeId", c.predictedEntityId());
            row.put("count", (long) c.count());
            confusions.add(row);
        }
        return new AlignEvaluateProc.EvaluateResult(r.documents(), r.goldMentions(), r.predictedMentions(),
                r.mentionsFound(), r.correctLinks(), r.mentionRecall(), r.linkingAccuracy(), r.precision(),
                r.recall(), r.f1(), r.documentMacroRecall(), r.documentAccuracy(), r.calibrationError(), confusions,
                config.toMap());
    }

    /** Gold links stored as relationships of {@code type} from documents, with {@code start} and {@code end}. */
    @SuppressWarnings("deprecation")
    private Map<Long, List<LinkingEvaluation.GoldMention>> storedGold(Label label, String type) {
        Set<String> types = new TreeSet<>();
        tx.getAllRelationshipTypesInUse().forEach(t -> types.add(t.name()));
        if (!types.contains(type)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`goldRelationshipType`: no relationship type `%s` exists in the database (types in use: %s).",
                    type, types));
        }
        RelationshipType goldType = RelationshipType.withName(type);
        Map<Long, List<LinkingEvaluation.GoldMention>> gold = new LinkedHashMap<>();
        try (ResourceIterator<Node> nodes = tx.findNodes(label)) {
            while (nodes.hasNext()) {
                Node document = nodes.next();
                for (Relationship r : document.getRelationships(Direction.OUTGOING, goldType)) {
                    String what = String.format(Locale.ROOT, "`goldRelationshipType`: relationship %d", r.getId());
                    gold.computeIfAbsent(document.getId(), d -> new ArrayList<>()).add(new LinkingEvaluation.GoldMention(
                            offset(r.getProperty("start", null), what + " property `start`"),
                            offset(r.getProperty("end", null), what + " property `end`"),
                            r.getEndNode().getId()));
                }
            }
        }
        gold.values().forEach(AlignFeature::checkSpans);
        return gold;
    }

    /** Gold links listed by the caller, each a map of document, start, end and node. */
    @SuppressWarnings("deprecation")
    private Map<Long, List<LinkingEvaluation.GoldMention>> listedGold(Label label, List<Map<String, Object>> listed) {
        Map<Long, List<LinkingEvaluation.GoldMention>> gold = new LinkedHashMap<>();
        for (int i = 0; i < listed.size(); i++) {
            Map<String, Object> link = listed.get(i);
            String what = String.format(Locale.ROOT, "`gold`[%d]", i);
            for (String key : link.keySet()) {
                if (!AlignEvaluateConfig.GOLD_KEYS.contains(key)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "%s has an unexpected key `%s`; a gold link has %s.", what, key,
                            new TreeSet<>(AlignEvaluateConfig.GOLD_KEYS)));
                }
            }
            Node document = NodeArguments.node(tx, require(link, "document", what), what + ".document");
            if (!document.hasLabel(label)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s.document is node %d, which has no label `%s` (`documentLabel`).", what, document.getId(),
                        label.name()));
            }
            Node entity = NodeArguments.node(tx, require(link, "node", what), what + ".node");
            gold.computeIfAbsent(document.getId(), d -> new ArrayList<>()).add(new LinkingEvaluation.GoldMention(
                    offset(require(link, "start", what), what + ".start"),
                    offset(require(link, "end", what), what + ".end"), entity.getId()));
        }
        gold.values().forEach(AlignFeature::checkSpans);
        return gold;
    }

    private static Object require(Map<String, Object> link, String key, String what) {
        Object value = link.get(key);
        if (value == null) {
            throw new IllegalArgumentException(what + " has no `" + key + "`; a gold link has "
                    + new TreeSet<>(AlignEvaluateConfig.GOLD_KEYS) + ".");
        }
        return value;
    }

    private static int offset(Object value, String what) {
        if (!(value instanceof Long || value instanceof Integer) || ((Number) value).longValue() < 0
                || ((Number) value).longValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s must be a character offset (a non-negative integer), but was `%s`.", what, value));
        }
        return ((Number) value).intValue();
    }

    private static void checkSpans(List<LinkingEvaluation.GoldMention> mentions) {
        for (LinkingEvaluation.GoldMention m : mentions) {
            if (m.start() >= m.end()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "A gold link's `start` (%d) must be before its `end` (%d).", m.start(), m.end()));
            }
        }
    }
}
