package io.ernieneo4j.trainer.wordnet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WordNet 3.0 as synsets and synset-to-synset pointers, read from the Princeton data files that
 * {@code net.sf.extjwnl:extjwnl-data-wn30} ships as class-path resources.
 *
 * <p>Word-to-word (lexical) pointers such as antonyms are lifted to their synsets; a pointer that then repeats
 * an existing {@code (source, relation, target)} is kept once.
 */
public final class WordNet {

    /** Where extjwnl-data-wn30 keeps the Princeton files. */
    static final String RESOURCE_DIR = "/net/sf/extjwnl/data/wordnet/wn30/";
    private static final String[] DATA_FILES = {"data.noun", "data.verb", "data.adj", "data.adv"};
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern SYNTACTIC_MARKER = Pattern.compile("\\((?:a|p|ip)\\)$");
    private static final Pattern SYNSET_ID = Pattern.compile("\\d{8}-[nvar]");

    private static volatile WordNet full;

    private final Map<String, Synset> synsets;
    private final List<Pointer> pointers;

    private WordNet(Map<String, Synset> synsets, List<Pointer> pointers) {
        this.synsets = Collections.unmodifiableMap(synsets);
        this.pointers = Collections.unmodifiableList(pointers);
    }

    /** All of WordNet 3.0, read once per class loader and shared (it is immutable). */
    public static WordNet load() {
        WordNet wordNet = full;
        if (wordNet == null) {
            synchronized (WordNet.class) {
                if (full == null) {
                    full = read();
                }
                wordNet = full;
            }
        }
        return wordNet;
    }

    /** Synsets by id, in file order (nouns, verbs, adjectives, adverbs). */
    public Map<String, Synset> synsets() {
        return synsets;
    }

    public List<Pointer> pointers() {
        return pointers;
    }

    public Synset synset(String id) {
        return synsets.get(id);
    }

    /** Pointer counts per relation. */
    public Map<WordNetRelation, Integer> pointerCounts() {
        Map<WordNetRelation, Integer> counts = new EnumMap<>(WordNetRelation.class);
        for (Pointer p : pointers) {
            counts.merge(p.relation(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The sub-graph under {@code rootId}: the root and everything reachable through hyponym and instance-hyponym
     * pointers, with every pointer whose two ends are both inside.
     *
     * @throws IllegalArgumentException when the id is malformed or names no synset
     */
    public WordNet closure(String rootId) {
        requireSynset(rootId);
        Map<String, List<String>> narrower = new HashMap<>();
        for (Pointer p : pointers) {
            if (p.relation() == WordNetRelation.HYPONYM || p.relation() == WordNetRelation.INSTANCE_HYPONYM) {
                narrower.computeIfAbsent(p.source(), k -> new ArrayList<>()).add(p.target());
            }
        }
        Set<String> members = new LinkedHashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        queue.add(rootId);
        members.add(rootId);
        while (!queue.isEmpty()) {
            for (String child : narrower.getOrDefault(queue.poll(), List.of())) {
                if (members.add(child)) {
                    queue.add(child);
                }
            }
        }
        Map<String, Synset> inside = new LinkedHashMap<>();
        for (Synset s : synsets.values()) {
            if (members.contains(s.id())) {
                inside.put(s.id(), s);
            }
        }
        List<Pointer> edges = new ArrayList<>();
        for (Pointer p : pointers) {
            if (members.contains(p.source()) && members.contains(p.target())) {
                edges.add(p);
            }
        }
        return new WordNet(inside, edges);
    }

    /**
     * Checks that {@code id} is a synset id of this WordNet.
     *
     * @throws IllegalArgumentException naming the id and the expected form
     */
    public Synset requireSynset(String id) {
        if (id == null || !SYNSET_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`%s` is not a WordNet synset id: expected 8 digits, a dash and a part of speech (n, v, a, r), "
                            + "e.g. `02084071-n` for dog.", id));
        }
        Synset synset = synsets.get(id);
        if (synset == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "There is no synset `%s` in WordNet 3.0.", id));
        }
        return synset;
    }

