package io.ernieneo4j.trainer.data;

import java.util.List;

/**
 * One relation-classification item (one JSON line): the relation from the entity at {@code head} to the one at
 * {@code tail}.
 *
 * @param entities every aligned mention of the text, head and tail included
 */
public record RelationExample(String id, String text, Mention head, Mention tail, String label, List<Mention> entities) {}
