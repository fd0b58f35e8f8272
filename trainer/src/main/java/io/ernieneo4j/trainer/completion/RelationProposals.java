package io.ernieneo4j.trainer.completion;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which relationships a relation write creates or updates, and with what properties: Neo4j-free, so that the plugin's
 * {@code ernie.relation.write} and the Spark job decide alike. Predictions of one fact in any of its forms
 * ({@link RelationConventions}) become one proposal; a proposal is then checked against the relationships that state
 * its fact today ({@link #decide}) and written with {@link #properties}.
 */
public final class RelationProposals {

    /** The review states a curator sets on a predicted edge. */
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";

    private RelationProposals() {}

    /** One mention pair whose most probable relation was kept ({@link RelationPairs#predicted}). */
    public record Prediction(long documentId, long headNodeId, String relation, long tailNodeId, double score,
                             int headStart, int headEnd, int tailStart, int tailEnd) {}

    /** The sentence that speaks most for a fact, its offsets oriented as the fact is written (head first). */
    public record Sentence(long documentId, int headStart, int headEnd, int tailStart, int tailEnd,
                           double probability) {}

    /**
     * A fact to write: its score, the sentence that speaks most for it, and the scores of each source of evidence
     * (empty without fusion).
     */
    public record Proposal(RelationConventions.Fact fact, double score, Sentence sentence,
                           Map<String, Object> sources) {}

    /** Proposals, and how many predictions were merged into another of the same fact to make them. */
    public record Proposals(List<Proposal> proposals, long merged) {}

    /**
     * The proposals of text alone: per fact (an inverse or mirrored prediction of the same fact is merged into it),
     * the best prediction, the first of {@code predictions} on a tie; its score the model's probability.
     */
    public static Proposals of(List<Prediction> predictions, RelationConventions conventions) {
        Map<RelationConventions.Fact, Prediction> best = new LinkedHashMap<>();
        Map<RelationConventions.Fact, Set<RelationConventions.Fact>> forms = new LinkedHashMap<>();
        for (Prediction row : predictions) {
            RelationConventions.Fact fact = conventions.canonical(row.headNodeId(), row.relation(), row.tailNodeId());
            best.merge(fact, row, (a, b) -> b.score() > a.score() ? b : a);
            forms.computeIfAbsent(fact, f -> new HashSet<>())
                    .add(new RelationConventions.Fact(row.headNodeId(), row.relation(), row.tailNodeId()));
        }
        long merged = forms.values().stream().mapToLong(f -> f.size() - 1).sum();
        List<Proposal> proposals = new ArrayList<>();
        best.forEach((fact, p) -> {
            // the evidence's offsets name the mentions as the fact is written: head first
            boolean reversed = fact.head() != p.headNodeId();
            Sentence sentence = reversed
                    ? new Sentence(p.documentId(), p.tailStart(), p.tailEnd(), p.headStart(), p.headEnd(), p.score())
                    : new Sentence(p.documentId(), p.headStart(), p.headEnd(), p.tailStart(), p.tailEnd(), p.score());
            proposals.add(new Proposal(fact, p.score(), sentence, Map.of()));
        });
        return new Proposals(proposals, merged);
    }

    /**
     * A relationship that states a form of a fact today ({@link RelationConventions#statements}).
     *
     * @param predicted whether it is marked {@code predicted: true}
     * @param status    its {@code status} property, or null
     * @param edge      the caller's handle on it (a relationship, its id)
     */
    public record Existing<E>(RelationConventions.Fact form, boolean predicted, Object status, E edge) {}

    /** What a write does with a proposal. */
    public enum Outcome {
        /** Stated by a relationship that was not predicted, or by an accepted one: left alone. */
        ALREADY_KNOWN,
        /** A curator rejected a predicted relationship of the fact: not proposed again. */
        REJECTED,
        /** No relationship of the fact's canonical form was predicted before: a new one. */
        CREATE,
        /** The one predicted before ({@link Decision#edge}) is written again. */
        UPDATE
    }

    /** An outcome, and for {@link Outcome#UPDATE} the relationship to update. */
    public record Decision<E>(Outcome outcome, E edge) {}

    /**
     * What a write does with the proposal of {@code fact} (canonical), given every relationship that states one of
     * its forms today: a fact stated by a relationship that was not predicted, or by a predicted one a curator
     * accepted ({@code status: 'accepted'}), is left alone; one a curator rejected ({@code status: 'rejected'}) is
     * never proposed again; else the predicted relationship of the canonical form is updated (the last given), or a
     * new one created.
     */
    public static <E> Decision<E> decide(RelationConventions.Fact fact, List<Existing<E>> existing) {
        E edge = null;
        boolean stated = false;
        boolean refused = false;
        for (Existing<E> r : existing) {
            if (!r.predicted() || ACCEPTED.equals(r.status())) {
                stated = true;
            } else if (REJECTED.equals(r.status())) {
                refused = true;
            } else if (r.form().equals(fact)) {
                edge = r.edge();
            }
        }
        if (stated) {
            return new Decision<>(Outcome.ALREADY_KNOWN, null);
        }
        if (refused) {
            return new Decision<>(Outcome.REJECTED, null);
        }
        return edge == null ? new Decision<>(Outcome.CREATE, null) : new Decision<>(Outcome.UPDATE, edge);
    }

    /** When a write predicted: what {@code predictedAt} records. */
    public static String now() {
        return ZonedDateTime.now().toString();
    }

    /**
     * The properties a created or updated relationship gets, in this order: {@code predicted} (true), {@code score},
     * {@code model}, {@code evidence} (the document's node id), {@code headStart}, {@code headEnd},
     * {@code tailStart}, {@code tailEnd}, {@code predictedAt}, the proposal's sources, and {@code status} when given
     * (without one, an earlier status stays).
     */
    public static Map<String, Object> properties(Proposal proposal, String modelName, String predictedAt,
                                                 String status) {
        Sentence sentence = proposal.sentence();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("predicted", true);
        properties.put("score", proposal.score());
        properties.put("model", modelName);
        properties.put("evidence", sentence.documentId());
        properties.put("headStart", (long) sentence.headStart());
        properties.put("headEnd", (long) sentence.headEnd());
        properties.put("tailStart", (long) sentence.tailStart());
        properties.put("tailEnd", (long) sentence.tailEnd());
        properties.put("predictedAt", predictedAt);
        properties.putAll(proposal.sources());
        if (status != null) {
            properties.put("status", status);
        }
        return properties;
    }
}
