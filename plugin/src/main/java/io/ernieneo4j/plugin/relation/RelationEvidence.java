package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.infer.ErniePredictor;

import java.util.List;

/**
 * The relation model's full probability vector for every ordered pair of mentions of different entities in a
 * document, whatever its most probable label: the text evidence that {@link CompletionEvidence} aggregates per fact.
 * The examples are {@link RelationClassification}'s.
 */
final class RelationEvidence implements MentionPrediction.Task<RelationExample, RelationEvidence.PairScores> {

    static final RelationEvidence TASK = new RelationEvidence();

    /** One mention pair: where it is and what the model gives each label (the model's label order). */
    record PairScores(long documentId, long headNodeId, long tailNodeId, float[] probabilities, int headStart,
                      int headEnd, int tailStart, int tailEnd) {}

    private RelationEvidence() {}

    @Override
    public List<RelationExample> examples(DocumentMentions.Document document) {
        return RelationClassification.TASK.examples(document);
    }

    @Override
    public List<ErniePredictor.Prediction<RelationExample>> predict(ErniePredictor predictor,
                                                                    List<RelationExample> examples, String source,
                                                                    int batchSize) {
        return RelationClassification.TASK.predict(predictor, examples, source, batchSize);
    }

    @Override
    public void addRows(DocumentMentions.Document document, ErniePredictor.Prediction<RelationExample> prediction,
                        List<String> labels, DocumentMentions request, List<PairScores> rows) {
        Mention h = prediction.example().head();
        Mention t = prediction.example().tail();
        rows.add(new PairScores(document.id(), document.nodeId(h.entity()), document.nodeId(t.entity()),
                prediction.probabilities(), h.start(), h.end(), t.start(), t.end()));
    }

    @Override
    public ErnieTask task() {
        return ErnieTask.RELATION;
    }

    @Override
    public long maxExamples(int mentions) {
        return RelationClassification.TASK.maxExamples(mentions);
    }

    @Override
    public int maxRowsPerExample(int labels) {
        return 1;
    }

    @Override
    public int rowBytes() {
        return 96 + 16 + 4 * 16; // the row and a probability array of a few labels
    }
}
