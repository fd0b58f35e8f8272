package io.ernieneo4j.trainer.wordnet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * English base forms of a word, as WordNet's morphy finds them: the irregular forms of its exception lists
 * ({@code noun.exc}, {@code verb.exc}, {@code adj.exc}, {@code adv.exc}: "geese" → "goose") and its detachment rules
 * ("dogs" → "dog", "barked" → "bark", "flies" → "fly"). Candidates are not checked against a dictionary: a caller
 * compares them with the lemmas it is looking for. {@link #baseForms} applies the rules and exceptions of every part
 * of speech at once ("transporter" → "transport" by the adjectives' comparative rule); {@link #nounBaseForms} only
 * the nouns' ("transports" → "transport", "geese" → "goose").
 */
public final class Morphology {

    /** morphy's detachment rules, all parts of speech together: {suffix, replacement}. */
    private static final String[][] RULES = {
            {"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"},
            {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""},
            {"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};
    /** morphy's detachment rules for nouns: plurals. */
    private static final String[][] NOUN_RULES = {
            {"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"},
            {"ies", "y"}};
    private static final String NOUN_EXCEPTIONS = "noun.exc";
    private static final String[] EXCEPTION_FILES = {NOUN_EXCEPTIONS, "verb.exc", "adj.exc", "adv.exc"};

    private static volatile Morphology instance;

    private final Map<String, List<String>> exceptions;
    private final Map<String, List<String>> nounExceptions;

    private Morphology(Map<String, List<String>> exceptions, Map<String, List<String>> nounExceptions) {
        this.exceptions = exceptions;
        this.nounExceptions = nounExceptions;
    }

    /** WordNet 3.0's morphology, read once. */
    public static Morphology load() {
        Morphology morphology = instance;
        if (morphology == null) {
            synchronized (Morphology.class) {
                if (instance == null) {
                    instance = new Morphology(readExceptions(EXCEPTION_FILES),
                            readExceptions(new String[] {NOUN_EXCEPTIONS}));
                }
                morphology = instance;
            }
        }
        return morphology;
    }

    /** The word itself (lower-cased) followed by every base form morphy could derive from it. */
    public Set<String> baseForms(String word) {
        return baseForms(word, exceptions, RULES);
    }

    /** The word itself (lower-cased) followed by the singulars morphy could derive from it as a plural noun. */
    public Set<String> nounBaseForms(String word) {
        return baseForms(word, nounExceptions, NOUN_RULES);
    }

    private static Set<String> baseForms(String word, Map<String, List<String>> exceptions, String[][] rules) {
        String w = word.toLowerCase(Locale.ROOT);
        Set<String> forms = new LinkedHashSet<>(4);
        forms.add(w);
        forms.addAll(exceptions.getOrDefault(w, List.of()));
        for (String[] rule : rules) {
            if (w.length() > rule[0].length() + 1 && w.endsWith(rule[0])) {
                forms.add(w.substring(0, w.length() - rule[0].length()) + rule[1]);
            }
        }
        return forms;
    }

    private static Map<String, List<String>> readExceptions(String[] files) {
        Map<String, List<String>> exceptions = new HashMap<>(8_000);
        for (String file : files) {
            InputStream in = Morphology.class.getResourceAsStream(WordNet.RESOURCE_DIR + file);
            if (in == null) {
                throw new IllegalStateException("WordNet's " + file + " is not on the class path.");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String[] f = line.trim().split(" ");
                    if (f.length >= 2) {
                        // multi-word forms use '_' in these files, like the lemmas
                        exceptions.computeIfAbsent(f[0].replace('_', ' '), k -> new java.util.ArrayList<>(1))
                                .addAll(java.util.Arrays.stream(f, 1, f.length).map(s -> s.replace('_', ' ')).toList());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read WordNet's " + file, e);
            }
        }
        exceptions.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(exceptions);
    }
}
