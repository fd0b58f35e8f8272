package io.ernieneo4j.trainer.infer;

import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
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

/** Bad records fail with the file and line, or (unknown entities on request) are counted, never silently dropped. */
class BadInputTest {

    private static final String GOOD = "{\"id\":\"1\",\"text\":\"the dog barked\",\"mention\":{\"start\":4,\"end\":7,"
            + "\"entity\":\"02084071-n\"},\"labels\":[\"noun.animal\"],\"entities\":[{\"start\":4,\"end\":7,"
            + "\"entity\":\"02084071-n\"}]}";
    private static final LabelSet TYPES = new LabelSet(List.of("noun.animal", "noun.person"));
    private static final EntityTable DOG = EntityTable.of(List.of("02084071-n"), new float[][] {{1f, 2f}});

    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void open() throws IOException {
        MiniLm.startDjl();
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 64);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void aGoodRecordAlignsItsEntity(@TempDir Path dir) throws IOException {
        ExampleEncoder encoder = new ExampleEncoder(tokenizer, TYPES, DOG, UnknownEntities.FAIL);
        EncodedExample example = encoder.typing(read(dir, GOOD)).get(0);
        // [CLS] the 。 dog 。 barked [SEP]: the entity sits on "dog", piece 3
        assertThat(example.pieces().ids()).hasSize(7);
        assertThat(example.entityRows()).containsExactly(-1, -1, -1, 0, -1, -1, -1);
        assertThat(example.labels()).containsExactly(0);
    }

    @Test
    void aSpanOutsideTheTextNamesFileAndLine(@TempDir Path dir) throws IOException {
        List<SourceLine<TypingExample>> lines = read(dir, GOOD + "\n" + GOOD.replace("\"end\":7,", "\"end\":40,"));
        assertThatThrownBy(() -> new ExampleEncoder(tokenizer, TYPES, DOG, UnknownEntities.FAIL).typing(lines))
                .hasMessageContaining("data.jsonl:2: `mention` span [4, 40) lies outside the text (14 characters)");
    }

    @Test
    void anEntityMissingFromTheTableFailsOrIsCounted(@TempDir Path dir) throws IOException {
        List<SourceLine<TypingExample>> lines = read(dir, GOOD.replace("02084071-n", "99999999-n"));
        assertThatThrownBy(() -> new ExampleEncoder(tokenizer, TYPES, DOG, UnknownEntities.FAIL).typing(lines))
                .hasMessageContaining("data.jsonl:1: entity `99999999-n` is not in the entity table (1 entities)");

        ExampleEncoder skipping = new ExampleEncoder(tokenizer, TYPES, DOG, UnknownEntities.SKIP);
        EncodedExample example = skipping.typing(lines).get(0);
        assertThat(example.entityRows()).containsOnly(-1);
        assertThat(skipping.counts().unknownEntities()).isEqualTo(1); // the entity input is `entities`
        assertThat(skipping.counts().toString()).contains("first at ").contains("data.jsonl:1 `99999999-n`");
    }

    @Test
    void anUnknownLabelAtTestTimeNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("test.jsonl");
        Files.writeString(file, "{\"id\":\"r\",\"text\":\"dog : a canine\",\"head\":{\"start\":0,\"end\":3,"
                + "\"entity\":\"a\"},\"tail\":{\"start\":8,\"end\":14,\"entity\":\"b\"},\"label\":\"MERONYM\","
                + "\"entities\":[]}\n");
        List<SourceLine<RelationExample>> lines = SourceLine.read(file, RelationExample.class);
        LabelSet relations = new LabelSet(List.of("HYPERNYM", "HYPONYM"));
        assertThatThrownBy(() -> new ExampleEncoder(tokenizer, relations, null, UnknownEntities.FAIL)
                .relation(lines))
                .hasMessageContaining("test.jsonl:1: unknown label `MERONYM`; the model knows [HYPERNYM, HYPONYM]");
    }

    @Test
    void anEmptyFileOrABrokenLineNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "\n\n");
        assertThatThrownBy(() -> SourceLine.read(empty, TypingExample.class))
                .hasMessageContaining("empty.jsonl:1: the file holds no TypingExample records");
        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(broken, GOOD + "\n{\"id\": \"2\", \"txt\": \"typo\"}\n");
        assertThatThrownBy(() -> SourceLine.read(broken, TypingExample.class))
                .hasMessageContaining("broken.jsonl:2: not a TypingExample record");
    }

    private static List<SourceLine<TypingExample>> read(Path dir, String content) throws IOException {
        Path file = dir.resolve("data.jsonl");
        Files.writeString(file, content + "\n");
        return SourceLine.read(file, TypingExample.class);
    }
}
