package io.ernieneo4j.trainer.wordnet;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The 26 pointer types of WordNet 3.0 (wninput(5WN)), each with the relationship type it becomes in a graph.
 * Directions are WordNet's: a pointer goes from the synset whose line holds it to its target.
 */
public enum WordNetRelation {
    ANTONYM("!"),
    HYPERNYM("@"),
    INSTANCE_HYPERNYM("@i"),
    HYPONYM("~"),
    INSTANCE_HYPONYM("~i"),
    MEMBER_HOLONYM("#m"),
    SUBSTANCE_HOLONYM("#s"),
    PART_HOLONYM("#p"),
    MEMBER_MERONYM("%m"),
    SUBSTANCE_MERONYM("%s"),
    PART_MERONYM("%p"),
    ATTRIBUTE("="),
    DERIVATIONALLY_RELATED_FORM("+"),
    TOPIC_DOMAIN(";c"),
    TOPIC_DOMAIN_MEMBER("-c"),
    REGION_DOMAIN(";r"),
    REGION_DOMAIN_MEMBER("-r"),
    USAGE_DOMAIN(";u"),
    USAGE_DOMAIN_MEMBER("-u"),
    ENTAILMENT("*"),
    CAUSE(">"),
    ALSO_SEE("^"),
    VERB_GROUP("$"),
    SIMILAR_TO("&"),
    PARTICIPLE("<"),
    /** {@code \} : pertains to a noun (adjectives) or is derived from an adjective (adverbs). */
    PERTAINYM("\\");

    private static final Map<String, WordNetRelation> BY_SYMBOL = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(r -> r.symbol, Function.identity()));

    private final String symbol;

    WordNetRelation(String symbol) {
        this.symbol = symbol;
    }

    /** The pointer symbol in WordNet's data files. */
    public String symbol() {
        return symbol;
    }

    /** The relationship type in a graph: the enum name, e.g. {@code HYPERNYM}. */
    public String relationshipType() {
        return name();
    }

    static WordNetRelation fromSymbol(String symbol) {
        WordNetRelation relation = BY_SYMBOL.get(symbol);
        if (relation == null) {
            throw new IllegalArgumentException("Unknown WordNet pointer symbol `" + symbol + "`");
        }
        return relation;
    }
}
