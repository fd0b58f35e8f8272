package io.ernieneo4j.trainer.data;

import java.util.List;

/**
 * One entity-typing item (one JSON line): the types of the entity mentioned at {@code mention}.
 *
 * @param entities every aligned mention of the text, {@code mention} included: the entity input of ERNIE
 */
public record TypingExample(String id, String text, Mention mention, List<String> labels, List<Mention> entities) {}
