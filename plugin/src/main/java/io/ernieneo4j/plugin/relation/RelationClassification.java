package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.infer.ErniePredictor;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relation classification as a {@link MentionPrediction.Task}: one example per ordered pair of mentions of different
 * entities in a document (head in [HD], tail in [TL] markers, every aligned mention fed in as an entity); a row when
 * the most probable relation is not {@code no_relation} and reaches {@code threshold}. Also how relations are
 * written back.
 */
final class RelationClassification implements MentionPrediction.Task<RelationExample, RelationProc.RelationResult> {

    static final RelationClassification TASK = new RelationClassification();

    /** What a write did. */
    record Written(long predictions, long created, long updated, long alreadyKnown) {}

    private RelationClassification() {}

    @Override
    public List<RelationExample> examples(DocumentMentions.Document document) {
        List<RelationExample> pairs = new ArrayList<>();
        for (Mention head : document.mentions()) {
            for (Mention tail : document.mentions()) {
                if (!head.entity().equals(tail.entity())) {
                    pairs.add(new RelationExample(document.id() + ":" + head.start() + ">" + tail.start(),
                            document.text(), head, tail, null, document.mentions()));
                }
            }
        }
        return pairs;
    }

    @Override
    public List<ErniePredictor.Prediction<RelationExample>> predict(ErniePredictor predictor,
                                                                    List<RelationExample> examples, String source,
                                                                    int batchSize) {
        return predictor.relation(examples, source, batchSize);
    }

    @Override
    public void addRows(DocumentMentions.Document document, ErniePredictor.Prediction<RelationExample> prediction,
                        List<String> labels, DocumentMentions request, List<RelationProc.RelationResult> rows) {
        float[] probabilities = prediction.probabilities();
        int label = 0;
        for (int j = 1; j < probabilities.length; j++) {
            if (probabilities[j] > probabilities[label]) label = j;
        }
        String relation = labels.get(label);
        if (!relation.equals(LabelSet.NO_RELATION) && probabilities[label] >= request.threshold()) {
            Mention h = prediction.example().head();
            Mention t = prediction.example().tail();
            rows.add(new RelationProc.RelationResult(document.id(), document.nodeId(h.entity()), relation,
                    document.nodeId(t.entity()), probabilities[label], h.start(), h.end(), t.start(), t.end()));
        }
    }

    @Override
    public ErnieTask task() {
        return ErnieTask.RELATION;
    }

    @Override
    public long maxExamples(int mentions) {
        return (long) mentions * (mentions - 1);
    }

    @Override
    public int maxRowsPerExample(int labels) {
        return 1;
    }

    @Override
    public int rowBytes() {
        return 96; // RelationResult: header, eight numbers, a shared label, a list slot
    }

    /**
     * Writes the best evidence of each (head, relation, tail) as one relationship marked {@code predicted: true};
     * a pair already linked by a relationship of that type that was not predicted is left alone.
     */
    static Written write(GraphDatabaseService db, Termination termination, List<RelationProc.RelationResult> rows,
                         String modelName) {
        Map<String, RelationProc.RelationResult> best = new LinkedHashMap<>();
        for (RelationProc.RelationResult row : rows) {
            best.merge(row.headNodeId() + "|" + row.relation() + "|" + row.tailNodeId(), row,
                    (a, b) -> b.score() > a.score() ? b : a);
        }
        String now = ZonedDateTime.now().toString();
        long[] known = {0};
        long[] updated = {0};
        long created = BatchWriter.write(db, new ArrayList<>(best.values()), 10_000, termination, (write, batch) -> {
            long newEdges = 0;
            for (RelationProc.RelationResult p : batch) {
                @SuppressWarnings("deprecation") Node head = write.getNodeById(p.headNodeId());
                @SuppressWarnings("deprecation") Node tail = write.getNodeById(p.tailNodeId());
                RelationshipType type = RelationshipType.withName(p.relation());
                Relationship edge = null;
                boolean stated = false;
                for (Relationship r : head.getRelationships(Direction.OUTGOING, type)) {
                    if (r.getEndNode().equals(tail)) {
                        if (Boolean.TRUE.equals(r.getProperty("predicted", false))) edge = r;
                        else stated = true;
                    }
                }
                if (stated) {
                    known[0]++;
                    continue;
                }
                if (edge == null) {
                    edge = head.createRelationshipTo(tail, type);
                    newEdges++;
                } else {
                    updated[0]++;
                }
                edge.setProperty("predicted", true);
                edge.setProperty("score", p.score());
                edge.setProperty("model", modelName);
                edge.setProperty("evidence", p.documentId());
                edge.setProperty("headStart", p.headStart());
                edge.setProperty("headEnd", p.headEnd());
                edge.setProperty("tailStart", p.tailStart());
                edge.setProperty("tailEnd", p.tailEnd());
                edge.setProperty("predictedAt", now);
            }
            return newEdges;
        });
        return new Written(best.size(), created, updated[0], known[0]);
    }
}
