package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;

/**
 * The relation model's full probability vector for every ordered pair of mentions of different entities in a
 * document, whatever its most probable label: the text evidence that {@link CompletionEvidence} aggregates per fact.
 * The examples are {@link RelationClassification}'s.
 */
final class RelationEvidence {

    /**
     * One mention pair: where it is, what the model gives each label (the model's label order), and the linker's
     * score of the head mention times the tail mention's.
     */
    record PairScores(long documentId, long headNodeId, long tailNodeId, float[] probabilities, int headStart,
                      int headEnd, int tailStart, int tailEnd, double linkScore) {}

    /** Relation classification with every pair's scores as a row (its record and a few labels' probabilities). */
    static final MentionPrediction.Task<RelationExample, PairScores> TASK = MentionPrediction.Task.eachPrediction(
            RelationClassification.TASK, (document, prediction) -> {
                Mention h = prediction.example().head();
                Mention t = prediction.example().tail();
                return new PairScores(document.id(), document.nodeId(h.entity()), document.nodeId(t.entity()),
                        prediction.probabilities(), h.start(), h.end(), t.start(), t.end(),
                        document.score(h) * document.score(t));
            }, 104 + 16 + 4 * 16);

    private RelationEvidence() {}
}
