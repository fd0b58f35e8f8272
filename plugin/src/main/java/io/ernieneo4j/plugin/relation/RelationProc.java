package io.ernieneo4j.plugin.relation;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.model.DocumentMentions;
import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.finetune.ErniePredictor;
import io.ernieneo4j.trainer.finetune.LabelSet;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Relation classification with a loaded ERNIE relation model: for every ordered pair of different entities mentioned
 * in the same document, the head mention wrapped in [HD] and the tail in [TL] markers, every aligned mention fed in
 * as an entity; the most probable relation is kept when it is not {@code no_relation} and reaches {@code threshold}.
 */
public class RelationProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.relation.stream", mode = Mode.READ)
    @Description("Classifies the relation between every ordered pair of entities mentioned in the same document with "
            + "a loaded ERNIE relation model; streams the pairs whose most probable relation is not `no_relation` "
            + "and reaches `threshold`.")
    public Stream<RelationResult> stream(
            @Name(value = "configuration", description = "`modelName`, `documentLabel` (required), `textProperty` "
                    + "('text'), `documents` (nodes or ids; default all), `minLinkScore` (0.0), `threshold` (0.5), "
                    + "`batchSize` (32).") Map<String, Object> configuration) {
        DocumentMentions request = DocumentMentions.from(ConfigMap.of(configuration, DocumentMentions.KEYS), tx);
        return predict(request).stream();
    }

    @Procedure(name = "ernie.relation.write", mode = Mode.WRITE)
    @Description("Classifies relations like ernie.relation.stream and writes each as "
            + "`(head)-[:RELATION {predicted: true, score, model, evidence, headStart, headEnd, tailStart, tailEnd, "
            + "predictedAt}]->(tail)`: one relationship per head, type and tail with the best evidence; pairs "
            + "already linked by a relationship of that type that was not predicted are left alone. Idempotent.")
    public Stream<WriteResult> write(
            @Name(value = "configuration", description = "As ernie.relation.stream.") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, DocumentMentions.KEYS);
        DocumentMentions request = DocumentMentions.from(config, tx);
        long start = System.nanoTime();
        Map<String, RelationResult> best = new LinkedHashMap<>();
        for (RelationResult row : predict(request)) {
            best.merge(row.headNodeId() + "|" + row.relation() + "|" + row.tailNodeId(), row,
                    (a, b) -> b.score() > a.score() ? b : a);
        }
        long computed = System.nanoTime();
        String now = ZonedDateTime.now().toString();
        long[] known = {0};
        long[] updated = {0};
        long created = BatchWriter.write(db, new ArrayList<>(best.values()), 10_000, Neo4jRun.termination(guard),
                (write, batch) -> {
                    long newEdges = 0;
                    for (RelationResult p : batch) {
                        @SuppressWarnings("deprecation") Node head = write.getNodeById(p.headNodeId());
                        @SuppressWarnings("deprecation") Node tail = write.getNodeById(p.tailNodeId());
                        Relationship edge = null;
                        boolean stated = false;
                        for (Relationship r : head.getRelationships(Direction.OUTGOING, RelationshipType.withName(p.relation()))) {
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
                            edge = head.createRelationshipTo(tail, RelationshipType.withName(p.relation()));
                            newEdges++;
                        } else {
                            updated[0]++;
                        }
                        edge.setProperty("predicted", true);
                        edge.setProperty("score", p.score());
                        edge.setProperty("model", request.modelName());
                        edge.setProperty("evidence", p.documentId());
                        edge.setProperty("headStart", p.headStart());
                        edge.setProperty("headEnd", p.headEnd());
                        edge.setProperty("tailStart", p.tailStart());
                        edge.setProperty("tailEnd", p.tailEnd());
                        edge.setProperty("predictedAt", now);
                    }
                    return newEdges;
                });
        return Stream.of(new WriteResult(best.size(), created, updated[0], known[0], (computed - start) / 1_000_000,
                (System.nanoTime() - computed) / 1_000_000, config.toMap()));
    }

    private List<RelationResult> predict(DocumentMentions request) {
        Termination termination = Neo4jRun.termination(guard);
        return ErnieModelCatalog.use(db.databaseName(), request.modelName(), model -> {
            ErniePredictor predictor = DjlRuntime.call(() ->
                    new ErniePredictor(model.loaded().model(), model.loaded().tokenizer(), model.entities()));
            List<RelationResult> rows = new ArrayList<>();
            List<DocumentMentions.Document> documents = request.read(tx);
            for (DocumentMentions.Document document : documents) {
                termination.assertRunning();
                List<RelationExample> pairs = new ArrayList<>();
                for (Mention head : document.mentions()) {
                    for (Mention tail : document.mentions()) {
                        if (!head.entity().equals(tail.entity())) {
                            pairs.add(new RelationExample(document.id() + ":" + head.start() + ">" + tail.start(),
                                    document.text(), head, tail, null, document.mentions()));
                        }
                    }
                }
                List<ErniePredictor.Prediction<RelationExample>> predictions = DjlRuntime.call(() ->
                        predictor.relation(pairs, "document " + document.id(), request.batchSize()));
                for (ErniePredictor.Prediction<RelationExample> p : predictions) {
                    if (p.probabilities() == null) {
                        continue;
                    }
                    int label = 0;
                    for (int j = 1; j < p.probabilities().length; j++) {
                        if (p.probabilities()[j] > p.probabilities()[label]) label = j;
                    }
                    String relation = predictor.labels().get(label);
                    if (!relation.equals(LabelSet.NO_RELATION) && p.probabilities()[label] >= request.threshold()) {
                        Mention h = p.example().head();
                        Mention t = p.example().tail();
                        rows.add(new RelationResult(document.id(), Long.parseLong(h.entity()), relation,
                                Long.parseLong(t.entity()), p.probabilities()[label], h.start(), h.end(), t.start(), t.end()));
                    }
                }
            }
            log.info("ernie.relation: %d documents, %d relations over the threshold", documents.size(), rows.size());
            return rows;
        });
    }

    public record RelationResult(
            @Description("The document the pair is mentioned in.") long documentId,
            @Description("The head entity node's id.") long headNodeId,
            @Description("The predicted relation.") String relation,
            @Description("The tail entity node's id.") long tailNodeId,
            @Description("Its probability.") double score,
            @Description("Start of the head mention.") long headStart,
            @Description("End of the head mention.") long headEnd,
            @Description("Start of the tail mention.") long tailStart,
            @Description("End of the tail mention.") long tailEnd) {}

    public record WriteResult(
            @Description("Distinct (head, relation, tail) predictions over the threshold.") long predictions,
            @Description("Relationships created.") long relationshipsCreated,
            @Description("Earlier predicted relationships updated.") long relationshipsUpdated,
            @Description("Predictions already stated by a relationship that was not predicted (left alone).") long alreadyKnown,
            @Description("Milliseconds predicting.") long computeMillis,
            @Description("Milliseconds writing.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
