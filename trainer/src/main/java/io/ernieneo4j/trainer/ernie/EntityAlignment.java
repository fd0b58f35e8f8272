package io.ernieneo4j.trainer.ernie;

import io.ernieneo4j.trainer.data.Mention;

import java.util.Arrays;
import java.util.List;

/**
 * Entities aligned to word pieces as the reference aligns them: an entity goes on the piece whose span starts exactly
 * at the mention's start (its first word piece); every other piece holds no entity. Where the reference silently
 * drops a mention, this counts it: a start that is no piece start (inside a word, or cut off by truncation), or an
 * entity the table does not hold.
 *
 * @param rows             per piece, the entity table row aligned to it, or -1
 * @param aligned          mentions placed
 * @param offsetMisses     mentions whose start is no piece's start
 * @param unknownEntities  mentions of entities missing from the table
 */
public record EntityAlignment(int[] rows, int aligned, int offsetMisses, int unknownEntities) {

    public static EntityAlignment align(TokenizedText text, List<Mention> mentions, EntityTable entities) {
        int[] rows = new int[text.length()];
        Arrays.fill(rows, -1);
        int aligned = 0;
        int offsetMisses = 0;
        int unknown = 0;
        for (Mention mention : mentions) {
            int piece = text.pieceStartingAt(mention.start());
            var row = entities.row(mention.entity());
            if (piece < 0) {
                offsetMisses++;
            } else if (row.isEmpty()) {
                unknown++;
            } else {
                rows[piece] = row.getAsInt();
                aligned++;
            }
        }
        return new EntityAlignment(rows, aligned, offsetMisses, unknown);
    }

    public int dropped() {
        return offsetMisses + unknownEntities;
    }
}
