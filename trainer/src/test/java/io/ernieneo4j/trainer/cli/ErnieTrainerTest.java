package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.data.TypingExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ErnieTrainerTest {

    @Test
    void writesTheWordNetDatasetsAsReadableFiles(@TempDir Path out) throws Exception {
        int exit = ErnieTrainer.run("datasets", "wordnet", "--out", out.toString(), "--seed", "3");
        assertThat(exit).isZero();

        List<Triple> test = DatasetFiles.readTriples(out.resolve("wn18rr/test.tsv"));
        assertThat(test).hasSizeBetween(2_900, 3_134);
        assertThat(Files.readString(out.resolve("wn18/train.tsv"))).contains("02084071-n\tHYPERNYM\t02083346-n");

        List<TypingExample> typing = DatasetFiles.readJsonLines(out.resolve("typing/dev.jsonl"), TypingExample.class);
        assertThat(typing).isNotEmpty().allSatisfy(t ->
                assertThat(t.text().substring(t.mention().start(), t.mention().end())).isNotBlank());
        List<RelationExample> relations = DatasetFiles.readJsonLines(out.resolve("relation/train.jsonl"), RelationExample.class);
        assertThat(relations).hasSizeGreaterThan(10_000);
        assertThat(Files.readString(out.resolve("manifest.json"))).contains("\"seed\" : 3", "noun.animal");
        assertThat(out.resolve("corpus/corpus.jsonl")).isNotEmptyFile();
    }

    @Test
    void finetuneReportsTheExamplesReadInAWindowAndThoseLeftOutAndExportsTheAskedGraph(@TempDir Path dir) throws Exception {
        String longText = "the " + "waited ".repeat(20) + "dog";
        int dog = longText.length() - 3;
        Path train = dir.resolve("train.jsonl");
        Files.writeString(train, String.join("\n",
                typing("the dog barked", 4, 7),
                typing(longText, dog, dog + 3),            // 22 pieces: read in a window around "dog"
                typing(longText, 4, dog - 1)) + "\n");     // the mention alone is 20 pieces
        Path dev = dir.resolve("dev.jsonl");
        Files.writeString(dev, typing(longText, dog, dog + 3) + "\n");
        Path out = dir.resolve("model");

        int exit = ErnieTrainer.run("finetune", "typing", "--train", train.toString(), "--dev", dev.toString(),
                "--no-entities", "--max-length", "16", "--epochs", "1", "--batch-size", "2", "--out", out.toString(),
                "--export-onnx-int8");

        assertThat(exit).isZero();
        assertThat(io.ernieneo4j.trainer.ernie.ModelDirectory.readManifest(out)
                .onnx(io.ernieneo4j.trainer.ernie.Quantization.INT8).file()).isEqualTo("model.int8.onnx");
        assertThat(out.resolve("model.int8.onnx")).isRegularFile();
        assertThat(out.resolve("model.onnx")).as("float32 only when asked").doesNotExist();
        var metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(metrics.get("maxLength").asInt()).isEqualTo(16);
        assertThat(metrics.get("trainExamples").asInt()).isEqualTo(2);
        assertThat(metrics.get("trainLengths").get("windowed").asInt()).isEqualTo(1);
        assertThat(metrics.get("trainLengths").get("tooLong").asInt()).isEqualTo(1);
        assertThat(metrics.get("devLengths").get("windowed").asInt()).isEqualTo(1);
        assertThat(metrics.get("devLengths").get("tooLong").asInt()).isZero();
    }

    private static String typing(String text, int start, int end) {
        return "{\"id\":\"t\",\"text\":\"" + text + "\",\"mention\":{\"start\":" + start + ",\"end\":" + end
                + ",\"entity\":\"02084071-n\"},\"labels\":[\"noun.animal\"],\"entities\":[]}";
    }

    @Test
    void anUnknownArchitectureIsRefusedNotReplacedByMiniLm() {
        assertThat(InitOption.architecture("bert-base").layers()).isEqualTo(12);
        assertThat(InitOption.architecture("minilm").layers()).isEqualTo(6);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InitOption.architecture("bert-bse"))
                .hasMessageContaining("--architecture must be minilm or bert-base, got `bert-bse`");
    }

    @Test
    void writesALinkingModelWithTheGivenWeights(@TempDir Path out) throws Exception {
        Path model = out.resolve("linker");
        assertThat(ErnieTrainer.run("linking-model", "--out", model.toString(), "--alpha", "8.5")).isZero();
        assertThat(io.ernieneo4j.trainer.linking.LinkingModelFiles.read(model)).contains(
                new io.ernieneo4j.trainer.linking.SenseScorer(8.5,
                        io.ernieneo4j.trainer.linking.LinkingModelFiles.WORDNET_FIT.beta()));
        var manifest = io.ernieneo4j.trainer.ernie.ModelDirectory.readManifest(model);
        assertThat(manifest.task().code()).isEqualTo("encoder");
        assertThat(manifest.entities().used()).isFalse();
        assertThat(manifest.architecture().layers()).isEqualTo(6);
    }

    @Test
    void finetuneLinkingRefusesBadSettingsBeforeReadingWordNet(@TempDir Path out) {
        String folder = out.resolve("linker").toString();
        assertThat(ErnieTrainer.run("finetune-linking", "--out", folder, "--steps", "2", "--rounds", "3")).isEqualTo(2);
        assertThat(ErnieTrainer.run("finetune-linking", "--out", folder, "--frozen-layers", "-2")).isEqualTo(2);
        assertThat(out.resolve("linker")).doesNotExist();
    }

    @Test
    void badOptionsExitWithAUsageError() {
        assertThat(ErnieTrainer.run("datasets", "wordnet")).isEqualTo(2); // --out missing
        assertThat(ErnieTrainer.run("datasets", "wordnet", "--out", "x", "--min-per-class", "0")).isEqualTo(2);
        assertThat(ErnieTrainer.run("--help")).isZero();
    }

    @Test
    void pretrainExplainsEveryOption() {
        assertThat(ErnieTrainer.run("pretrain", "--help")).isZero();
        assertThat(ErnieTrainer.run("pretrain", "--out", "x")).isEqualTo(2); // --corpus and --entities missing
        String help = new picocli.CommandLine(new PretrainCommand()).getUsageMessage();
        for (String option : List.of("--corpus", "--entities", "--out", "--epochs", "--batch-size", "--learning-rate",
                "--max-length", "--mask-probability", "--max-predictions", "--seed", "--device", "--resume",
                "--init", "--checkpoint-steps", "--unknown-entities")) {
            assertThat(help).contains(option);
        }
    }

    @Test
    void transeExportsOpenKeFilesAndImportsThemBackAsTheSameEntityTable(@TempDir Path dir) throws Exception {
        Path triples = dir.resolve("triples.tsv");
        Files.writeString(triples, "a\tlikes\tb\nb\tlikes\tc\nc\tpart of\ta\n");
        Path table = dir.resolve("entities.tsv");
        Path openKe = dir.resolve("openke");
        assertThat(ErnieTrainer.run("transe", "--triples", triples.toString(), "--out", table.toString(),
                "--dim", "4", "--epochs", "3", "--threads", "1", "--export-openke", openKe.toString())).isZero();
        assertThat(Files.readAllLines(openKe.resolve("entity2id.txt"))).containsExactly("3", "a\t0", "b\t1", "c\t2");
        assertThat(Files.readAllLines(openKe.resolve("relation2id.txt"))).containsExactly("2", "likes\t0",
                "part of\t1");
        assertThat(Files.readAllLines(openKe.resolve("train2id.txt"))).containsExactly("3", "0 1 0", "1 2 0", "2 0 1");
        assertThat(Files.readAllLines(openKe.resolve("entity2vec.vec"))).hasSize(3)
                .allSatisfy(line -> assertThat(line.split("\t")).hasSize(4));

        Path imported = dir.resolve("imported.tsv");
        assertThat(ErnieTrainer.run("transe", "--import-openke", openKe.toString(), "--out", imported.toString()))
                .isZero();
        assertThat(Files.readAllLines(imported)).isEqualTo(Files.readAllLines(table));
        // importing does not train: triples with it are a usage error, and nothing is written
        Path refused = dir.resolve("refused.tsv");
        assertThat(ErnieTrainer.run("transe", "--import-openke", openKe.toString(), "--triples", triples.toString(),
                "--out", refused.toString())).isNotZero();
        assertThat(refused).doesNotExist();
    }
}
