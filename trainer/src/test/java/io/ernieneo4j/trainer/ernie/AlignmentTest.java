package io.ernieneo4j.trainer.ernie;

import io.ernieneo4j.trainer.data.Mention;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Entities onto word pieces, markers around mentions, and the entity table file, on the real tokenizer. */
class AlignmentTest {

    private static WordPieceTokenizer tokenizer;

    @TempDir
    Path temp;

    @BeforeAll
    static void open() throws IOException {
        MiniLm.startDjl();
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void entityGoesOnTheFirstPieceOfItsMention() throws IOException {
        EntityTable table = table("02084071-n\t1 0 0\n13623455-n\t0 1 0\n");
        // "hyperparameters" is several pieces; the entity sits on the first
        TokenizedText text = tokenizer.encode("the dog ate hyperparameters");
        EntityAlignment alignment = EntityAlignment.align(text, List.of(
                new Mention(4, 7, "02084071-n"),
                new Mention(12, 27, "13623455-n"),
                new Mention(13, 27, "13623455-n"),   // inside a word: no piece starts there
                new Mention(0, 3, "00000000-n")),    // not in the table
                table);
        int dog = text.pieceStartingAt(4);
        int hyper = text.pieceStartingAt(12);
        assertThat(text.ends()[hyper]).isLessThan(27);
        assertThat(alignment.rows()[dog]).isEqualTo(0);
        assertThat(alignment.rows()[hyper]).isEqualTo(1);
        assertThat(alignment.rows()[hyper + 1]).isEqualTo(-1);
        assertThat(alignment.aligned()).isEqualTo(2);
        assertThat(alignment.offsetMisses()).isEqualTo(1);
        assertThat(alignment.unknownEntities()).isEqualTo(1);
        assertThat(alignment.dropped()).isEqualTo(2);

        EncoderBatch batch = EncoderBatch.withEntities(List.of(text), List.of(alignment.rows()), table);
        assertThat(batch.entitySlots()).as("[CLS] and the two aligned pieces").isEqualTo(3);
        assertThat(batch.entityPositions()).containsExactly(0, dog, hyper);
        assertThat(batch.entityVectors()).as("[CLS] slot zero, then the rows' vectors")
                .startsWith(0f, 0f, 0f).endsWith(0f, 1f, 0f);
    }

    @Test
    void markersWrapMentionsWithoutMovingOffsets() {
        Markers markers = Markers.of(tokenizer);
        assertThat(markers).isEqualTo(new Markers(1636, 1001, 1002));
        TokenizedText text = tokenizer.encode("a dog is a kind of animal");
        TokenizedText typed = markers.typing(text, 2, 5, 128);
        assertThat(typed.ids()).containsExactly(101, 1037, 1636, 3899, 1636, 2003, 1037, 2785, 1997, 4111, 102);
        assertThat(typed.pieceStartingAt(2)).isEqualTo(3);

        TokenizedText related = markers.relation(text, 2, 5, 19, 25, 128);
        assertThat(related.ids()).containsExactly(
                101, 1037, 1001, 3899, 1001, 2003, 1037, 2785, 1997, 1002, 4111, 1002, 102);

        TokenizedText cut = markers.relation(text, 2, 5, 19, 25, 8);
        assertThat(cut.ids()).hasSize(8).endsWith(102);
        assertThatThrownBy(() -> markers.typing(text, 3, 5, 128))
                .hasMessageContaining("Mention [3, 5) is not on word-piece boundaries");
    }

    @Test
    void entityTableFileErrorsNameTheLine() throws IOException {
        assertThat(table("a\t0.5 -1\n\nb\t2 3e-1\n").vector(1)).containsExactly(2f, 0.3f);
        assertThatThrownBy(() -> table("a\t1 2\nb\t1 2 3\n"))
                .hasMessageEndingWith(":2: entity `b` has 3 dimensions, the first line has 2.");
        assertThatThrownBy(() -> table("a\t1 x\n"))
                .hasMessageContaining(":1: not a number in the vector of `a`");
        assertThatThrownBy(() -> table("a\t1\na\t2\n"))
                .hasMessage("Entity `a` appears twice in the entity table.");
    }

    private EntityTable table(String content) throws IOException {
        Path file = temp.resolve("entities-" + content.hashCode() + ".tsv");
        Files.writeString(file, content);
        return EntityTable.load(file);
    }
}
