package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.trainer.completion.EvidenceFusion;
import io.ernieneo4j.trainer.completion.RelationConventions;
import io.ernieneo4j.trainer.completion.RelationProposals.Sentence;
import io.ernieneo4j.trainer.completion.RelationProposals;
import io.ernieneo4j.trainer.completion.TextEvidence;
import io.ernieneo4j.trainer.completion.TypeConstraints;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterable;
import org.neo4j.graphdb.Transaction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The evidence for every candidate fact the documents suggest, from the four sources {@link EvidenceFusion} weighs:
 * the relation model's probability of each relationship type for each mention pair, aggregated per fact over every
 * sentence that mentions both entities in either order (an inverse type's or a symmetric type's reading counts for
 * the same fact, {@link RelationConventions}); TransE's {@code -|h + r - t|} for the fact in any form its model
 * knows; the {@link TypeConstraints} density of the fact's relationship type between its nodes' types, learned
 * from the graph's edges; and the linker's scores of the two mentions, the best pair of them. A node's type is the
 * value of {@code typeProperty}, or its labels.
 */
final class CompletionEvidence {

    private static final int CHECK_EVERY = 10_000;

    /** What the text says about one fact: the aggregate and the sentences that speak most for it. */
    static final class FactText {
        static final int KEPT = 3;
        final TextEvidence text = new TextEvidence();
        final List<Sentence> top = new ArrayList<>(KEPT + 1);
        /** The best product of the two mentions' linker scores over the fact's sentences. */
        double links;

        Sentence best() {
            return top.getFirst();
        }

        void offer(Sentence sentence) {
            if (top.size() == KEPT && sentence.probability() <= top.getLast().probability()) {
                return;
            }
            int at = 0;
            while (at < top.size() && top.get(at).probability() >= sentence.probability()) at++;
            top.add(at, sentence);
            if (top.size() > KEPT) top.removeLast();
        }
    }

    private final Map<RelationConventions.Fact, FactText> facts;
    private final NodeTypes nodeTypes;
    private final TypeConstraints constraints;
    private final TripleScorer transe;
    private final RelationConventions conventions;
    private final String aggregation;

    private CompletionEvidence(Map<RelationConventions.Fact, FactText> facts, NodeTypes nodeTypes,
                               TypeConstraints constraints, TripleScorer transe, RelationConventions conventions,
                               String aggregation) {
        this.facts = facts;
        this.nodeTypes = nodeTypes;
        this.constraints = constraints;
        this.transe = transe;
        this.conventions = conventions;
        this.aggregation = aggregation;
    }

    /**
     * Aggregates the mention pairs' probabilities of each of {@code relationTypes} per fact, learns the type
     * constraints from the edges {@code knownEdge} accepts, and prepares TransE's scores ({@code transe} may be
     * null: no graph evidence).
     */
    static CompletionEvidence collect(Transaction tx, Termination termination,
                                      List<RelationEvidence.PairScores> rows, List<String> labels,
                                      Set<String> relationTypes, RelationConventions conventions,
                                      Optional<String> typeProperty, TransEModelFiles.NamedModel transe,
                                      String aggregation, Predicate<Relationship> knownEdge) {
        Map<RelationConventions.Fact, FactText> facts = new LinkedHashMap<>();
        for (RelationEvidence.PairScores row : rows) {
            for (int label = 0; label < labels.size(); label++) {
                String type = labels.get(label);
                if (!relationTypes.contains(type)) {
                    continue;
                }
                double p = row.probabilities()[label];
                RelationConventions.Fact fact = conventions.canonical(row.headNodeId(), type, row.tailNodeId());
                FactText text = facts.computeIfAbsent(fact, f -> new FactText());
                text.text.add(p);
                text.links = Math.max(text.links, row.linkScore());
                boolean reversed = fact.head() != row.headNodeId();
                text.offer(reversed
                        ? new Sentence(row.documentId(), row.tailStart(), row.tailEnd(), row.headStart(),
                        row.headEnd(), p)
                        : new Sentence(row.documentId(), row.headStart(), row.headEnd(), row.tailStart(),
                        row.tailEnd(), p));
            }
        }
        NodeTypes nodeTypes = new NodeTypes(tx, typeProperty);
        TypeConstraints constraints = learnTypes(tx, termination, nodeTypes, conventions, relationTypes, knownEdge);
        return new CompletionEvidence(facts, nodeTypes, constraints,
                transe == null ? null : new TripleScorer(transe, tx), conventions, aggregation);
    }

