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

/** Entity linking of one text against the graph's names. */
public class AlignStreamProc {

    static final String DICTIONARY_DESCRIPTION = "Dictionary: `entityLabels` (required), `nameProperties` ('name'; "
            + "strings or lists of strings, `_` as space; the first property's first name is primary), "
            + "`primaryNameWeight` (10: a factor on the prior of a primary name), `priorProperty` (numeric; default "
            + "the node degree), `embeddingProperty` (float array, e.g. TransE, for context), `acronymCase` (true: "
            + "a name such as 'GAS' matches only text in capitals).";
    static final String MATCHING_DESCRIPTION = " Matching: `minLength` (2), `stopWords` (true), `minScore` (0.0), "
            + "`contextWeight` (0.5), `maxCandidates` (5), `inflection` ('plural' nouns, 'all' parts of speech, "
            + "'none'), `maxTextLength` (1000000 characters). Reading the sentence: `model` (a loaded linking model) "
            + "with `descriptionProperty` (each entity's description, a string); scores become its probabilities.";

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.align.stream", mode = Mode.READ)
    @Description("Finds the mentions of graph entities in a text (longest names on word boundaries, inflections "
            + "included) and links each to its most likely node by prior and context; writes nothing.")
    public Stream<StreamResult> stream(
            @Name(value = "text", description = "The text to align.") String text,
            @Name(value = "configuration", description = DICTIONARY_DESCRIPTION + MATCHING_DESCRIPTION)
            Map<String, Object> configuration) {
        AlignConfig config = AlignConfig.from(configuration, AlignConfig.Mode.STREAM);
        return new AlignFeature(db, tx, log, guard).stream(text, config);
    }

    public record StreamResult(
            @Description("The mention as written in the text.") String mention,
            @Description("UTF-16 offset of its first character, as Cypher's substring counts.") long start,
            @Description("Offset just past its last character.") long end,
            @Description("The linked node's internal id.") long nodeId,
            @Description("Linking score in [0, 1].") double score,
            @Description("The runner-up candidates, best first: `nodeId`, `score`, `prior` (and `coherence` with "
                    + "context).") List<Map<String, Object>> candidates) {}
}
