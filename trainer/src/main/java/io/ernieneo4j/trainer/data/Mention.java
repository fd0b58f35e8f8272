package io.ernieneo4j.trainer.data;

/**
 * An entity mention: {@code text.substring(start, end)} (UTF-16 offsets, end exclusive) aligned to an entity id.
 *
 * @param entity the entity's id in the knowledge graph (e.g. a WordNet synset id {@code 02084071-n})
 */
public record Mention(int start, int end, String entity) {
    public Mention {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("A mention needs 0 <= start < end, got [" + start + ", " + end + ")");
        }
    }
}
