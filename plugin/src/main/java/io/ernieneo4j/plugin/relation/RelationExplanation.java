package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.plugin.model.MentionPrediction;
import io.ernieneo4j.trainer.completion.EvidenceFusion;
import io.ernieneo4j.trainer.completion.RelationConventions;
import io.ernieneo4j.trainer.completion.RelationProposals.Sentence;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Why a fact would (or would not) be written: the documents that mention both entities read by the relation model,
 * the sentences that speak most for the fact, what each source of evidence says and, with a {@code fusion}, the
 * fused probability ernie.relation.write would give it; and how the graph states the fact today.
 */
final class RelationExplanation {

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final MentionPrediction prediction;

    RelationExplanation(GraphDatabaseService db, Transaction tx, MentionPrediction prediction) {
        this.db = db;
        this.tx = tx;
        this.prediction = prediction;
    }

    @SuppressWarnings("deprecation") // internal node ids, within this transaction
    RelationProc.ExplainResult explain(Node head, String type, Node tail, DocumentMentions request,
                                       Optional<FittedFusion> fitted) {
        List<String> labels = ErnieModelCatalog.use(db.databaseName(), request.modelName(),
                loaded -> loaded.loaded().manifest().labels());
        Set<String> relationTypes = CompletionEvidence.relationTypes(labels, List.of());
        RelationConventions conventions = GraphConventions.learn(tx, prediction.termination());
        RelationConventions.Fact fact = conventions.canonical(head.getId(), type, tail.getId());
        Set<String> forms = new LinkedHashSet<>();
        conventions.statements(fact).forEach(f -> forms.add(f.type()));
        if (forms.stream().noneMatch(relationTypes::contains)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "`relationshipType` `%s` is not a "
                    + "relation the model predicts (nor the inverse of one); it predicts %s.", type, relationTypes));
        }
        EvidenceFusion fusion = fitted.map(FittedFusion::fusion).orElse(null);
        List<Object> documents = sharedDocuments(head, tail, request.documentLabel());
        List<RelationEvidence.PairScores> rows = documents.isEmpty() ? List.of()
                : prediction.run(new DocumentMentions(request.modelName(), request.documentLabel(),
                request.textProperty(), documents, request.minLinkScore(), request.threshold(),
                request.batchSize()), RelationEvidence.TASK).rows();
        CompletionEvidence evidence = CompletionEvidence.collect(tx, prediction.termination(), rows, labels,
                relationTypes, conventions, fitted, r -> true);
        Map<String, Object> sources = evidence.sources(fact);
        double score = fusion != null ? fusion.probability(evidence.candidate(fact)) : (double) sources.get("textScore");
        List<Map<String, Object>> sentences = new ArrayList<>();
        CompletionEvidence.FactText text = evidence.facts().get(fact);
        if (text != null) {
            for (Sentence s : text.top) {
                Map<String, Object> sentence = new LinkedHashMap<>();
                sentence.put("document", s.documentId());
                sentence.put("text", tx.getNodeById(s.documentId()).getProperty(request.textProperty(), null));
                sentence.put("headStart", (long) s.headStart());
                sentence.put("headEnd", (long) s.headEnd());
                sentence.put("tailStart", (long) s.tailStart());
                sentence.put("tailEnd", (long) s.tailEnd());
                sentence.put("probability", s.probability());
                sentences.add(sentence);
            }
        }
        return new RelationProc.ExplainResult(fact.head(), fact.type(), fact.tail(), score, fusion != null,
                (double) sources.get("textScore"), (Double) sources.get("graphScore"),
                fusion != null ? (Double) sources.get("typeScore") : null, (Double) sources.get("linkScore"),
                documents.size(),
                (long) sources.get("sentences"), sentences, statements(fact, conventions));
    }

    /** The documents of the label that mention both nodes. */
    private static List<Object> sharedDocuments(Node head, Node tail, String documentLabel) {
        Set<Long> mentioningHead = new LinkedHashSet<>();
        for (Relationship r : head.getRelationships(Direction.INCOMING, DocumentMentions.MENTIONS)) {
            if (r.getStartNode().hasLabel(Label.label(documentLabel))) mentioningHead.add(r.getStartNodeId());
        }
        Set<Object> shared = new LinkedHashSet<>();
        for (Relationship r : tail.getRelationships(Direction.INCOMING, DocumentMentions.MENTIONS)) {
            if (mentioningHead.contains(r.getStartNodeId())) shared.add(r.getStartNodeId());
        }
        return new ArrayList<>(shared);
    }

    /** How the graph states the fact today, in any of its forms. */
    @SuppressWarnings("deprecation")
    private List<Map<String, Object>> statements(RelationConventions.Fact fact, RelationConventions conventions) {
        List<Map<String, Object>> stated = new ArrayList<>();
        for (RelationConventions.Fact form : conventions.statements(fact)) {
            Node from = tx.getNodeById(form.head());
            for (Relationship r : from.getRelationships(Direction.OUTGOING, RelationshipType.withName(form.type()))) {
                if (r.getEndNodeId() == form.tail()) {
                    Map<String, Object> edge = new LinkedHashMap<>();
                    edge.put("headNodeId", form.head());
                    edge.put("relationshipType", form.type());
                    edge.put("tailNodeId", form.tail());
                    edge.put("predicted", Boolean.TRUE.equals(r.getProperty("predicted", false)));
                    edge.put("status", r.getProperty("status", null));
                    stated.add(edge);
                }
            }
        }
        return stated;
    }
}
