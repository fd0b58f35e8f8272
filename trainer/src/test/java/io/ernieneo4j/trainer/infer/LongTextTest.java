package io.ernieneo4j.trainer.infer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.EntityAlignment;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.Markers;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Texts longer than the model's maximum length (64 word pieces here): the example is read through a window around
 * its mention(s), exactly as if the windowed part of the text were the whole text; texts that fit read as before.
 */
class LongTextTest {

    private static final int MAX_LENGTH = 64;
    private static final String DOG = "02084071-n";
    private static final String CAT = "02121620-n";
    private static final String MOUSE = "02330245-n";
    private static final EntityTable ENTITIES = EntityTable.of(List.of(DOG, CAT, MOUSE),
            new float[][] {{1f, 0f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}});
    /** One type and one relation: the tests encode both tasks with the same labels. */
    private static final LabelSet LABELS = new LabelSet(List.of("HYPERNYM", "noun.animal"));
    /** Words of several pieces each, so a window centred by count would start or end inside a word. */
    private static final String FILLER = "hyperparameters and unbelievably waited ";

    private static WordPieceTokenizer tokenizer;
    private static Markers markers;

    @BeforeAll
    static void open() throws IOException {
        MiniLm.startDjl();
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), MAX_LENGTH);
        markers = Markers.of(tokenizer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void aTypedMentionBeyondTheMaximumLengthIsReadInAWindowCentredOnIt() {
        String text = "the dog saw " + FILLER.repeat(12) + "the cat " + FILLER.repeat(12) + "and a mouse";
        Mention cat = mention(text, "the cat", 4, CAT);
        List<Mention> all = List.of(mention(text, "the dog", 4, DOG), cat, mention(text, "a mouse", 2, MOUSE));
        assertThat(tokenizer.encode(text).pieceStartingAt(cat.start())).as("truncation cuts the cat off")
                .isEqualTo(-1);

        ExampleEncoder encoder = encoder();
        List<EncodedExample> encoded = encoder.typing(List.of(typing(text, cat, all)));

        assertThat(encoded).hasSize(1);
        EncodedExample example = encoded.get(0);
        TokenizedText pieces = example.pieces();
        assertThat(pieces.length()).isLessThanOrEqualTo(MAX_LENGTH);
        int catPiece = pieces.pieceStartingAt(cat.start());
        assertThat(pieces.ids()[catPiece - 1]).as("[ENT] before the cat").isEqualTo(markers.entity());
        assertThat(pieces.ids()[catPiece + 1]).as("[ENT] after the cat").isEqualTo(markers.entity());
        assertThat(example.entityRows()[catPiece]).isEqualTo(ENTITIES.row(CAT).getAsInt());
        int before = catPiece - 2; // [CLS] and [ENT] are no context
        int after = pieces.length() - catPiece - 3; // nor [ENT] and [SEP]
        assertThat(Math.abs(before - after)).as("context before and after the mention, in pieces (%d, %d)", before,
                after).isLessThanOrEqualTo(3); // the ends move to word boundaries: at most 2 pieces each here
        assertThat(example.entityRows()).as("dog and mouse lie outside the window: only the cat has a vector")
                .containsOnlyOnce(ENTITIES.row(CAT).getAsInt()).containsOnly(-1, ENTITIES.row(CAT).getAsInt());
        EncoderBatch batch = EncoderBatch.withEntities(List.of(pieces), List.of(example.entityRows()), ENTITIES);
        assertThat(batch.entityPositions()).containsExactly(0, catPiece);
        assertThat(batch.entityVectors()).endsWith(0f, 1f, 0f);

        assertThat(encoder.counts().windowedExamples()).isEqualTo(1);
        assertThat(encoder.counts().tooLongExamples()).isZero();
        assertThat(encoder.counts().outsideWindow()).isEqualTo(2);
        assertThat(encoder.counts().aligned()).isEqualTo(1);
        assertThat(encoder.counts().offsetMisses()).isZero();

        assertSameAsTheWindowAlone(example, text, all, (window, shifted) -> encoder().typing(List.of(
                typing(window, shift(cat, -shiftOf(example)), shifted))).get(0));
    }

    @Test
    void aRelationIsReadInAWindowHoldingBothMentionsAndWhatLiesBetween() {
        String text = FILLER.repeat(10) + "the dog " + FILLER.repeat(3) + "the cat " + FILLER.repeat(10) + "end";
        Mention dog = mention(text, "the dog", 4, DOG);
        Mention cat = mention(text, "the cat", 4, CAT);
        List<Mention> all = List.of(dog, cat);

        ExampleEncoder encoder = encoder();
        List<EncodedExample> encoded = encoder.relation(List.of(relation(text, dog, cat, all)));

        assertThat(encoded).hasSize(1);
        EncodedExample example = encoded.get(0);
        TokenizedText pieces = example.pieces();
        assertThat(pieces.length()).isLessThanOrEqualTo(MAX_LENGTH);
        int dogPiece = pieces.pieceStartingAt(dog.start());
        int catPiece = pieces.pieceStartingAt(cat.start());
        assertThat(pieces.ids()[dogPiece - 1]).isEqualTo(markers.head());
        assertThat(pieces.ids()[dogPiece + 1]).isEqualTo(markers.head());
        assertThat(pieces.ids()[catPiece - 1]).isEqualTo(markers.tail());
        assertThat(pieces.ids()[catPiece + 1]).isEqualTo(markers.tail());
        assertThat(example.entityRows()[dogPiece]).isEqualTo(ENTITIES.row(DOG).getAsInt());
        assertThat(example.entityRows()[catPiece]).isEqualTo(ENTITIES.row(CAT).getAsInt());
        int before = dogPiece - 2;
        int after = pieces.length() - catPiece - 3;
        assertThat(Math.abs(before - after)).as("context around the pair (%d, %d pieces)", before, after)
                .isLessThanOrEqualTo(3);
        assertThat(encoder.counts().windowedExamples()).isEqualTo(1);
        assertThat(encoder.counts().aligned()).isEqualTo(2);

        assertSameAsTheWindowAlone(example, text, all, (window, shifted) -> encoder().relation(List.of(relation(
                window, shift(dog, -shiftOf(example)), shift(cat, -shiftOf(example)), shifted))).get(0));
    }

    @Test
    void aRelationWhoseMentionsLieFurtherApartThanTheMaximumLengthIsStillLeftOut() {
        String text = "the dog " + FILLER.repeat(20) + "the cat";
        Mention dog = mention(text, "the dog", 4, DOG);
        Mention cat = mention(text, "the cat", 4, CAT);
        ExampleEncoder encoder = encoder();

        List<EncodedExample> encoded = encoder.relation(List.of(relation(text, dog, cat, List.of(dog, cat)),
                relation(text, cat, dog, List.of(dog, cat))));

        assertThat(encoded).isEmpty();
        assertThat(encoder.counts().tooLongExamples()).isEqualTo(2);
        assertThat(encoder.counts().windowedExamples()).isZero();
        assertThat(encoder.counts().toString()).contains("0 examples windowed").contains("2 left out");
    }

    @Test
    void aTypedMentionLongerThanTheMaximumLengthIsStillLeftOut() {
        String text = "the " + FILLER.repeat(20) + "end";
        Mention whole = new Mention(4, text.length() - 4, DOG);
        ExampleEncoder encoder = encoder();

        assertThat(encoder.typing(List.of(typing(text, whole, List.of(whole))))).isEmpty();
        assertThat(encoder.counts().tooLongExamples()).isEqualTo(1);
    }

    @Test
    void aTextThatFitsIsEncodedAsBeforeWindowing() {
        // exactly 64 pieces with the two [ENT] markers: the longest text that is read whole
        String text = "the cat " + FILLER.repeat(4) + "and unbelievably waited and" + " waited".repeat(6);
        Mention cat = mention(text, "cat", 0, CAT);
        assertThat(tokenizer.encodeWhole(text).pieces().length() + 2).isEqualTo(MAX_LENGTH);
        ExampleEncoder encoder = encoder();

        EncodedExample example = encoder.typing(List.of(typing(text, cat, List.of(cat)))).get(0);

        // before windowing: the truncating tokenizer, the markers, the alignment on the marked pieces
        TokenizedText before = markers.typing(tokenizer.encode(text), cat.start(), cat.end(), MAX_LENGTH);
        assertThat(example.pieces()).isEqualTo(before);
        assertThat(example.entityRows()).containsExactly(EntityAlignment.align(before, List.of(cat), ENTITIES).rows());
        assertThat(encoder.counts().windowedExamples()).isZero();

        // one piece more and the text is windowed
        encoder.typing(List.of(typing(text + " waited", cat, List.of(cat))));
        assertThat(encoder.counts().windowedExamples()).isEqualTo(1);
    }

    @Test
    void theTruncatingTokenizerCutsAsTheTokenizersOwnTruncationDid() throws IOException {
        String longText = "the dog saw " + FILLER.repeat(12) + "the cat";
        try (HuggingFaceTokenizer truncating = HuggingFaceTokenizer.builder().optTokenizerPath(MiniLm.tokenizerJson())
                .optAddSpecialTokens(true).optPadding(false).optTruncation(true).optMaxLength(MAX_LENGTH).build()) {
            for (String text : List.of("the dog barked", longText)) {
                assertThat(tokenizer.encode(text).ids()).as(text).containsExactly(truncating.encode(text).getIds());
            }
        }
        assertThat(tokenizer.encodeWhole(longText).pieces().length()).isGreaterThan(MAX_LENGTH);
    }

    /** What the window around an example covers, encoded as a text of its own with its mentions moved along. */
    private interface WindowAlone {
        EncodedExample encode(String window, List<Mention> mentions);
    }

    /**
     * The example equals the example made of the window's characters alone: the same pieces (markers included) and
     * the same entity on each; mentions outside the window are not part of it.
     */
    private static void assertSameAsTheWindowAlone(EncodedExample example, String text, List<Mention> mentions,
                                                   WindowAlone alone) {
        int from = shiftOf(example);
        int to = windowEnd(example);
        assertThat(to).isLessThan(text.length());
        String window = text.substring(from, to);
        List<Mention> shifted = mentions.stream().filter(m -> m.start() >= from && m.end() <= to)
                .map(m -> shift(m, -from)).toList();
        EncodedExample direct = alone.encode(window, shifted);
        assertThat(direct.pieces().ids()).containsExactly(example.pieces().ids());
        assertThat(direct.entityRows()).containsExactly(example.entityRows());
    }

    /** The first character the example's window covers. */
    private static int shiftOf(EncodedExample example) {
        int from = Integer.MAX_VALUE;
        for (int start : example.pieces().starts()) {
            if (start >= 0) {
                from = Math.min(from, start);
            }
        }
        assertThat(from).as("the window starts after the text's start").isGreaterThan(0);
        return from;
    }

    private static int windowEnd(EncodedExample example) {
        int to = -1;
        for (int end : example.pieces().ends()) {
            to = Math.max(to, end);
        }
        return to;
    }

    private static ExampleEncoder encoder() {
        return new ExampleEncoder(tokenizer, LABELS, ENTITIES, UnknownEntities.FAIL);
    }

    /** The mention of {@code phrase} less its first {@code skip} characters (its noun without the article). */
    private static Mention mention(String text, String phrase, int skip, String entity) {
        int start = text.indexOf(phrase) + skip;
        return new Mention(start, text.indexOf(phrase) + phrase.length(), entity);
    }

    private static Mention shift(Mention mention, int by) {
        return new Mention(mention.start() + by, mention.end() + by, mention.entity());
    }

    private static SourceLine<TypingExample> typing(String text, Mention mention, List<Mention> entities) {
        return new SourceLine<>(Path.of("long.jsonl"), 1,
                new TypingExample("1", text, mention, List.of("noun.animal"), entities));
    }

    private static SourceLine<RelationExample> relation(String text, Mention head, Mention tail,
                                                        List<Mention> entities) {
        return new SourceLine<>(Path.of("long.jsonl"), 1,
                new RelationExample("1", text, head, tail, "HYPERNYM", entities));
    }
}
