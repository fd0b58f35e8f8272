package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.trainer.data.Split;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.wordnet.Morphology;
import io.ernieneo4j.trainer.wordnet.WordNet;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets.LinkPredictionVariant;
import io.ernieneo4j.trainer.wordnet.WordNetDatasets;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** {@code ernie.dataset.wordnet.split}: marks the loaded WordNet's relationships with a link-prediction split. */
public class WordNetSplitProc {

    private static final Set<String> KEYS = Set.of("variant", "seed", "property", "batchSize");

    @Context
    public GraphDatabaseService db;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.dataset.wordnet.split", mode = Mode.WRITE)
    @Description("Marks the loaded WordNet's relationships that belong to a WN18-like or WN18RR-like "
            + "link-prediction split with `property` = 'train', 'dev' or 'test' (seeded, reproducible; the same "
            + "split the trainer's files hold), ready for ernie.transe.train and ernie.transe.evaluate. Idempotent.")
    public Stream<SplitResult> split(
            @Name(value = "configuration", defaultValue = "{}", description = "`variant` ('WN18RR'|'WN18'), "
                    + "`seed` (42), `property` ('split'), `batchSize` (10000).") Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, KEYS);
        LinkPredictionVariant variant = LinkPredictionVariant.valueOf(
                config.oneOf("variant", "WN18RR", List.of("WN18RR", "WN18")).toUpperCase(Locale.ROOT));
        long seed = config.longValue("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
        String property = config.string("property", "split");
        int batchSize = config.intValue("batchSize", 10_000, 1, 1_000_000);
        Split<Triple> split = new WordNetDatasets(WordNet.load(), Morphology.load()).linkPrediction(variant, seed);

        Map<String, Long> marked = new LinkedHashMap<>();
        for (var part : List.of(Map.entry("train", split.train()), Map.entry("dev", split.dev()),
                Map.entry("test", split.test()))) {
            Map<String, List<Map<String, Object>>> byType = new TreeMap<>();
            for (Triple t : part.getValue()) {
                byType.computeIfAbsent(t.relation(), r -> new ArrayList<>())
                        .add(Map.of("h", t.head(), "t", t.tail(), "props", Map.of(property, part.getKey())));
            }
            long count = 0;
            for (var entry : byType.entrySet()) {
                // types come from WordNet's closed set of relations, never from the user
                String query = "UNWIND $rows AS row MATCH (a:Synset {id: row.h})-[r:" + entry.getKey()
                        + "]->(b:Synset {id: row.t}) SET r += row.props RETURN count(r) AS c";
                count += BatchWriter.write(db, entry.getValue(), batchSize, Neo4jRun.termination(guard), (tx, batch) -> {
                    try (Result result = tx.execute(query, Map.of("rows", batch))) {
                        return ((Number) result.next().get("c")).longValue();
                    }
                });
            }
            marked.put(part.getKey(), count);
        }
        if (marked.values().stream().mapToLong(Long::longValue).sum() == 0) {
            throw new IllegalArgumentException("No relationship of the " + variant + " split is in the graph: "
                    + "load WordNet first with ernie.dataset.wordnet.load().");
        }
        return Stream.of(new SplitResult(variant.name(), seed, property, split.train().size(), split.dev().size(),
                split.test().size(), marked.get("train"), marked.get("dev"), marked.get("test"), config.toMap()));
    }

    public record SplitResult(
            @Description("WN18 or WN18RR.") String variant,
            @Description("The seed of the split.") long seed,
            @Description("The relationship property marked.") String property,
            @Description("Training triples in the split.") long trainTriples,
            @Description("Validation triples in the split.") long devTriples,
            @Description("Test triples in the split.") long testTriples,
            @Description("Relationships marked 'train' in the graph.") long trainMarked,
            @Description("Relationships marked 'dev' in the graph.") long devMarked,
            @Description("Relationships marked 'test' in the graph.") long testMarked,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
