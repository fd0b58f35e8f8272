package io.ernieneo4j.plugin.type;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.trainer.calibration.TemperatureScaling;
import io.ernieneo4j.trainer.calibration.TypingEvaluation;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.run.SeededShare;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The held-out evaluation of a typing model against the types the graph gives the mentioned entities: every aligned
 * mention is typed (as ernie.type.stream types it) and compared with its entity node's {@code typeProperty}.
 * Documents go to dev or test by a seeded hash of their node id, so that no text is on both sides. On dev a
 * temperature is fitted ({@link TemperatureScaling}); on test the model is scored before and after it
 * ({@link TypingEvaluation}). Mentions whose entity has no gold type, or none the model knows, are counted and left
 * out.
 *
 * @param typeProperty entity property holding the gold types (a string or a list of strings)
 * @param devFraction  the share of documents on the dev side
 */
record TypeEvaluation(DocumentMentions documents, String typeProperty, double devFraction, long seed) {

    static final Set<String> KEYS = DocumentMentions.keysWith("typeProperty", "devFraction", "seed", "save");

    static TypeEvaluation from(ConfigMap config, Transaction tx) {
        DocumentMentions documents = DocumentMentions.from(config, tx);
        String typeProperty = config.requireString("typeProperty");
        double devFraction = config.doubleValue("devFraction", 0.5, 0.05, 0.95);
        long seed = config.longValue("seed", 42, 0, Long.MAX_VALUE);
        boolean exists = false;
        for (String key : tx.getAllPropertyKeys()) {
            exists |= key.equals(typeProperty);
        }
        if (!exists) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`typeProperty`: no node has a property `%s`.", typeProperty));
        }
        return new TypeEvaluation(documents, typeProperty, devFraction, seed);
    }

    /** One typed mention: its document, its entity node and the model's logits. */
    record TypedMention(long documentId, long nodeId, float[] logits) {}

    TypeProc.EvaluateResult evaluate(Transaction tx, Log log, MentionPrediction prediction, List<String> labels,
                                     Map<String, Object> configuration) {
        long start = System.nanoTime();
        MentionPrediction.Run<TypedMention> run = prediction.run(documents, LOGITS);
        Map<String, Integer> labelIndex = new HashMap<>();
        for (int j = 0; j < labels.size(); j++) labelIndex.put(labels.get(j), j);
        Map<Long, List<String>> goldByNode = new HashMap<>();
        List<float[]> devLogits = new ArrayList<>();
        List<boolean[]> devGold = new ArrayList<>();
        List<float[]> testLogits = new ArrayList<>();
        List<boolean[]> testGold = new ArrayList<>();
        Set<Long> devDocuments = new HashSet<>();
        Set<Long> testDocuments = new HashSet<>();
        Set<String> outsideLabels = new TreeSet<>();
        long withoutGold = 0;
        long outside = 0;
        for (TypedMention mention : run.rows()) {
            prediction.termination().assertRunning();
            List<String> types = goldByNode.computeIfAbsent(mention.nodeId(), id -> gold(tx, id));
            if (types.isEmpty()) {
                withoutGold++;
                continue;
            }
            boolean[] gold = new boolean[labels.size()];
            boolean known = false;
            for (String type : types) {
                Integer j = labelIndex.get(type);
                if (j == null) {
                    outsideLabels.add(type);
                } else {
                    gold[j] = true;
                    known = true;
                }
            }
            if (!known) {
                outside++;
                continue;
            }
            if (SeededShare.contains(mention.documentId(), seed, devFraction)) {
                devLogits.add(mention.logits());
                devGold.add(gold);
                devDocuments.add(mention.documentId());
            } else {
                testLogits.add(mention.logits());
                testGold.add(gold);
                testDocuments.add(mention.documentId());
            }
        }
        if (withoutGold == run.rows().size() && !run.rows().isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "`typeProperty`: none of the %d entities "
                    + "the documents mention has a property `%s`.", goldByNode.size(), typeProperty));
        }
        if (devLogits.isEmpty() || testLogits.isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The %s side has no mention with a gold "
                            + "type the model knows (%d dev, %d test mentions over %d documents): the temperature is "
                            + "fitted on dev and scored on test; change `devFraction` (%s) or `seed`, or evaluate more "
                            + "`documents`.", devLogits.isEmpty() ? "dev" : "test", devLogits.size(),
                    testLogits.size(), run.documents(), devFraction));
        }
        float[][] dev = devLogits.toArray(float[][]::new);
        boolean[][] devTruth = devGold.toArray(boolean[][]::new);
        float[][] test = testLogits.toArray(float[][]::new);
        boolean[][] testTruth = testGold.toArray(boolean[][]::new);
        TemperatureScaling calibration = TemperatureScaling.fitSigmoid(dev, devTruth);
        double threshold = documents.threshold();
        TypingEvaluation devBefore = TypingEvaluation.of(labels, dev, devTruth, TemperatureScaling.IDENTITY, threshold);
        TypingEvaluation devAfter = TypingEvaluation.of(labels, dev, devTruth, calibration, threshold);
        Map<String, Object> devScores = new LinkedHashMap<>();
        devScores.put("logLossBefore", devBefore.logLoss());
        devScores.put("logLossAfter", devAfter.logLoss());
        devScores.put("calibrationErrorBefore", devBefore.calibrationError());
        devScores.put("calibrationErrorAfter", devAfter.calibrationError());
        TypingEvaluation before = TypingEvaluation.of(labels, test, testTruth, TemperatureScaling.IDENTITY, threshold);
        TypingEvaluation after = TypingEvaluation.of(labels, test, testTruth, calibration, threshold);
        log.info("ernie.type.evaluate: temperature %.4f fitted on %d dev mentions; test calibration error %.4f -> "
                        + "%.4f over %d mentions", calibration.temperature(), dev.length, before.calibrationError(),
                after.calibrationError(), test.length);
        return new TypeProc.EvaluateResult(run.documents(), devDocuments.size(), testDocuments.size(),
                run.examples(), dev.length, test.length, withoutGold, outside, run.tooLong(),
                List.copyOf(outsideLabels), before.toMap(), after.toMap(), devScores, calibration.toMap(),
                (System.nanoTime() - start) / 1_000_000, configuration);
    }

    /** The entity's gold types: {@code typeProperty}, a string or a list of strings (none when absent). */
    @SuppressWarnings("deprecation")
    private List<String> gold(Transaction tx, long nodeId) {
        Node node = tx.getNodeById(nodeId);
        Object value = node.getProperty(typeProperty, null);
        Set<String> types = new LinkedHashSet<>();
        if (value instanceof String s) {
            types.add(s);
        } else if (value instanceof String[] array) {
            types.addAll(List.of(array));
        } else if (value != null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "`typeProperty`: property `%s` of node %d "
                    + "holds %s, not a string or a list of strings.", typeProperty, nodeId,
                    value.getClass().getSimpleName()));
        }
        types.removeIf(String::isBlank);
        return List.copyOf(types);
    }

    /** Typing, keeping each mention's logits instead of rows over the threshold. */
    private static final MentionPrediction.Task<TypingExample, TypedMention> LOGITS =
            MentionPrediction.Task.eachPrediction(EntityTyping.TASK, (document, prediction) -> new TypedMention(
                    document.id(), document.nodeId(prediction.example().mention().entity()), prediction.logits()),
                    64);
}