    /** As above, with the features a fitted fusion was read with; without one, the text's best sentence alone. */
    static CompletionEvidence collect(Transaction tx, Termination termination,
                                      List<RelationEvidence.PairScores> rows, List<String> labels,
                                      Set<String> relationTypes, RelationConventions conventions,
                                      Optional<FittedFusion> fitted, Predicate<Relationship> knownEdge) {
        return collect(tx, termination, rows, labels, relationTypes, conventions,
                fitted.flatMap(FittedFusion::typeProperty), fitted.map(FittedFusion::transe).orElse(null),
                fitted.map(f -> f.fusion().textAggregation()).orElse("max"), knownEdge);
    }

    Map<RelationConventions.Fact, FactText> facts() {
        return facts;
    }

    /**
     * The facts whose fused probability reaches {@code threshold}, each with the sentence that speaks most for it
     * and what each source said: {@code textScore} (the aggregated probability), {@code graphScore} (TransE's
     * {@code -distance}; absent without a vector), {@code typeScore} (the type density), {@code linkScore} (the
     * best product of the mentions' linker scores), {@code sentences}.
     */
    List<RelationProposals.Proposal> proposals(EvidenceFusion fusion, double threshold) {
        List<RelationProposals.Proposal> proposals = new ArrayList<>();
        facts.forEach((fact, text) -> {
            EvidenceFusion.Candidate candidate = candidate(fact);
            double probability = fusion.probability(candidate);
            if (probability >= threshold) {
                proposals.add(new RelationProposals.Proposal(fact, probability, text.best(), sources(fact)));
            }
        });
        return proposals;
    }

    /**
     * What each source says of a fact, as written on its edge: {@code textScore}, {@code graphScore} (absent without
     * a TransE vector), {@code typeScore}, {@code linkScore} (absent when no sentence mentions both) and
     * {@code sentences}.
     */
    Map<String, Object> sources(RelationConventions.Fact fact) {
        EvidenceFusion.Candidate candidate = candidate(fact);
        FactText text = facts.get(fact);
        Map<String, Object> sources = new LinkedHashMap<>();
        sources.put("textScore", candidate.text());
        if (Double.isFinite(candidate.graph())) sources.put("graphScore", candidate.graph());
        sources.put("typeScore", candidate.types());
        if (Double.isFinite(candidate.links())) sources.put("linkScore", candidate.links());
        sources.put("sentences", text == null ? 0L : (long) text.text.sentences());
        return sources;
    }

    /** The fact's evidence as the fusion reads it. */
    EvidenceFusion.Candidate candidate(RelationConventions.Fact fact) {
        FactText text = facts.get(fact);
        double graph = transe == null ? Double.NaN : transe.score(conventions.statements(fact));
        double types = constraints.density(nodeTypes.of(fact.head()), fact.type(), nodeTypes.of(fact.tail()));
        return new EvidenceFusion.Candidate(fact.type(), text == null ? 0 : text.text.value(aggregation), graph, types,
                text == null ? Double.NaN : text.links);
    }

    /**
     * One pass over the nodes: each node's type, and each edge {@code knownEdge} accepts (never a predicted one)
     * of the relation types or their inverses, counted in its canonical form.
     */
    @SuppressWarnings("deprecation") // internal node ids, within this transaction
    private static TypeConstraints learnTypes(Transaction tx, Termination termination, NodeTypes nodeTypes,
                                              RelationConventions conventions, Set<String> relationTypes,
                                              Predicate<Relationship> knownEdge) {
        TypeConstraints.Builder builder = TypeConstraints.builder(1.0);
        Set<String> wanted = new TreeSet<>();
        for (String type : relationTypes) {
            for (RelationConventions.Fact form : conventions.statements(new RelationConventions.Fact(0, type, 1))) {
                wanted.add(form.type());
            }
        }
        RelationshipType[] types = wanted.stream().map(RelationshipType::withName).toArray(RelationshipType[]::new);
        long nodes = 0;
        try (ResourceIterable<Node> all = tx.getAllNodes()) {
            for (Node node : all) {
                if (++nodes % CHECK_EVERY == 0) {
                    termination.assertRunning();
                }
                builder.node(nodeTypes.of(node));
                for (Relationship r : node.getRelationships(Direction.OUTGOING, types)) {
                    if (Boolean.TRUE.equals(r.getProperty("predicted", false)) || !knownEdge.test(r)) {
                        continue;
                    }
                    RelationConventions.Fact fact = conventions.canonical(node.getId(), r.getType().name(),
                            r.getEndNodeId());
                    builder.edge(nodeTypes.of(fact.head()), fact.type(), nodeTypes.of(fact.tail()));
                }
            }
        }
        return builder.build();
    }

