package io.ernieneo4j.trainer.align;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Finds the leftmost-longest, non-overlapping name matches of a text in one left-to-right pass over its tokens:
 * from each token, a walk down the dictionary's trie, following each of the token's forms (the token itself and the
 * base forms that {@link AlignParameters#inflection()} allows by WordNet's morphology, so "hot dogs" reaches "hot
 * dog"). A walk crosses clause punctuation in the text only along a name's own punctuation ("Washington, D.C."),
 * never into an ordinary name. An acronym ("DISC") is found only where the text writes the word in capitals ("DISC",
 * "DISCs", "DISC's"), and then before any other name of that spelling. Among names ending at the same token, the one
 * spelt with fewer inflected tokens wins ("being" is the noun, not "bee"). Not thread-safe: it keeps a cache of the
 * forms of the tokens it has seen; use one per thread.
 */
final class MentionMatcher {

    /** A name match: {@code text.substring(start, end)} spells the name ending at trie {@code node}. */
    record Match(int start, int end, int node) {}

    /** A name match as tokens {@code [first, end)}. */
    private record TokenMatch(int first, int end, int node) {}

    /**
     * A token's forms in the dictionary: its own id (-1 if no name has it), its base forms' ids, the trie nodes
     * that names starting with it begin at (the first step of every walk, looked up once per distinct token), and
     * the acronyms it spells, for when the text writes it in capitals.
     */
    private record TokenForms(int exact, int[] baseForms, int[] startNodes, int[] startInflections,
                              boolean startsContinue, boolean stopWord, int[] acronyms, int[] acronymInflections) {
        static final TokenForms NONE = new TokenForms(-1, new int[0], new int[0], new int[0], false, false,
                new int[0], new int[0]);
    }

    private static final String OPENING = "([{";
    private static final String CLOSING = ")]}";

    /** Enough for the working vocabulary of large collections; past it the cache starts again. */
    private static final int MAX_CACHED_FORMS = 1 << 18;

    private final AlignmentDictionary dictionary;
    private final AlignParameters parameters;
    private TokenTable surfaces = new TokenTable(1 << 12);
    private final List<TokenForms> surfaceForms = new ArrayList<>();

    // the text's tokens, reused across texts
    private int[] starts = new int[256];
    private int[] ends = new int[256];
    private boolean[] breaks = new boolean[256];
    private boolean[] capitals = new boolean[256]; // written in capitals, and an acronym's spelling
    private TokenForms[] forms = new TokenForms[256];

    // walk states: (node, inflected tokens so far), reused
    private int[] nodes = new int[16];
    private int[] inflections = new int[16];
    private int[] nextNodes = new int[16];
    private int[] nextInflections = new int[16];

    MentionMatcher(AlignmentDictionary dictionary, AlignParameters parameters) {
        this.dictionary = dictionary;
        this.parameters = parameters;
    }

    List<Match> matches(String text) {
        int count = scan(text);
        List<Match> matches = new ArrayList<>();
        int i = 0;
        while (i < count) {
            TokenMatch match = forms[i].startNodes().length > 0 || capitals[i] ? longestFrom(i, count) : null;
            if (match == null) {
                i++;
            } else {
                matches.add(balanced(text, match));
                i = match.end();
            }
        }
        return matches;
    }

    /**
     * The match's text span, taking along the brackets that a name crossing punctuation opens or closes: "Mercury
     * (planet)", not "Mercury (planet".
     */
    private Match balanced(String text, TokenMatch match) {
        int start = starts[match.first()];
        int end = ends[match.end() - 1];
        boolean crossesBreak = false;
        for (int t = match.first() + 1; t < match.end(); t++) {
            crossesBreak |= breaks[t];
        }
        if (crossesBreak) {
            int open = 0;
            int unopened = 0;
            for (int k = start; k < end; k++) {
                char c = text.charAt(k);
                if (OPENING.indexOf(c) >= 0) {
                    open++;
                } else if (CLOSING.indexOf(c) >= 0) {
                    if (open > 0) {
                        open--;
                    } else {
                        unopened++;
                    }
                }
            }
            for (; open > 0 && end < text.length() && CLOSING.indexOf(text.charAt(end)) >= 0; open--) {
                end++;
            }
            for (; unopened > 0 && start > 0 && OPENING.indexOf(text.charAt(start - 1)) >= 0; unopened--) {
                start--;
            }
        }
        return new Match(start, end, match.node());
    }

    /** The longest acceptable name starting at token {@code first}, as a token range, or null. */
    private TokenMatch longestFrom(int first, int count) {
        TokenForms start = forms[first];
        // an acronym first: at the same inflections, the first state wins
        int acronyms = capitals[first] ? start.acronyms().length : 0;
        int size = acronyms + start.startNodes().length;
        ensureStates(size);
        System.arraycopy(start.acronyms(), 0, nodes, 0, acronyms);
        System.arraycopy(start.acronymInflections(), 0, inflections, 0, acronyms);
        System.arraycopy(start.startNodes(), 0, nodes, acronyms, size - acronyms);
        System.arraycopy(start.startInflections(), 0, inflections, acronyms, size - acronyms);
        TokenMatch best = null;
        int bestInflections = Integer.MAX_VALUE;
        boolean mayContinue = start.startsContinue();
        for (int t = first; ; ) {
            for (int s = 0; s < size; s++) {
                if (dictionary.endsName(nodes[s]) && acceptable(first, t, nodes[s])) {
                    // a later token always gives a longer match; at the same token, fewer inflections win
                    if (best == null || best.end() <= t || inflections[s] < bestInflections) {
                        best = new TokenMatch(first, t + 1, nodes[s]);
                        bestInflections = inflections[s];
                    }
                }
            }
            t++;
            if (!mayContinue || t >= count || (breaks[t] && !dictionary.hasBreaks())) {
                return best;
            }
            mayContinue = true;
            TokenForms f = forms[t];
            int nextSize = 0;
            for (int s = 0; s < size; s++) {
                if (!dictionary.hasChildren(nodes[s])) {
                    continue;
                }
                // punctuation in the text is crossed only where the name has punctuation too
                int from = breaks[t] ? dictionary.child(nodes[s], AlignmentDictionary.BREAK) : nodes[s];
                if (from < 0) {
                    continue;
                }
                if (f.exact() >= 0) {
                    nextSize = step(from, f.exact(), inflections[s], nextSize);
                }
                for (int base : f.baseForms()) {
                    nextSize = step(from, base, inflections[s] + 1, nextSize);
                }
            }
            if (nextSize == 0) {
                return best;
            }
            swapStates();
            size = nextSize;
        }
    }

    private void ensureStates(int size) {
        if (size > nodes.length) {
            int capacity = Math.max(size, nodes.length * 2);
            nodes = Arrays.copyOf(nodes, capacity);
            inflections = Arrays.copyOf(inflections, capacity);
            nextNodes = Arrays.copyOf(nextNodes, capacity);
            nextInflections = Arrays.copyOf(nextInflections, capacity);
        }
    }

    /** Adds the child of {@code node} along {@code token} to the next states, keeping the fewest inflections. */
    private int step(int node, int token, int inflected, int nextSize) {
        int child = dictionary.child(node, token);
        if (child < 0) {
            return nextSize;
        }
        for (int s = 0; s < nextSize; s++) {
            if (nextNodes[s] == child) {
                nextInflections[s] = Math.min(nextInflections[s], inflected);
                return nextSize;
            }
        }
        ensureStates(nextSize + 1);
        nextNodes[nextSize] = child;
        nextInflections[nextSize] = inflected;
        return nextSize + 1;
    }

    private void swapStates() {
        int[] n = nodes;
        nodes = nextNodes;
        nextNodes = n;
        int[] i = inflections;
        inflections = nextInflections;
        nextInflections = i;
    }

    private boolean acceptable(int first, int last, int node) {
        if (ends[last] - starts[first] < parameters.minLength()) {
            return false;
        }
        if (parameters.stopWords() && first == last) {
            // an acronym in capitals is no function word ("US")
            return (!forms[first].stopWord() && !dictionary.isStopName(node)) || isAcronym(forms[first], node);
        }
        return true;
    }

    private static boolean isAcronym(TokenForms forms, int node) {
        for (int acronym : forms.acronyms()) {
            if (acronym == node) {
                return true;
            }
        }
        return false;
    }

    /** Cuts the text into tokens with their dictionary forms; returns the token count. */
    private int scan(String text) {
        TokenScanner scanner = new TokenScanner(text);
        int count = 0;
        while (scanner.next()) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
                breaks = Arrays.copyOf(breaks, count * 2);
                capitals = Arrays.copyOf(capitals, count * 2);
                forms = Arrays.copyOf(forms, count * 2);
            }
            starts[count] = scanner.start();
            ends[count] = scanner.end();
            breaks[count] = scanner.phraseBreakBefore();
            forms[count] = forms(scanner.buffer(), scanner.length());
            capitals[count] = forms[count].acronyms().length > 0
                    && TokenScanner.writtenInCapitals(text, scanner.start(), scanner.end());
            count++;
        }
        return count;
    }

    private TokenForms forms(char[] chars, int length) {
        int cached = surfaces.id(chars, length);
        if (cached >= 0) {
            return surfaceForms.get(cached);
        }
        if (surfaces.size() >= MAX_CACHED_FORMS) {
            surfaces = new TokenTable(1 << 12);
            surfaceForms.clear();
        }
        TokenForms computed = computeForms(new String(chars, 0, length));
        surfaces.add(chars, length);
        surfaceForms.add(computed);
        return computed;
    }

    /** The stem itself and the base forms that {@link AlignParameters#inflection()} allows. */
    private Collection<String> baseForms(String stem) {
        return switch (parameters.inflection()) {
            case NONE -> List.of(stem);
            case PLURAL -> dictionary.morphology().nounBaseForms(stem);
            case ALL -> dictionary.morphology().baseForms(stem);
        };
    }

    private TokenForms computeForms(String surface) {
        int exact = dictionary.token(surface.toCharArray(), surface.length());
        String stem = surface.endsWith("'s") ? surface.substring(0, surface.length() - 2) : surface;
        int[] bases = baseForms(stem).stream()
                .filter(form -> !form.equals(surface))
                .mapToInt(form -> dictionary.token(form.toCharArray(), form.length()))
                .filter(id -> id >= 0 && id != exact)
                .distinct()
                .toArray();
        boolean stopWord = StopWords.ENGLISH.contains(surface);
        if (exact < 0 && bases.length == 0 && !stopWord) {
            return TokenForms.NONE;
        }
        int[] startNodes = new int[1 + bases.length];
        int[] startInflections = new int[startNodes.length];
        int starts = 0;
        int exactStart = exact < 0 ? -1 : dictionary.child(AlignmentDictionary.ROOT, exact);
        if (exactStart >= 0) {
            startNodes[starts++] = exactStart;
        }
        for (int base : bases) {
            int node = dictionary.child(AlignmentDictionary.ROOT, base);
            if (node >= 0) {
                startNodes[starts] = node;
                startInflections[starts++] = 1;
            }
        }
        boolean startsContinue = false;
        for (int k = 0; k < starts; k++) {
            startsContinue |= dictionary.hasChildren(startNodes[k]);
        }
        int[] acronyms = new int[1 + bases.length];
        int[] acronymInflections = new int[acronyms.length];
        int acronymCount = 0;
        int exactAcronym = exact < 0 ? -1 : dictionary.acronym(exact);
        if (exactAcronym >= 0) {
            acronyms[acronymCount++] = exactAcronym;
        }
        for (int base : bases) {
            int node = dictionary.acronym(base);
            if (node >= 0) {
                acronyms[acronymCount] = node;
                acronymInflections[acronymCount++] = 1;
            }
        }
        return new TokenForms(exact, bases, Arrays.copyOf(startNodes, starts), Arrays.copyOf(startInflections, starts),
                startsContinue, stopWord, Arrays.copyOf(acronyms, acronymCount),
                Arrays.copyOf(acronymInflections, acronymCount));
    }
}
