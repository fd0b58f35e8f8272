package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Incremental TransE: brings a trained model up to date with a graph that changed since, in time proportional to
 * the change rather than to the graph.
 * <ul>
 *   <li>Entities and relations the model has keep their vectors; new ones start as a fresh run would.</li>
 *   <li>Only the new entities and relations move, and the old entities that gained a triple (refined): every other
 *       vector stays exactly as it was.</li>
 *   <li>Each epoch samples the added triples only, as many samples as there are.</li>
 * </ul>
 * Corrupted triples are drawn from all entities and checked against the whole graph, as in a full run. Measured on
 * the WN18RR-like split with 1% new entities (docs/transe-notes.md, "Incremental updates"): keeping the old entities
 * fixed costs 0.07 MRR on the new entities' test triples against a full retrain; refining them is as good as the
 * retrain; replaying some of a refined entity's unchanged triples beside the added ones gained nothing and doubled
 * the samples. An entity that only lost triples keeps its vector: nothing added is there to train it on, and
 * the removed triples are no longer learnt (a full run re-fits it).
 */
public final class TransEUpdate {

    /**
     * What changed and what the update touched.
     *
     * @param entitiesAdded    entities of the graph the model did not have
     * @param entitiesRemoved  entities of the model no longer in the graph (dropped from the model)
     * @param entitiesRefined  entities of the model that gained a triple, moved by the update
     * @param relationsAdded   relations the model did not have
     * @param triplesAdded     triples of the graph the model was not trained on
     * @param triplesRemoved   triples the model was trained on that the graph no longer has
     * @param triplesSampled   triples each epoch samples from: the added ones
     * @param entityCount      entities of the updated model
     */
    public record Change(int entitiesAdded, int entitiesRemoved, int entitiesRefined, int relationsAdded,
                         int triplesAdded, int triplesRemoved, int triplesSampled, int entityCount) {

        /** Whether the graph is as the model learnt it. */
        public boolean none() {
            return triplesAdded == 0 && triplesRemoved == 0 && entitiesAdded == 0 && entitiesRemoved == 0;
        }

        /** The share of the updated model's entity vectors the update moves. */
        public double entitiesTouchedFraction() {
            return entityCount == 0 ? 0 : (double) (entitiesAdded + entitiesRefined) / entityCount;
        }
    }

    /**
     * The updated model ({@code training} is null when nothing changed and the old vectors were kept) and the ids of
     * the entities whose vectors it moved or added.
     */
    public record Result(TransEModel model, TransE.Result training, Change change, int[] moved) {}

    private TransEUpdate() {}

