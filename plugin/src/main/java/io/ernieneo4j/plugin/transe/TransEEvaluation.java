package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.common.NodeArguments;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.LinkPredictionEvaluator;
import io.ernieneo4j.trainer.transe.LinkPredictionMetrics;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TripleStore;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.TerminationGuard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ernie.transe.evaluate}'s work: read the known and the held-out triples over the model's ids from the stored
 * graph, and rank them with the trainer's {@link LinkPredictionEvaluator}. Relationships marked {@code predicted:
 * true} are neither: as a filter, a model's own predictions would lift its figures (every predicted tail ranked
 * above a test tail is skipped), and they are no held-out truth either.
 */
final class TransEEvaluation {

    private static final int CHECK_EVERY = 10_000;

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Termination termination;

    TransEEvaluation(GraphDatabaseService db, Transaction tx, TerminationGuard guard) {
        this.db = db;
        this.tx = tx;
        this.termination = Neo4jRun.termination(guard);
    }

    TransEEvaluateProc.EvaluateResult evaluate(TransEEvaluateConfig config) {
        TransEModelFiles.NamedModel named = TransEModelRegistry.load(db, config.modelName());
        long start = System.nanoTime();
        ModelIds ids = new ModelIds(named, tx);
        TripleCollector known = new TripleCollector(ids);
        TripleCollector test = new TripleCollector(ids);
        long seen = 0;
        long predicted = 0;
        for (String type : named.relations()) {
            try (ResourceIterator<Relationship> it = tx.findRelationships(RelationshipType.withName(type))) {
                while (it.hasNext()) {
                    Relationship r = it.next();
                    if (++seen % CHECK_EVERY == 0) {
                        termination.assertRunning();
                    }
                    if (KnowledgeGraphReader.isPredicted(r)) {
                        predicted++;
                        continue;
                    }
                    known.add(r.getStartNode(), type, r.getEndNode());
                    if (config.triples().isEmpty()
                            && config.evaluationSplit().equals(r.getProperty(config.splitProperty(), null))) {
                        test.add(r.getStartNode(), type, r.getEndNode());
                    }
                }
            }
        }
        config.triples().ifPresent(triples -> triples.forEach(triple -> test.add(node(triple.get("head")),
                String.valueOf(triple.get("relationshipType")), node(triple.get("tail")))));
        if (test.size() == 0) {
            throw new IllegalArgumentException(config.triples().isPresent()
                    ? "None of the given `triples` is over entities and relationship types of model `"
                    + config.modelName() + "`."
                    : String.format(Locale.ROOT, "No relationship of model `%s`'s types has `%s` = '%s' between "
                            + "nodes the model knows: nothing to evaluate.", config.modelName(),
                    config.splitProperty(), config.evaluationSplit()));
        }
        TripleStore testStore = test.store();
        var report = new LinkPredictionEvaluator(named.model(), known.store().union(testStore), config.concurrency(),
                termination).evaluate(testStore, config.perRelation());
        Map<String, Object> byRelation = new LinkedHashMap<>();
        report.filteredByRelation().forEach((r, m) -> byRelation.put(named.relations().get(r), metrics(m)));
        return new TransEEvaluateProc.EvaluateResult(config.modelName(), testStore.size(), test.skipped(), predicted,
                metrics(report.filtered()), metrics(report.raw()), metrics(report.filteredHead()),
                metrics(report.filteredTail()), byRelation, (System.nanoTime() - start) / 1_000_000, config.toMap());
    }

    static Map<String, Object> metrics(LinkPredictionMetrics m) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mrr", m.mrr());
        map.put("meanRank", m.meanRank());
        map.put("hitsAt1", m.hitsAt1());
        map.put("hitsAt3", m.hitsAt3());
        map.put("hitsAt10", m.hitsAt10());
        map.put("queries", m.queries());
        return map;
    }

    private Node node(Object value) {
        return NodeArguments.node(tx, value, "triples");
    }

    /** Triples over a model's ids; those with a node or type the model does not know are counted, not kept. */
    private static final class TripleCollector {
        private final ModelIds ids;
        private final List<int[]> triples = new ArrayList<>();
        private long skipped;

        TripleCollector(ModelIds ids) {
            this.ids = ids;
        }

        void add(Node head, String type, Node tail) {
            Integer h = ids.entity(head);
            Integer r = ids.relations.get(type);
            Integer t = ids.entity(tail);
            if (h == null || r == null || t == null) {
                skipped++;
            } else {
                triples.add(new int[] {h, r, t});
            }
        }

        int size() {
            return triples.size();
        }

        long skipped() {
            return skipped;
        }

        TripleStore store() {
            int[] h = new int[triples.size()], r = new int[triples.size()], t = new int[triples.size()];
            for (int i = 0; i < triples.size(); i++) {
                h[i] = triples.get(i)[0];
                r[i] = triples.get(i)[1];
                t[i] = triples.get(i)[2];
            }
            return new TripleStore(ids.entityCount, ids.relationCount, h, r, t);
        }
    }
}
