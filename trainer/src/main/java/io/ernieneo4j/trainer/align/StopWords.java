package io.ernieneo4j.trainer.align;

import java.util.Set;

/**
 * English function words that are also dictionary names (WordNet has "a" for vitamin A, "in" for inch, "it" for
 * information technology, "be", "have", "do" as verbs, ...): with the stop-word filter on, a one-word mention is
 * dropped when its text or its name is one of these. Contractions are included because morphology would otherwise
 * turn "has" into "ha" (hectare) and "does" into "doe". Modals that are common nouns too ("can", "may", "will",
 * "must") are left out on purpose.
 */
final class StopWords {

    static final Set<String> ENGLISH = Set.of(
            "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
            "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
            "could", "did", "do", "does", "doing", "don't", "down", "during",
            "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
            "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "it's", "its", "itself",
            "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now",
            "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
            "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
            "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
            "under", "until", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while",
            "who", "whom", "why", "with", "would", "yet", "you", "your", "yours", "yourself", "yourselves");

    private StopWords() {}
}
