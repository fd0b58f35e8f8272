package io.ernieneo4j.trainer.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetFilesTest {

    @Test
    void jsonLinesRoundTripTheDocumentedFormat(@TempDir Path dir) throws IOException {
        Mention dog = new Mention(4, 7, "02084071-n");
        TypingExample example = new TypingExample("02084071-n#0", "the dog barked all night", dog,
                List.of("noun.animal"), List.of(dog));
        Path file = dir.resolve("typing.jsonl");
        DatasetFiles.writeJsonLines(file, List.of(example));
        assertThat(Files.readString(file)).isEqualTo("{\"id\":\"02084071-n#0\",\"text\":\"the dog barked all night\","
                + "\"mention\":{\"start\":4,\"end\":7,\"entity\":\"02084071-n\"},\"labels\":[\"noun.animal\"],"
                + "\"entities\":[{\"start\":4,\"end\":7,\"entity\":\"02084071-n\"}]}\n");
        assertThat(DatasetFiles.readJsonLines(file, TypingExample.class)).containsExactly(example);
    }

    @Test
    void malformedLinesNameTheFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"id\":\"a\",\"text\":\"x\",\"entities\":[]}\n{\"id\":\"b\",\"txt\":\"y\"}\n");
        assertThatThrownBy(() -> DatasetFiles.readJsonLines(file, CorpusDocument.class))
                .hasMessageContaining("bad.jsonl line 2: not a CorpusDocument");
        Path tsv = dir.resolve("bad.tsv");
        Files.writeString(tsv, "a\tr\tb\na\tb\n");
        assertThatThrownBy(() -> DatasetFiles.readTriples(tsv)).hasMessageContaining("bad.tsv:2: expected head<TAB>relation<TAB>tail")
                .hasMessageContaining("got `a\tb`");
        Files.writeString(file, "{\"id\":\"a\",\"text\":\"x\",\"mention\":{\"start\":3,\"end\":1,\"entity\":\"e\"},"
                + "\"labels\":[],\"entities\":[]}\n");
        assertThatThrownBy(() -> DatasetFiles.readJsonLines(file, TypingExample.class))
                .hasMessageContaining("line 1").hasMessageContaining("0 <= start < end");
    }
}