    /**
     * Updates {@code previous} (entities and relations named by {@code previousEntities} / {@code previousRelations},
     * trained on {@code previousTriples} over its rows) to the graph {@code triples}, whose ids name
     * {@code entities} and {@code relations}.
     */
    public static Result update(TransEModel previous, List<String> previousEntities, List<String> previousRelations,
                                TripleStore previousTriples, List<String> entities, List<String> relations,
                                TripleStore triples, TransEParameters parameters, Progress progress,
                                Termination termination) {
        if (previous.dimensions() != parameters.dimensions() || previous.norm() != parameters.norm()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The model has %d dimensions and "
                    + "norm %s; an update cannot change them (asked %d, %s).", previous.dimensions(), previous.norm(),
                    parameters.dimensions(), parameters.norm()));
        }
        int[] previousEntity = rows(entities, previousEntities);
        int[] previousRelation = rows(relations, previousRelations);
        int[] entityNow = inverse(previousEntity, previousEntities.size());
        int[] relationNow = inverse(previousRelation, previousRelations.size());

        boolean[] refined = new boolean[entities.size()];
        // the previous triples that are still in the graph, over today's ids
        int[] kh = new int[previousTriples.size()];
        int[] kr = new int[previousTriples.size()];
        int[] kt = new int[previousTriples.size()];
        int kept = 0;
        int removed = 0;
        for (int i = 0; i < previousTriples.size(); i++) {
            int h = entityNow[previousTriples.head(i)];
            int r = relationNow[previousTriples.relation(i)];
            int t = entityNow[previousTriples.tail(i)];
            if (h >= 0 && r >= 0 && t >= 0 && triples.contains(h, r, t)) {
                kh[kept] = h;
                kr[kept] = r;
                kt[kept] = t;
                kept++;
            } else {
                removed++;
            }
        }
        TripleStore unchanged = new TripleStore(entities.size(), relations.size(), Arrays.copyOf(kh, kept),
                Arrays.copyOf(kr, kept), Arrays.copyOf(kt, kept));

        int[] added = new int[triples.size()];
        int addedCount = 0;
        for (int i = 0; i < triples.size(); i++) {
            int h = triples.head(i);
            int t = triples.tail(i);
            if (!unchanged.contains(h, triples.relation(i), t)) {
                added[addedCount++] = i;
                if (previousEntity[h] >= 0) refined[h] = true;
                if (previousEntity[t] >= 0) refined[t] = true;
            }
        }
        boolean[] trainableEntities = new boolean[entities.size()];
        int entitiesAdded = 0;
        int entitiesRefined = 0;
        for (int e = 0; e < entities.size(); e++) {
            if (previousEntity[e] < 0) {
                trainableEntities[e] = true;
                entitiesAdded++;
            } else if (refined[e]) {
                trainableEntities[e] = true;
                entitiesRefined++;
            }
        }
        boolean[] trainableRelations = new boolean[relations.size()];
        int relationsAdded = 0;
        for (int r = 0; r < relations.size(); r++) {
            if (previousRelation[r] < 0) {
                trainableRelations[r] = true;
                relationsAdded++;
            }
        }
        int[] sampled = Arrays.copyOf(added, addedCount);
        int entitiesRemoved = 0;
        for (int row : entityNow) {
            if (row < 0) entitiesRemoved++;
        }
        Change change = new Change(entitiesAdded, entitiesRemoved, entitiesRefined, relationsAdded, addedCount,
                removed, sampled.length, entities.size());
        int[] moved = new int[entitiesAdded + entitiesRefined];
        for (int e = 0, m = 0; e < entities.size(); e++) {
            if (trainableEntities[e]) moved[m++] = e;
        }
        if (sampled.length == 0) {
            // nothing added: the model as it was (rows in today's order, removed entities dropped)
            return new Result(copyRows(previous, previousEntity, previousRelation), null, change, moved);
        }
        TransE.Result training = new TransE(triples, parameters, progress, termination).train(new TransE.Start(
                previous, previousEntity, previousRelation, trainableEntities, trainableRelations, sampled));
        return new Result(training.model(), training, change, moved);
    }

    /** For each name of {@code names}, its index in {@code previous}, or -1. */
    private static int[] rows(List<String> names, List<String> previous) {
        Map<String, Integer> index = new HashMap<>(previous.size() * 2);
        for (int i = 0; i < previous.size(); i++) index.put(previous.get(i), i);
        int[] rows = new int[names.size()];
        for (int i = 0; i < names.size(); i++) rows[i] = index.getOrDefault(names.get(i), -1);
        return rows;
    }

    private static int[] inverse(int[] rows, int size) {
        int[] inverse = new int[size];
        Arrays.fill(inverse, -1);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] >= 0) inverse[rows[i]] = i;
        }
        return inverse;
    }

    private static TransEModel copyRows(TransEModel previous, int[] previousEntity, int[] previousRelation) {
        int dim = previous.dimensions();
        float[] entities = new float[previousEntity.length * dim];
        for (int e = 0; e < previousEntity.length; e++) {
            System.arraycopy(previous.entityVectors(), previousEntity[e] * dim, entities, e * dim, dim);
        }
        float[] relations = new float[previousRelation.length * dim];
        for (int r = 0; r < previousRelation.length; r++) {
            System.arraycopy(previous.relationVectors(), previousRelation[r] * dim, relations, r * dim, dim);
        }
        return new TransEModel(dim, previous.norm(), entities, relations);
    }
}
