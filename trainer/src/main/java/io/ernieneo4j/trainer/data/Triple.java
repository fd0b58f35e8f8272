package io.ernieneo4j.trainer.data;

/** A knowledge-graph fact {@code (head, relation, tail)}; a TSV line {@code head<TAB>relation<TAB>tail}. */
public record Triple(String head, String relation, String tail) {}
