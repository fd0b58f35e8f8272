package io.ernieneo4j.trainer.completion;

import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.infer.LabelSet;

import java.util.ArrayList;
import java.util.List;

/**
 * What relation classification reads in a document and what it keeps of a prediction, for the plugin's
 * {@code ernie.relation.*} and the Spark job alike: one example per ordered pair of mentions of different entities
 * (head in [HD], tail in [TL] markers, every aligned mention fed in as an entity), and the most probable relation
 * when it is not {@code no_relation} and reaches the threshold.
 */
public final class RelationPairs {

    private RelationPairs() {}

    /**
     * The examples of one document, head mention by head mention and then tail by tail in the order of
     * {@code mentions} (by start).
     *
     * @param documentId the document's node id, which names the examples ({@code <document>:<head>><tail>})
     */
    public static List<RelationExample> examples(long documentId, String text, List<Mention> mentions) {
        List<RelationExample> pairs = new ArrayList<>();
        for (Mention head : mentions) {
            for (Mention tail : mentions) {
                if (!head.entity().equals(tail.entity())) {
                    pairs.add(new RelationExample(documentId + ":" + head.start() + ">" + tail.start(), text, head,
                            tail, null, mentions));
                }
            }
        }
        return pairs;
    }

    /** At most how many examples a document with {@code mentions} mentions gives. */
    public static long maxExamples(int mentions) {
        return (long) mentions * (mentions - 1);
    }

    /**
     * The label a prediction gives: the most probable one (the first on a tie), or -1 when that is
     * {@code no_relation} or under {@code threshold}.
     *
     * @param labels the model's labels, in logit order
     */
    public static int predicted(float[] probabilities, List<String> labels, double threshold) {
        int label = 0;
        for (int j = 1; j < probabilities.length; j++) {
            if (probabilities[j] > probabilities[label]) label = j;
        }
        return labels.get(label).equals(LabelSet.NO_RELATION) || probabilities[label] < threshold ? -1 : label;
    }
}
