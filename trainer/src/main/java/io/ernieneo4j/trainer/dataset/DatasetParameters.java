package io.ernieneo4j.trainer.dataset;

import java.util.List;

/**
 * How a dataset is cut from the graph.
 *
 * @param typeProperty       where the entities' types come from, for messages
 * @param relationshipTypes  relationship types that label entity pairs, in priority order
 * @param negativeRatio      {@code no_relation} pairs per related pair, sampled per split
 * @param splitRatios        shares of the documents in train, dev and test
 * @param seed               seeds the split and the negative sample
 * @param typingMinLinkScore the linker score a mention needs to become a typing example (its label is the linked
 *                           entity's type, so a wrong link is a wrong label); the mention is still an entity input
 *                           of every example of its document
 */
public record DatasetParameters(String typeProperty, List<String> relationshipTypes, double negativeRatio, List<Double> splitRatios,
                                long seed, double typingMinLinkScore) {

    public DatasetParameters {
        relationshipTypes = List.copyOf(relationshipTypes);
        splitRatios = List.copyOf(splitRatios);
    }
}
