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
    record Written(long predictions, long merged, long created, long updated, long alreadyKnown, long rejected) {}

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
     * A fact to write: its score, the sentence that speaks most for it, and the scores of each source of evidence
     * (empty without fusion).
     */
    record Proposal(RelationConventions.Fact fact, double score, CompletionEvidence.Sentence sentence,
                    Map<String, Object> sources) {}

    /** Proposals, and how many predictions were merged into another of the same fact to make them. */
    record Proposals(List<Proposal> proposals, long merged) {}

    /**
     * The proposals of text alone: per fact ({@link RelationConventions}: an inverse or mirrored prediction of the same
     * fact is merged into it), the best row, its score the model's probability.
     */
    static Proposals proposals(List<RelationProc.RelationResult> rows, RelationConventions conventions) {
        Map<RelationConventions.Fact, RelationProc.RelationResult> best = new LinkedHashMap<>();
        Map<RelationConventions.Fact, java.util.Set<RelationConventions.Fact>> forms = new LinkedHashMap<>();
        for (RelationProc.RelationResult row : rows) {
            RelationConventions.Fact fact = conventions.canonical(row.headNodeId(), row.relation(), row.tailNodeId());
            best.merge(fact, row, (a, b) -> b.score() > a.score() ? b : a);
            forms.computeIfAbsent(fact, f -> new java.util.HashSet<>())
                    .add(new RelationConventions.Fact(row.headNodeId(), row.relation(), row.tailNodeId()));
        }
        long merged = forms.values().stream().mapToLong(f -> f.size() - 1).sum();
        List<Proposal> proposals = new ArrayList<>();
        best.forEach((fact, p) -> {
            // the evidence's offsets name the mentions as the fact is written: head first
            boolean reversed = fact.head() != p.headNodeId();
            CompletionEvidence.Sentence sentence = reversed
                    ? new CompletionEvidence.Sentence(p.documentId(), (int) p.tailStart(), (int) p.tailEnd(),
                    (int) p.headStart(), (int) p.headEnd(), p.score())
                    : new CompletionEvidence.Sentence(p.documentId(), (int) p.headStart(), (int) p.headEnd(),
                    (int) p.tailStart(), (int) p.tailEnd(), p.score());
            proposals.add(new Proposal(fact, p.score(), sentence, Map.of()));
        });
        return new Proposals(proposals, merged);
    }

    /**
     * Writes each proposal as one relationship marked {@code predicted: true}, in the graph's own convention. A fact
     * the graph already states in any of its forms by a relationship that was not predicted, or by a predicted one a
     * curator accepted ({@code status: 'accepted'}), is left alone; one a curator rejected ({@code status:
     * 'rejected'}) is never proposed again. {@code status}, when given, is written on each new or updated edge.
     */
    static Written write(GraphDatabaseService db, Termination termination, Proposals written, String modelName,
                         RelationConventions conventions, String status) {
        List<Proposal> proposals = written.proposals();
        String now = ZonedDateTime.now().toString();
        long[] known = {0};
        long[] updated = {0};
        long[] rejected = {0};
        long created = BatchWriter.write(db, proposals, 10_000, termination, (write, batch) -> {
            long newEdges = 0;
            for (Proposal proposal : batch) {
                RelationConventions.Fact fact = proposal.fact();
                Relationship edge = null;
                boolean stated = false;
                boolean refused = false;
                for (RelationConventions.Fact form : conventions.statements(fact)) {
                    @SuppressWarnings("deprecation") Node from = write.getNodeById(form.head());
                    for (Relationship r : from.getRelationships(Direction.OUTGOING, RelationshipType.withName(form.type()))) {
                        if (r.getEndNodeId() != form.tail()) continue;
                        Object review = r.getProperty("status", null);
                        if (!Boolean.TRUE.equals(r.getProperty("predicted", false)) || ACCEPTED.equals(review)) {
                            stated = true;
                        } else if (REJECTED.equals(review)) {
                            refused = true;
                        } else if (form.equals(fact)) {
                            edge = r;
                        }
                    }
                }
                if (stated) {
                    known[0]++;
                    continue;
                }
                if (refused) {
                    rejected[0]++;
                    continue;
                }
                if (edge == null) {
                    @SuppressWarnings("deprecation") Node head = write.getNodeById(fact.head());
                    @SuppressWarnings("deprecation") Node tail = write.getNodeById(fact.tail());
                    edge = head.createRelationshipTo(tail, RelationshipType.withName(fact.type()));
                    newEdges++;
                } else {
                    updated[0]++;
                }
                CompletionEvidence.Sentence sentence = proposal.sentence();
                edge.setProperty("predicted", true);
                edge.setProperty("score", proposal.score());
                edge.setProperty("model", modelName);
                edge.setProperty("evidence", sentence.documentId());
                edge.setProperty("headStart", (long) sentence.headStart());
                edge.setProperty("headEnd", (long) sentence.headEnd());
                edge.setProperty("tailStart", (long) sentence.tailStart());
                edge.setProperty("tailEnd", (long) sentence.tailEnd());
                edge.setProperty("predictedAt", now);
                proposal.sources().forEach(edge::setProperty);
                if (status != null) {
                    edge.setProperty("status", status);
                }
            }
            return newEdges;
        });
        return new Written(proposals.size(), written.merged(), created, updated[0], known[0], rejected[0]);
    }

    /** The review states a curator sets on a predicted edge. */
    static final String ACCEPTED = "accepted";
    static final String REJECTED = "rejected";
}
