package io.ernieneo4j.trainer.align;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a linker against gold links, one document at a time, for gold that may be partial (an annotator marked
 * some mentions of a text, not all): a predicted mention counts against precision only where it overlaps a gold
 * span, so unmarked mentions are neither right nor wrong.
 *
 * <ul>
 *   <li>mention recall: gold spans the linker found exactly; linking accuracy: of those, linked to the gold node
 *       (disambiguation alone);</li>
 *   <li>precision: right links over predicted mentions overlapping a gold span; recall: right links over gold
 *       mentions (finding and linking together); F1;</li>
 *   <li>by document: the mean of each document's recall, and the share of documents whose every gold mention is
 *       linked right;</li>
 *   <li>calibration: the expected calibration error of the best candidate's score at found spans
 *       ({@link CalibrationError});</li>
 *   <li>confusions: the most frequent (mention, gold, predicted) errors at found spans.</li>
 * </ul>
 */
public final class LinkingEvaluation {

    /** A gold link: {@code text.substring(start, end)} refers to {@code entityId}. */
    public record GoldMention(int start, int end, long entityId) {}

    /** One kind of error, counted: the gold entity linked as another at spans reading {@code mention}. */
    public record Confusion(String mention, long goldEntityId, long predictedEntityId, int count) {}

    public record Result(int documents, int goldMentions, int predictedMentions, int mentionsFound, int correctLinks,
                         double mentionRecall, double linkingAccuracy, double precision, double recall, double f1,
                         double documentMacroRecall, double documentAccuracy, double calibrationError,
                         List<Confusion> confusions) {}

    private record ConfusionKey(String mention, long gold, long predicted) {}

    private int documents;
    private int gold;
    private int predicted;
    private int found;
    private int correct;
    private double recallSum;
    private int perfectDocuments;
    private final Map<ConfusionKey, Integer> confusions = new HashMap<>();
    private final CalibrationError calibration = new CalibrationError();

    /** Adds one document: its gold links and the linker's mentions (best candidate first). */
    public void add(List<GoldMention> goldMentions, List<LinkedMention> mentions) {
        documents++;
        gold += goldMentions.size();
        int documentCorrect = 0;
        for (LinkedMention m : mentions) {
            boolean overlaps = false;
            for (GoldMention g : goldMentions) {
                if (m.start() < g.end() && g.start() < m.end()) {
                    overlaps = true;
                    if (m.start() == g.start() && m.end() == g.end()) {
                        found++;
                        calibration.add(m.best().score(), m.best().entityId() == g.entityId());
                        if (m.best().entityId() == g.entityId()) {
                            documentCorrect++;
                        } else {
                            confusions.merge(new ConfusionKey(m.mention(), g.entityId(), m.best().entityId()), 1,
                                    Integer::sum);
                        }
                    }
                }
            }
            predicted += overlaps ? 1 : 0;
        }
        correct += documentCorrect;
        if (!goldMentions.isEmpty()) {
            recallSum += (double) documentCorrect / goldMentions.size();
            perfectDocuments += documentCorrect == goldMentions.size() ? 1 : 0;
        }
    }

    /** The scores so far, with the {@code maxConfusions} most frequent errors (ties by mention). */
    public Result result(int maxConfusions) {
        List<Confusion> top = new ArrayList<>();
        confusions.entrySet().stream()
                .sorted(Comparator.<Map.Entry<ConfusionKey, Integer>>comparingInt(Map.Entry::getValue).reversed()
                        .thenComparing(e -> e.getKey().mention())
                        .thenComparingLong(e -> e.getKey().gold())
                        .thenComparingLong(e -> e.getKey().predicted()))
                .limit(maxConfusions)
                .forEach(e -> top.add(new Confusion(e.getKey().mention(), e.getKey().gold(), e.getKey().predicted(),
                        e.getValue())));
        double precision = ratio(correct, predicted);
        double recall = ratio(correct, gold);
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new Result(documents, gold, predicted, found, correct, ratio(found, gold), ratio(correct, found),
                precision, recall, f1, documents == 0 ? 0 : recallSum / documents,
                ratio(perfectDocuments, documents), calibration.value(), List.copyOf(top));
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }
}