    /** A node's type: the value of {@code typeProperty} (a list joined by `|`), or its labels; read once a node. */
    private static final class NodeTypes {
        private final Transaction tx;
        private final Optional<String> typeProperty;
        private final Map<Long, String> types = new HashMap<>();

        NodeTypes(Transaction tx, Optional<String> typeProperty) {
            this.tx = tx;
            this.typeProperty = typeProperty;
        }

        @SuppressWarnings("deprecation") // internal node ids, within this transaction
        String of(long nodeId) {
            String type = types.get(nodeId);
            return type != null ? type : of(tx.getNodeById(nodeId));
        }

        @SuppressWarnings("deprecation")
        String of(Node node) {
            return types.computeIfAbsent(node.getId(), id -> {
                if (typeProperty.isEmpty()) {
                    List<String> labels = new ArrayList<>();
                    for (Label label : node.getLabels()) labels.add(label.name());
                    labels.sort(null);
                    return String.join(":", labels);
                }
                Object value = node.getProperty(typeProperty.get(), null);
                if (value instanceof String[] many) {
                    return String.join("|", many);
                }
                return value == null ? "" : value.toString();
            });
        }
    }

    /** TransE's plausibility of a fact: {@code -distance} in the first of its forms whose type the model knows. */
    private static final class TripleScorer {
        private final TransEModelFiles.NamedModel model;
        private final EntityKey key;
        private final Map<String, Integer> entities;
        private final Map<String, Integer> relations;
        private final Transaction tx;
        private final Map<Long, Integer> rows = new HashMap<>();

        TripleScorer(TransEModelFiles.NamedModel model, Transaction tx) {
            this.model = model;
            this.key = EntityKey.parse(model.manifest().entityKey());
            this.tx = tx;
            this.entities = new HashMap<>(model.entities().size() * 2);
            for (int i = 0; i < model.entities().size(); i++) entities.put(model.entities().get(i), i);
            this.relations = new HashMap<>();
            for (int i = 0; i < model.relations().size(); i++) relations.put(model.relations().get(i), i);
        }

        double score(List<RelationConventions.Fact> forms) {
            for (RelationConventions.Fact form : forms) {
                Integer relation = relations.get(form.type());
                if (relation == null) continue;
                int head = row(form.head());
                int tail = row(form.tail());
                if (head < 0 || tail < 0) return Double.NaN;
                return -model.model().distance(head, relation, tail);
            }
            return Double.NaN;
        }

        @SuppressWarnings("deprecation")
        private int row(long nodeId) {
            return rows.computeIfAbsent(nodeId, id -> {
                String k = key.of(tx.getNodeById(id));
                Integer row = k == null ? null : entities.get(k);
                return row == null ? -1 : row;
            });
        }
    }

    /** The relation types evaluated or written: the model's labels but {@code no_relation}, or those asked for. */
    static Set<String> relationTypes(List<String> labels, List<String> asked) {
        if (asked.isEmpty()) {
            return predictedTypes(labels);
        }
        requirePredicted("relationshipTypes", asked, labels);
        return new TreeSet<>(asked);
    }

    /** Refuses, naming {@code key}, a relationship type the relation model does not predict. */
    static void requirePredicted(String key, List<String> asked, List<String> labels) {
        Set<String> types = predictedTypes(labels);
        for (String type : asked) {
            if (!types.contains(type)) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "`%s` names `%s`, which the relation model does not predict; it predicts %s.",
                        key, type, types));
            }
        }
    }

    /** The model's labels but {@code no_relation}. */
    private static Set<String> predictedTypes(List<String> labels) {
        return labels.stream().filter(l -> !l.equals(io.ernieneo4j.trainer.infer.LabelSet.NO_RELATION))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
