package io.ernieneo4j.trainer.align;

import java.util.List;

/**
 * A mention found in a text and the entities it may refer to, best first.
 *
 * @param start      UTF-16 offset of the mention's first character in the original text
 * @param end        offset just past its last character: the mention is {@code text.substring(start, end)}
 * @param mention    that substring
 * @param candidates the best {@code maxCandidates} entities, by descending score (ties: dictionary order)
 */
public record LinkedMention(int start, int end, String mention, List<Candidate> candidates) {

    /**
     * One entity a mention may refer to.
     *
     * @param entityId  the id the dictionary was built with (a Neo4j node id in the plugin)
     * @param score     the linking score in [0, 1]
     * @param prior     the entity's share of the name's prior, in [0, 1]
     * @param coherence how close the entity is to the other mentions' candidates, in [0, 1]; NaN without context
     */
    public record Candidate(long entityId, double score, double prior, double coherence) {}

    public Candidate best() {
        return candidates.get(0);
    }
}
