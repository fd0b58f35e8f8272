package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.trainer.wordnet.Pointer;
import io.ernieneo4j.trainer.wordnet.Synset;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetRelation;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryStatistics;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.TerminationGuard;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes WordNet synsets as {@code (:Synset)} nodes and pointers as one relationship type per WordNet relation, in
 * batched transactions. Idempotent: nodes are merged on {@code id} (a uniqueness constraint backs it) and
 * relationships on their two ends and type, so a second load creates nothing.
 *
 * <p>Each batch commits on its own, as GDS's writes do: a run terminated midway leaves the batches already
 * committed, and running it again completes the load.
 */
final class WordNetImport {

    static final String LABEL = "Synset";
    private static final String CONSTRAINT = "CREATE CONSTRAINT ernie_synset_id IF NOT EXISTS "
            + "FOR (s:" + LABEL + ") REQUIRE s.id IS UNIQUE";
    private static final String MERGE_SYNSETS = "UNWIND $rows AS row "
            + "MERGE (s:" + LABEL + " {id: row.id}) "
            + "SET s.pos = row.pos, s.lexname = row.lexname, s.lemmas = row.lemmas, s.definition = row.definition, "
            + "s.examples = row.examples, s.frequency = row.frequency";

    private final GraphDatabaseService db;
    private final Log log;
    private final TerminationGuard guard;
    private final int batchSize;

    WordNetImport(GraphDatabaseService db, Log log, TerminationGuard guard, int batchSize) {
        this.db = db;
        this.log = log;
        this.guard = guard;
        this.batchSize = batchSize;
    }

    record Counts(long nodesCreated, long relationshipsCreated) {}

    Counts write(WordNet wordNet) {
        try (Transaction tx = db.beginTx()) {
            tx.execute(CONSTRAINT).close();
            tx.commit();
        }
        try (Transaction tx = db.beginTx()) {
            tx.schema().awaitIndexesOnline(5, TimeUnit.MINUTES);
        }

        List<Map<String, Object>> synsetRows = new ArrayList<>(wordNet.synsets().size());
        for (Synset s : wordNet.synsets().values()) {
            Map<String, Object> row = new HashMap<>(8);
            row.put("id", s.id());
            row.put("pos", s.pos());
            row.put("lexname", s.lexname());
            row.put("lemmas", s.lemmas());
            row.put("definition", s.definition());
            row.put("examples", s.examples());
            row.put("frequency", s.frequency());
            synsetRows.add(row);
        }
        long nodesCreated = writeInBatches("synsets", MERGE_SYNSETS, synsetRows);

        Map<WordNetRelation, List<Map<String, Object>>> byRelation = new EnumMap<>(WordNetRelation.class);
        for (Pointer p : wordNet.pointers()) {
            byRelation.computeIfAbsent(p.relation(), r -> new ArrayList<>()).add(Map.of("s", p.source(), "t", p.target()));
        }
        long relationshipsCreated = 0;
        for (var entry : byRelation.entrySet()) {
            // A relationship type cannot be a parameter of MERGE; these come from a closed enum, never from a user.
            String query = "UNWIND $rows AS row "
                    + "MATCH (a:" + LABEL + " {id: row.s}) MATCH (b:" + LABEL + " {id: row.t}) "
                    + "MERGE (a)-[:" + entry.getKey().relationshipType() + "]->(b)";
            relationshipsCreated += writeInBatches(entry.getKey().relationshipType(), query, entry.getValue());
        }
        return new Counts(nodesCreated, relationshipsCreated);
    }

    /** Runs {@code query} over the rows in batches; returns the nodes and relationships it created. */
    private long writeInBatches(String what, String query, List<Map<String, Object>> rows) {
        long created = BatchWriter.write(db, rows, batchSize, Neo4jRun.termination(guard), (tx, batch) -> {
            try (Result result = tx.execute(query, Map.of("rows", batch))) {
                result.accept(row -> true);
                QueryStatistics stats = result.getQueryStatistics();
                return stats.getNodesCreated() + stats.getRelationshipsCreated();
            }
        });
        log.info("ernie.dataset.wordnet.load: %s: %d rows, %d created", what, rows.size(), created);
        return created;
    }
}
