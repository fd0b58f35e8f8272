package io.ernieneo4j.trainer.dataset;

import io.ernieneo4j.trainer.data.Mention;

import java.util.List;

/**
 * What a dataset is built from, read from a graph: documents with their linked mentions, and each entity's types and
 * relationships. Entities are named by the keys of the TransE model whose vectors go with the dataset.
 */
public interface DatasetGraph {

    /** A document's text and linked mentions (by start), with each mention's linker score (same order). */
    record Document(String id, String text, List<Mention> mentions, List<Double> scores) {}

    /**
     * A relationship of an entity, other than a mention.
     *
     * @param outgoing  whether the entity is its start node
     * @param predicted whether a model wrote it (no fact to learn from, but its pair is no {@code no_relation})
     */
    record Relationship(String type, String other, boolean outgoing, boolean predicted) {}

    /** The documents with text and at least one mention, in a stable order (the split's shuffle starts from it). */
    List<Document> documents();

    /** The entity's types: none when it has none. */
    List<String> types(String entity);

    /** The entity's relationships other than mentions. */
    List<Relationship> relationships(String entity);
}
