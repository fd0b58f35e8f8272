package io.ernieneo4j.trainer.infer;

import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EntityAlignment;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.Markers;
import io.ernieneo4j.trainer.ernie.TextWindow;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Turns typing and relation records into {@link EncodedExample}s: validates spans and labels (naming the file and
 * line of a bad record), tokenises, inserts the reference's markers and aligns the entities to word pieces.
 * Without an entity table (the {@code --no-entities} baseline) no piece gets an entity. A text longer than the
 * model's maximum length (markers, [CLS] and [SEP] included) is read through a {@link TextWindow} around the typed
 * mention or the relation's two mentions; only an example whose mentions alone do not fit is left out.
 */
public final class ExampleEncoder {

    private final WordPieceTokenizer tokenizer;
    private final Markers markers;
    private final LabelSet labels;
    private final EntityTable entities;
    private final UnknownEntities unknownEntities;
    private final AlignmentCounts counts = new AlignmentCounts();

    /** Mentions placed and dropped so far, over every record encoded. */
    public static final class AlignmentCounts {
        private int aligned;
        private int offsetMisses;
        private int unknownEntities;
        private int outsideWindow;
        private int windowedExamples;
        private int tooLongExamples;
        private String firstUnknown;

        public int aligned() {
            return aligned;
        }

        public int offsetMisses() {
            return offsetMisses;
        }

        public int unknownEntities() {
            return unknownEntities;
        }

        /** Entity mentions of windowed examples that start outside the window, so have no entity input. */
        public int outsideWindow() {
            return outsideWindow;
        }

        /** Examples longer than the maximum length, read through a window around their mention(s). */
        public int windowedExamples() {
            return windowedExamples;
        }

        /**
         * Examples left out because what they need does not fit in the maximum length even windowed: the typed
         * mention, or the span from a relation's first mention to its last, with the markers, [CLS] and [SEP].
         */
        public int tooLongExamples() {
            return tooLongExamples;
        }

        /** The windowed and left-out examples, which the encoder counts with or without an entity table. */
        public String lengths() {
            return String.format(Locale.ROOT, "%d examples windowed (longer than the maximum length), %d left out "
                    + "(their mentions alone do not fit)", windowedExamples, tooLongExamples);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d mentions aligned, %d dropped (not on a word-piece start or cut "
                    + "off), %d dropped (entity not in the table%s), %d dropped (outside the window); %s",
                    aligned, offsetMisses, unknownEntities, firstUnknown == null ? "" : ", first at " + firstUnknown,
                    outsideWindow, lengths());
        }
    }

    /**
     * @param labels          the task's labels (null for pretraining texts, which have none)
     * @param entities        the frozen entity table, or null for no entity input
     * @param unknownEntities what a mention of an entity missing from {@code entities} does
     */
    public ExampleEncoder(WordPieceTokenizer tokenizer, LabelSet labels, EntityTable entities,
                          UnknownEntities unknownEntities) {
        this.tokenizer = tokenizer;
        this.markers = Markers.of(tokenizer);
        this.labels = labels;
        this.entities = entities;
        this.unknownEntities = unknownEntities;
    }

    public AlignmentCounts counts() {
        return counts;
    }

    public List<EncodedExample> typing(List<SourceLine<TypingExample>> records) {
        return typing(records, true);
    }

    /** Typing inputs to predict from: the examples' labels, if any, are not read. */
    public List<EncodedExample> typingInputs(List<SourceLine<TypingExample>> records) {
        return typing(records, false);
    }

    private List<EncodedExample> typing(List<SourceLine<TypingExample>> records, boolean labelled) {
        List<EncodedExample> encoded = new ArrayList<>(records.size());
        for (SourceLine<TypingExample> line : records) {
            TypingExample example = line.record();
            requireText(line, example.text());
            Mention mention = requireMention(line, example.text(), example.mention(), "mention");
            if (labelled && (example.labels() == null || example.labels().isEmpty())) {
                throw line.problem("the example has no labels.");
            }
            int[] labelIndices = labelled
                    ? example.labels().stream().mapToInt(label -> requireLabel(line, label)).toArray()
                    : new int[0];
            Window window = window(line, example.text(), mention);
            if (window == null) {
                continue;
            }
            TokenizedText pieces = marked(line, () -> markers.typing(window.pieces(), mention.start(), mention.end(),
                    tokenizer.maxLength()));
            encoded.add(new EncodedExample(pieces, align(line, pieces, example.text(), example.entities(), window),
                    labelIndices, line.where()));
        }
        return encoded;
    }

    /**
     * Pretraining texts: tokenised (cut to the maximum length) with their mentions aligned, no markers, no labels.
     * Mentions cut off by truncation are counted as offset misses.
     */
    public List<EncodedExample> corpus(List<SourceLine<CorpusDocument>> records) {
        List<EncodedExample> encoded = new ArrayList<>(records.size());
        for (SourceLine<CorpusDocument> line : records) {
            CorpusDocument document = line.record();
            requireText(line, document.text());
            TokenizedText pieces = tokenizer.encode(document.text());
            encoded.add(new EncodedExample(pieces, align(line, pieces, document.text(), document.entities(),
                    Window.whole(pieces)), new int[0], line.where()));
        }
        return encoded;
    }

    public List<EncodedExample> relation(List<SourceLine<RelationExample>> records) {
        return relation(records, true);
    }