    private static WordNet read() {
        List<String> lexnames = readLexnames();
        Map<String, Integer> frequencies = readSenseFrequencies();
        Map<String, Synset> synsets = new LinkedHashMap<>(150_000);
        Set<Pointer> pointers = new LinkedHashSet<>(500_000);
        for (String file : DATA_FILES) {
            try (BufferedReader reader = open(file)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.startsWith("  ")) { // two spaces: the licence header
                        parseDataLine(line, lexnames, frequencies, synsets, pointers);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read WordNet's " + file, e);
            }
        }
        return new WordNet(synsets, new ArrayList<>(pointers));
    }

    /** {@code offset lex_filenum ss_type w_cnt {word lex_id} p_cnt {symbol offset pos src/tgt} [frames] | gloss}. */
    private static void parseDataLine(String line, List<String> lexnames, Map<String, Integer> frequencies,
                                      Map<String, Synset> synsets, Set<Pointer> pointers) {
        int bar = line.indexOf(" | ");
        String[] f = (bar < 0 ? line : line.substring(0, bar)).trim().split(" ");
        String gloss = bar < 0 ? "" : line.substring(bar + 3).trim();
        int i = 0;
        String offset = f[i++];
        String lexname = lexnames.get(Integer.parseInt(f[i++]));
        String pos = foldPos(f[i++]);
        String id = offset + "-" + pos;
        int words = Integer.parseInt(f[i++], 16);
        List<String> lemmas = new ArrayList<>(words);
        for (int w = 0; w < words; w++) {
            lemmas.add(SYNTACTIC_MARKER.matcher(f[i]).replaceFirst(""));
            i += 2; // word, lex_id
        }
        int pointerCount = Integer.parseInt(f[i++]);
        for (int p = 0; p < pointerCount; p++) {
            WordNetRelation relation = WordNetRelation.fromSymbol(f[i]);
            String target = f[i + 1] + "-" + foldPos(f[i + 2]);
            pointers.add(new Pointer(id, relation, target));
            i += 4;
        }
        int quote = gloss.indexOf('"');
        String definition = (quote < 0 ? gloss : gloss.substring(0, quote)).trim();
        definition = definition.replaceAll("[;\\s]+$", "");
        List<String> examples = new ArrayList<>();
        if (quote >= 0) {
            Matcher m = QUOTED.matcher(gloss.substring(quote));
            while (m.find()) {
                String example = m.group(1).trim();
                if (!example.isEmpty()) {
                    examples.add(example);
                }
            }
        }
        synsets.put(id, new Synset(id, pos, lexname, List.copyOf(lemmas), definition, List.copyOf(examples),
                frequencies.getOrDefault(id, 0)));
    }

    /** {@code lexnames}: {@code 03	noun.Tops	1}, indexed by the number. */
    private static List<String> readLexnames() {
        List<String> names = new ArrayList<>();
        try (BufferedReader reader = open("lexnames")) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2) {
                    int number = Integer.parseInt(f[0]);
                    while (names.size() <= number) {
                        names.add(null);
                    }
                    names.set(number, f[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read WordNet's lexnames", e);
        }
        return names;
    }

    /** {@code index.sense}: {@code dog%1:05:00:: 02084071 1 42}; tag counts summed per synset. */
    private static Map<String, Integer> readSenseFrequencies() {
        Map<String, Integer> frequencies = new HashMap<>(250_000);
        try (BufferedReader reader = open("index.sense")) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] f = line.split(" ");
                int tagCount = Integer.parseInt(f[3]);
                if (tagCount > 0) {
                    char ssType = f[0].charAt(f[0].indexOf('%') + 1);
                    String pos = switch (ssType) {
                        case '1' -> "n";
                        case '2' -> "v";
                        case '4' -> "r";
                        default -> "a"; // 3 adjective, 5 satellite
                    };
                    frequencies.merge(f[1] + "-" + pos, tagCount, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read WordNet's index.sense", e);
        }
        return frequencies;
    }

    private static String foldPos(String ssType) {
        return "s".equals(ssType) ? "a" : ssType;
    }

    private static BufferedReader open(String file) {
        InputStream in = WordNet.class.getResourceAsStream(RESOURCE_DIR + file);
        if (in == null) {
            throw new IllegalStateException("WordNet's " + file + " is not on the class path: "
                    + "add net.sf.extjwnl:extjwnl-data-wn30 to the dependencies.");
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }
}
