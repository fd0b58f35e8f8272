package io.ernieneo4j.plugin.align;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The linker measured against gold links the user holds, before anything is written. */
public class AlignEvaluateProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.align.evaluate", mode = Mode.READ)
    @Description("Aligns the documents that have gold links, exactly as `ernie.align.write` would, and scores the "
            + "linker against the gold: mention recall, linking accuracy, precision, recall and F1 by mention and by "
            + "document, and the most frequent errors; writes nothing.")
    public Stream<EvaluateResult> evaluate(
            @Name(value = "configuration", description = "Gold: `goldRelationshipType` (`(document)-[:TYPE {start, "
                    + "end}]->(entity)`) or `gold` (a list of {document, start, end, node}); `maxConfusions` (10). "
                    + "Documents: `documentLabel`, `textProperty` (required). "
                    + AlignStreamProc.DICTIONARY_DESCRIPTION + AlignStreamProc.MATCHING_DESCRIPTION)
            Map<String, Object> configuration) {
        AlignEvaluateConfig config = AlignEvaluateConfig.from(configuration);
        return Stream.of(new AlignFeature(db, tx, log, guard).evaluate(config));
    }

    public record EvaluateResult(
            @Description("Documents with gold links, aligned and scored.") long documents,
            @Description("Gold links.") long goldMentions,
            @Description("Predicted mentions overlapping a gold span (others are unmarked, neither right nor "
                    + "wrong).") long predictedMentions,
            @Description("Gold spans the linker found exactly.") long mentionsFound,
            @Description("Gold spans found and linked to the gold node.") long correctLinks,
            @Description("mentionsFound / goldMentions.") double mentionRecall,
            @Description("correctLinks / mentionsFound: disambiguation alone.") double linkingAccuracy,
            @Description("correctLinks / predictedMentions.") double precision,
            @Description("correctLinks / goldMentions: finding and linking together.") double recall,
            @Description("Harmonic mean of precision and recall.") double f1,
            @Description("Mean over documents of each document's recall.") double documentMacroRecall,
            @Description("Share of documents whose every gold link is right.") double documentAccuracy,
            @Description("Expected calibration error of the linked score at found spans (10 bins): 0 when a score of "
                    + "0.8 is right 80% of the time.") double calibrationError,
            @Description("The most frequent errors at found spans: `mention`, `goldNodeId`, `predictedNodeId`, "
                    + "`count`.") List<Map<String, Object>> confusions,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