    /** Relation inputs to predict from: the examples' labels, if any, are not read. */
    public List<EncodedExample> relationInputs(List<SourceLine<RelationExample>> records) {
        return relation(records, false);
    }

    private List<EncodedExample> relation(List<SourceLine<RelationExample>> records, boolean labelled) {
        List<EncodedExample> encoded = new ArrayList<>(records.size());
        for (SourceLine<RelationExample> line : records) {
            RelationExample example = line.record();
            requireText(line, example.text());
            Mention head = requireMention(line, example.text(), example.head(), "head");
            Mention tail = requireMention(line, example.text(), example.tail(), "tail");
            if (labelled && example.label() == null) {
                throw line.problem("the example has no `label`.");
            }
            int[] labels = labelled ? new int[] {requireLabel(line, example.label())} : new int[0];
            Window window = window(line, example.text(), head, tail);
            if (window == null) {
                continue;
            }
            TokenizedText pieces = marked(line, () -> markers.relation(window.pieces(), head.start(), head.end(),
                    tail.start(), tail.end(), tokenizer.maxLength()));
            encoded.add(new EncodedExample(pieces, align(line, pieces, example.text(), example.entities(), window),
                    labels, line.where()));
        }
        return encoded;
    }

    private int[] align(SourceLine<?> line, TokenizedText pieces, String text, List<Mention> mentions,
                        Window window) {
        List<Mention> given = mentions == null ? List.of() : mentions;
        for (Mention mention : given) {
            requireMention(line, text, mention, "entities");
        }
        if (entities == null) {
            int[] none = new int[pieces.length()];
            Arrays.fill(none, -1);
            return none;
        }
        List<Mention> all = new ArrayList<>(given.size());
        for (Mention mention : given) {
            if (window.holds(mention)) {
                all.add(mention);
            } else {
                counts.outsideWindow++;
            }
        }
        EntityAlignment alignment = EntityAlignment.align(pieces, all, entities);
        if (alignment.unknownEntities() > 0) {
            Mention unknown = all.stream().filter(m -> entities.row(m.entity()).isEmpty()).findFirst().orElseThrow();
            if (unknownEntities == UnknownEntities.FAIL) {
                throw line.problem("entity `%s` is not in the entity table (%d entities); train TransE on a graph "
                        + "that holds it, or pass --unknown-entities skip to drop such mentions.",
                        unknown.entity(), entities.size());
            }
            if (counts.firstUnknown == null) {
                counts.firstUnknown = line.where() + " `" + unknown.entity() + "`";
            }
        }
        counts.aligned += alignment.aligned();
        counts.offsetMisses += alignment.offsetMisses();
        counts.unknownEntities += alignment.unknownEntities();
        return alignment.rows();
    }

    /**
     * The word pieces of {@code text} to mark: all of them when they fit in the maximum length with [CLS], [SEP]
     * and a pair of markers per marked mention; else a window around the marked mentions (counted); null, counted,
     * when the marked mentions and what lies between them do not fit on their own.
     */
    private Window window(SourceLine<?> line, String text, Mention... marked) {
        WordPieceTokenizer.WholeText whole = tokenizer.encodeWhole(text);
        int room = tokenizer.maxLength() - 2 - 2 * marked.length;
        int first = Integer.MAX_VALUE;
        int last = -1;
        for (Mention mention : marked) {
            int[] span = marked(line, () -> Markers.pieces(whole.pieces(), mention.start(), mention.end()));
            first = Math.min(first, span[0]);
            last = Math.max(last, span[1]);
        }
        var window = TextWindow.around(whole, first, last, room);
        if (window.isEmpty()) {
            counts.tooLongExamples++;
            return null;
        }
        TokenizedText pieces = window.get();
        if (pieces.length() == whole.pieces().length()) {
            return Window.whole(pieces);
        }
        counts.windowedExamples++;
        return new Window(pieces, pieces.starts()[1], pieces.ends()[pieces.length() - 2]);
    }

    /**
     * The word pieces read of a text and the characters [from, to) they cover; an entity mention starting outside
     * them is left out of the alignment and counted, not mistaken for a mention off the word-piece starts.
     */
    private record Window(TokenizedText pieces, int from, int to) {

        /** All of a text's pieces, or its pieces cut to the maximum length (pretraining), which count as misses. */
        static Window whole(TokenizedText pieces) {
            return new Window(pieces, 0, Integer.MAX_VALUE);
        }

        boolean holds(Mention mention) {
            return mention.start() >= from && mention.start() < to;
        }
    }

    private static void requireText(SourceLine<?> line, String text) {
        if (text == null || text.isBlank()) {
            throw line.problem("the example has no `text`.");
        }
    }

    private static Mention requireMention(SourceLine<?> line, String text, Mention mention, String field) {
        if (mention == null) {
            throw line.problem("the example has no `%s`.", field);
        }
        if (mention.end() > text.length()) {
            throw line.problem("`%s` span [%d, %d) lies outside the text (%d characters).",
                    field, mention.start(), mention.end(), text.length());
        }
        return mention;
    }

    private int requireLabel(SourceLine<?> line, String label) {
        int index = labels.indexOf(label);
        if (index < 0) {
            throw line.problem("unknown label `%s`; the model knows %s.", label, labels.names());
        }
        return index;
    }

    private static <T> T marked(SourceLine<?> line, java.util.function.Supplier<T> marking) {
        try {
            return marking.get();
        } catch (IllegalArgumentException e) {
            throw line.problem("%s", e.getMessage());
        }
    }
}
