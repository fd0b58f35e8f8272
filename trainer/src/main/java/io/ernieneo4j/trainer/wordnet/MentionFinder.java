package io.ernieneo4j.trainer.wordnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds where a lemma (or an inflected form of it) is mentioned in a text, on word boundaries, case-insensitively:
 * "Canis_familiaris" in "... Canis familiaris ...", "dog" in "the dogs barked". Offsets are UTF-16 character offsets
 * into the text, end exclusive, as Java's {@link String#substring(int, int)} takes them.
 */
public final class MentionFinder {

    /** A mention: {@code text.substring(start, end)}. */
    public record Span(int start, int end) {}

    private final Morphology morphology;

    public MentionFinder(Morphology morphology) {
        this.morphology = morphology;
    }

    /** A text cut into words, each with its base forms, ready for many lemma look-ups. */
    public final class Words {
        private final List<Span> spans = new ArrayList<>();
        private final List<String> exact = new ArrayList<>();
        private final List<Set<String>> bases = new ArrayList<>();

        private Words(String text) {
            int i = 0;
            int n = text.length();
            while (i < n) {
                if (!isWordChar(text.charAt(i))) {
                    i++;
                    continue;
                }
                int start = i;
                while (i < n && (isWordChar(text.charAt(i)) || isInnerPunct(text, i))) {
                    i++;
                }
                String word = text.substring(start, i);
                spans.add(new Span(start, i));
                exact.add(word.toLowerCase(Locale.ROOT));
                bases.add(morphology.baseForms(word));
            }
        }

        /**
         * The first mention of {@code lemma} ({@code _} or space between its words); with {@code inflected} the
         * text's words may be inflected forms of the lemma's.
         */
        public Optional<Span> find(String lemma, boolean inflected) {
            String[] parts = lemma.toLowerCase(Locale.ROOT).replace('_', ' ').split("[\\s]+");
            outer:
            for (int i = 0; i + parts.length <= exact.size(); i++) {
                for (int j = 0; j < parts.length; j++) {
                    boolean same = exact.get(i + j).equals(parts[j]);
                    if (!same && !(inflected && bases.get(i + j).contains(parts[j]))) {
                        continue outer;
                    }
                }
                return Optional.of(new Span(spans.get(i).start(), spans.get(i + parts.length - 1).end()));
            }
            return Optional.empty();
        }
    }

    public Words words(String text) {
        return new Words(text);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c);
    }

    /** A hyphen, apostrophe or period inside a word ("well-known", "o'clock", "St.John") keeps it one word. */
    private static boolean isInnerPunct(String text, int i) {
        char c = text.charAt(i);
        return (c == '-' || c == '\'' || c == '.') && i + 1 < text.length() && isWordChar(text.charAt(i + 1));
    }
}
