package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.trainer.wordnet.WordNet;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.Map;
import java.util.stream.Stream;

/** {@code ernie.dataset.wordnet.load}: WordNet 3.0 as a real knowledge graph with real text. */
public class WordNetLoadProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    // SCHEMA: it also creates the uniqueness constraint on :Synset(id) that makes the merge idempotent and fast.
    @Procedure(name = "ernie.dataset.wordnet.load", mode = Mode.SCHEMA)
    @Description("Loads WordNet 3.0 (bundled with the plugin) as `(:Synset {id, pos, lexname, lemmas, definition, "
            + "examples, frequency})` nodes and one relationship type per WordNet relation, in batched transactions; "
            + "all of it, or with `root` the closure under hyponymy of one synset. Idempotent.")
    public Stream<WordNetLoadResult> load(
            @Name(value = "configuration", defaultValue = "{}",
                    description = "`root` (a synset id such as '01861778-n'; default: all of WordNet), "
                            + "`batchSize` (default 10000).")
            Map<String, Object> configuration) {
        WordNetLoadConfig config = WordNetLoadConfig.from(configuration);
        long start = System.nanoTime();
        WordNet all = WordNet.load();
        WordNet wordNet = config.root().map(all::closure).orElse(all);
        long read = System.nanoTime();
        var counts = new WordNetImport(db, log, guard, config.batchSize()).write(wordNet);
        long written = System.nanoTime();
        return Stream.of(new WordNetLoadResult(
                config.root().orElse(null),
                wordNet.synsets().size(),
                wordNet.pointers().size(),
                counts.nodesCreated(),
                counts.relationshipsCreated(),
                (read - start) / 1_000_000,
                (written - read) / 1_000_000,
                config.toMap()));
    }

    public record WordNetLoadResult(
            @Description("The root synset, or null for all of WordNet.") String root,
            @Description("Synsets in the loaded set.") long nodeCount,
            @Description("Synset-to-synset pointers in the loaded set.") long relationshipCount,
            @Description("Synset nodes this call created (0 when already loaded).") long nodesCreated,
            @Description("Relationships this call created (0 when already loaded).") long relationshipsCreated,
            @Description("Milliseconds spent reading WordNet.") long preProcessingMillis,
            @Description("Milliseconds spent writing to the graph.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
