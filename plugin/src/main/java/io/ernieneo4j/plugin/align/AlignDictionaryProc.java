package io.ernieneo4j.plugin.align;

import io.ernieneo4j.trainer.align.AlignmentDictionary;
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

/** The alignment dictionary kept for a configuration: rebuild it on demand and describe it. */
public class AlignDictionaryProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.align.dictionary.refresh", mode = Mode.READ)
    @Description("Rebuilds the alignment dictionary of a configuration from the graph now (it is otherwise rebuilt "
            + "on first use after the graph changed) and reports its size.")
    public Stream<RefreshResult> refresh(
            @Name(value = "configuration", description = AlignStreamProc.DICTIONARY_DESCRIPTION)
            Map<String, Object> configuration) {
        AlignConfig config = AlignConfig.from(configuration, AlignConfig.Mode.REFRESH);
        DictionaryCache.Cached cached = new AlignFeature(db, tx, log, guard).dictionary(config.dictionary(), true);
        AlignmentDictionary d = cached.dictionary();
        return Stream.of(new RefreshResult(d.entityCount(), d.nameCount(), d.tokenCount(), d.embeddedEntityCount(),
                d.dimensions(), d.memoryBytes(), cached.buildMillis(), config.toMap()));
    }

    public record RefreshResult(
            @Description("Entity nodes read.") long entityCount,
            @Description("Distinct (name, entity) pairs.") long nameCount,
            @Description("Distinct normalised name tokens.") long tokenCount,
            @Description("Entities with an embedding.") long embeddedEntityCount,
            @Description("Embedding length; 0 without `embeddingProperty`.") long embeddingDimensions,
            @Description("Bytes the dictionary holds.") long memoryBytes,
            @Description("Milliseconds reading the graph and building.") long buildMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
