package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.io.SafetensorsCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A reference folder as thunlp ships it (names as its code reads them), built from the golden test's fixture. */
class ReferenceCheckpointTest {

    private static Path fixture;

    @TempDir
    Path folder;

    @BeforeAll
    static void start() throws Exception {
        DjlRuntime.start(Path.of("target", "djl-cache"));
        fixture = Path.of(ReferenceCheckpointTest.class.getResource("/ernie-reference-tiny").toURI());
    }

    private void shipAsReference() throws Exception {
        Files.copy(fixture.resolve("config.json"), folder.resolve(ReferenceCheckpoint.CONFIG));
        Files.copy(fixture.resolve("model.safetensors"), folder.resolve(ReferenceCheckpoint.WEIGHTS));
    }

    @Test
    void loadsTheWholeEncoderAndStartsTheTaskHeadFresh() throws Exception {
        shipAsReference();
        assertThat(ReferenceCheckpoint.isIn(folder)).isTrue();
        Path weights = folder.resolve(ReferenceCheckpoint.WEIGHTS);
        List<String> relations = List.of("founded", "born_in");
        try (ErnieModel model = ReferenceCheckpoint.load(folder, ErnieTask.RELATION, relations, Device.cpu(), 1);
             SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(weights)) {
            assertThat(model.untrainedParameters()).containsExactlyInAnyOrder("classifier.weight", "classifier.bias");
            String entityQuery = "encoder.layer.5.attention.self_ent.query.weight";
            assertThat(model.parameters().get(entityQuery).getArray().toFloatArray())
                    .containsExactly(checkpoint.read(entityQuery));
        }
    }

    @Test
    void leavesTheCheckpointsOwnHeadsBehind() throws Exception {
        shipAsReference();
        // the checkpoint holds `typing.weight`, which an encoder has no place for
        try (ErnieModel model = ReferenceCheckpoint.load(folder, ErnieTask.ENCODER, List.of(), Device.cpu(), 1)) {
            assertThat(model.parameters()).doesNotContainKey("typing.weight");
            assertThat(model.untrainedParameters()).isEmpty();
        }
    }

    @Test
    void asksForTheConvertedWeights() throws Exception {
        Files.copy(fixture.resolve("config.json"), folder.resolve(ReferenceCheckpoint.CONFIG));
        assertThatThrownBy(() -> ReferenceCheckpoint.load(folder, ErnieTask.ENCODER, List.of(), Device.cpu(), 1))
                .hasMessageContaining("no `model.safetensors`").hasMessageContaining("pytorch_model.bin");
    }

    @Test
    void needsOneLayerTypePerLayer() throws Exception {
        Path config = folder.resolve(ReferenceCheckpoint.CONFIG);
        Files.writeString(config, Files.readString(fixture.resolve("config.json"))
                .replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 12"));
        assertThatThrownBy(() -> ReferenceCheckpoint.readConfig(config))
                .hasMessageContaining("lists 6 `layer_types` for 12 layers");
    }
}
