package io.ernieneo4j.trainer.wordnet;

/** A WordNet pointer lifted to synsets: {@code (source)-[relation]->(target)}. */
public record Pointer(String source, WordNetRelation relation, String target) {}
