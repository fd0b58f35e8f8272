package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.trainer.completion.RelationConventions;
import io.ernieneo4j.trainer.completion.RelationPairs;
import io.ernieneo4j.trainer.completion.RelationProposals;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.infer.ErniePredictor;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;

import java.util.ArrayList;
import java.util.List;

/**
 * Relation classification as a {@link MentionPrediction.Task}: one example per ordered pair of mentions of different
 * entities in a document (head in [HD], tail in [TL] markers, every aligned mention fed in as an entity); a row when
 * the most probable relation is not {@code no_relation} and reaches {@code threshold} (the trainer's
 * {@link RelationPairs}, which the Spark job shares). Also how relations are written back, as
 * {@link RelationProposals} decides.
 */
final class RelationClassification implements MentionPrediction.Task<RelationExample, RelationProc.RelationResult> {

    static final RelationClassification TASK = new RelationClassification();

    /** What a write did. */
    record Written(long predictions, long merged, long created, long updated, long alreadyKnown, long rejected) {}

    private RelationClassification() {}

    @Override
    public List<RelationExample> examples(DocumentMentions.Document document) {
        return RelationPairs.examples(document.id(), document.text(), document.mentions());
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
        int label = RelationPairs.predicted(prediction.probabilities(), labels, request.threshold());
        if (label >= 0) {
            Mention h = prediction.example().head();
            Mention t = prediction.example().tail();
            rows.add(new RelationProc.RelationResult(document.id(), document.nodeId(h.entity()), labels.get(label),
                    document.nodeId(t.entity()), prediction.probabilities()[label], h.start(), h.end(), t.start(),
                    t.end()));
        }
    }

    @Override
    public ErnieTask task() {
        return ErnieTask.RELATION;
    }

    @Override
    public long maxExamples(int mentions) {
        return RelationPairs.maxExamples(mentions);
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
     * Writes each proposal as one relationship marked {@code predicted: true}, in the graph's own convention. A fact
     * the graph already states in any of its forms by a relationship that was not predicted, or by a predicted one a
     * curator accepted ({@code status: 'accepted'}), is left alone; one a curator rejected ({@code status:
     * 'rejected'}) is never proposed again. A fact of one of {@code transitiveTypes} that a chain of such edges
     * implies is known as well ({@link TransitiveChains}). {@code status}, when given, is written on each new or
     * updated edge.
     */
    static Written write(GraphDatabaseService db, Termination termination, RelationProposals.Proposals written,
                         String modelName, RelationConventions conventions, List<String> transitiveTypes,
                         String status) {
        List<RelationProposals.Proposal> proposals = written.proposals();
        String now = RelationProposals.now();
        long[] known = {0};
        long[] updated = {0};
        long[] rejected = {0};
        long created = BatchWriter.write(db, proposals, 10_000, termination, (write, batch) -> {
            long newEdges = 0;
            TransitiveChains chains = new TransitiveChains(write, conventions, transitiveTypes);
            for (RelationProposals.Proposal proposal : batch) {
                RelationConventions.Fact fact = proposal.fact();
                List<RelationProposals.Existing<Relationship>> existing = new ArrayList<>();
                for (RelationConventions.Fact form : conventions.statements(fact)) {
                    @SuppressWarnings("deprecation") Node from = write.getNodeById(form.head());
                    for (Relationship r : from.getRelationships(Direction.OUTGOING, RelationshipType.withName(form.type()))) {
                        if (r.getEndNodeId() == form.tail()) {
                            existing.add(new RelationProposals.Existing<>(form, GraphConventions.isPredicted(r),
                                    r.getProperty("status", null), r));
                        }
                    }
                }
                RelationProposals.Decision<Relationship> decision = RelationProposals.decide(fact, existing);
                Relationship edge = decision.edge();
                RelationProposals.Outcome outcome = decision.outcome() == RelationProposals.Outcome.CREATE
                        && chains.implied(fact, RelationClassification::curated)
                        ? RelationProposals.Outcome.ALREADY_KNOWN : decision.outcome();
                switch (outcome) {
                    case ALREADY_KNOWN -> {
                        known[0]++;
                        continue;
                    }
                    case REJECTED -> {
                        rejected[0]++;
                        continue;
                    }
                    case CREATE -> {
                        @SuppressWarnings("deprecation") Node head = write.getNodeById(fact.head());
                        @SuppressWarnings("deprecation") Node tail = write.getNodeById(fact.tail());
                        edge = head.createRelationshipTo(tail, RelationshipType.withName(fact.type()));
                        newEdges++;
                    }
                    case UPDATE -> updated[0]++;
                }
                RelationProposals.properties(proposal, modelName, now, status).forEach(edge::setProperty);
            }
            return newEdges;
        });
        return new Written(proposals.size(), written.merged(), created, updated[0], known[0], rejected[0]);
    }

    /** An edge a curator stands behind: not predicted, or predicted and accepted. */
    private static boolean curated(Relationship r) {
        return !GraphConventions.isPredicted(r)
                || RelationProposals.ACCEPTED.equals(r.getProperty("status", null));
    }
}
