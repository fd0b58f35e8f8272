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

import java.util.Map;
import java.util.stream.Stream;

/** Entity linking of every document of a label, written as MENTIONS relationships. */
public class AlignWriteProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.align.write", mode = Mode.WRITE)
    @Description("Aligns the text of every `documentLabel` node and writes `(doc)-[:MENTIONS {start, end, score, "
            + "mention}]->(entity)` in batched transactions; re-running replaces a document's mentions, `onlyNew` "
            + "skips documents that have some.")
    public Stream<WriteResult> write(
            @Name(value = "configuration", description = "Documents: `documentLabel`, `textProperty` (required), "
                    + "`onlyNew` (false), `batchSize` (1000). " + AlignStreamProc.DICTIONARY_DESCRIPTION
                    + AlignStreamProc.MATCHING_DESCRIPTION) Map<String, Object> configuration) {
        AlignConfig config = AlignConfig.from(configuration, AlignConfig.Mode.WRITE);
        return Stream.of(new AlignFeature(db, tx, log, guard).write(config));
    }

    public record WriteResult(
            @Description("Documents aligned.") long documents,
            @Description("Documents skipped by `onlyNew`.") long documentsSkipped,
            @Description("Documents without the text property.") long documentsWithoutText,
            @Description("MENTIONS relationships written.") long relationshipsWritten,
            @Description("Earlier MENTIONS relationships of these documents replaced.") long relationshipsDeleted,
            @Description("Milliseconds checking documents and getting the dictionary.") long preProcessingMillis,
            @Description("Milliseconds aligning.") long computeMillis,
            @Description("Milliseconds writing.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
