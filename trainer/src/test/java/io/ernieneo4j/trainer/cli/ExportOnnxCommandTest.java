package io.ernieneo4j.trainer.cli;

import ai.djl.Device;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.onnx.OnnxExport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

import static io.ernieneo4j.trainer.ernie.config.LayerType.MIX;
import static io.ernieneo4j.trainer.ernie.config.LayerType.NORM;
import static io.ernieneo4j.trainer.ernie.config.LayerType.SIM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code export-onnx} on a small saved model: the file, its record in ernie.json, and the errors a user can hit. */
class ExportOnnxCommandTest {

    /** A small ERNIE on the real vocabulary: 3 layers of 32, the paper's entity side. */
    private static final ErnieConfig SMALL = new ErnieConfig(ErnieConfig.BERT_UNCASED_VOCAB, 32, 2, 64,
            List.of(SIM, MIX, NORM), 64, 2, 100, 4, 0.1f, 1e-12f, 1f);

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        MiniLm.startDjl();
    }

    private Path savedModel() throws Exception {
        Path model = dir.resolve("typing-ernie");
        try (ErnieModel ernie = ErnieModel.random(SMALL, ErnieTask.TYPING, List.of("noun.animal", "noun.person"),
                Device.cpu(), 5)) {
            ModelDirectory.save(ernie, MiniLm.tokenizerJson(), 64, "wordnet-transe", model);
        }
        return model;
    }

    @Test
    void writesTheGraphIntoTheFolderAndRecordsItInErnieJson() throws Exception {
        Path model = savedModel();
        assertThat(ModelDirectory.readManifest(model).onnx()).isNull();

        assertThat(ErnieTrainer.run("export-onnx", "--model", model.toString())).isZero();
        assertThat(model.resolve("model.onnx")).isNotEmptyFile();
        ErnieManifest.Onnx recorded = ModelDirectory.readManifest(model).onnx();
        assertThat(recorded).isEqualTo(new ErnieManifest.Onnx("model.onnx", 17,
                List.of("input_ids", "token_type_ids", "attention_mask", "entity_vectors", "entity_mask",
                        "entity_placement"), List.of("logits")));
        assertThat(ModelDirectory.readManifest(model).labels()).containsExactly("noun.animal", "noun.person");
        // readable as the model's other files are (a server may run as another user)
        Set<PosixFilePermission> saved = Files.getPosixFilePermissions(model.resolve("ernie.params"));
        assertThat(Files.getPosixFilePermissions(model.resolve("model.onnx"))).isEqualTo(saved);
        assertThat(Files.getPosixFilePermissions(model.resolve("ernie.json"))).isEqualTo(saved);

        // a file outside the folder is written but not recorded; the earlier record stays
        Path elsewhere = dir.resolve("exports").resolve("typing.onnx");
        assertThat(ErnieTrainer.run("export-onnx", "--model", model.toString(), "--out", elsewhere.toString()))
                .isZero();
        assertThat(elsewhere).isNotEmptyFile();
        assertThat(ModelDirectory.readManifest(model).onnx()).isEqualTo(recorded);
        assertThat(dir.resolve("exports")).isDirectoryNotContaining(p -> p.toString().endsWith(".part"));
    }

    @Test
    void aManifestWrittenBeforeExportsExistedStillReads() throws Exception {
        Path model = savedModel();
        Path manifest = model.resolve("ernie.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll(",\\s*\"onnx\" : null", ""));
        assertThat(manifest).content().doesNotContain("onnx");
        assertThat(ModelDirectory.readManifest(model).onnx()).isNull();
        assertThat(ErnieTrainer.run("export-onnx", "--model", model.toString())).isZero();
        assertThat(ModelDirectory.readManifest(model).onnx().file()).isEqualTo(OnnxExport.FILE);

        // a hand-edited record that leads out of the folder is refused
        Files.writeString(manifest, Files.readString(manifest).replace("\"file\" : \"model.onnx\"",
                "\"file\" : \"../elsewhere.onnx\""));
        assertThatThrownBy(() -> ModelDirectory.readManifest(model))
                .hasMessageEndingWith("records the ONNX file `../elsewhere.onnx`, which is not inside the model "
                        + "directory.");
    }

    @Test
    void badInputNamesTheOptionOrTheFile() throws Exception {
        assertThat(errors("export-onnx")).contains("Missing required option: '--model=DIR'");
        Path missing = dir.resolve("no-such-model");
        assertThat(errors("export-onnx", "--model", missing.toString()))
                .contains("Error: `--model` must be an ERNIE model folder; `" + missing + "` is not a folder.");
        assertThat(errors("export-onnx", "--model", dir.toString()))
                .contains("Error: `" + dir + "` is not an ERNIE model directory: `ernie.json` is missing.");
        Path model = savedModel();
        assertThat(errors("export-onnx", "--model", model.toString(), "--out", dir.toString()))
                .contains("Error: `--out` must name a file; `" + dir + "` is a folder.");
        Path parameters = model.resolve("ernie.params");
        long size = Files.size(parameters);
        assertThat(errors("export-onnx", "--model", model.toString(), "--out", parameters.toString()))
                .contains("Error: `" + parameters + "` is the model's own `ernie.params`; write the ONNX graph to "
                        + "another file.");
        assertThat(parameters).hasSize(size);
        Files.delete(parameters);
        assertThat(errors("export-onnx", "--model", model.toString()))
                .contains("is incomplete: `ernie.params`, named in `ernie.json`, is missing.");
    }

    /** Runs a command line that must fail with exit code 2 and returns what it printed on standard error. */
    private static String errors(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertThat(ErnieTrainer.run(args)).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
