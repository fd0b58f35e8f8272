package io.ernieneo4j.trainer.ernie.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxCheckpointTest {

    @TempDir
    Path temp;

    @Test
    void namesAnonymousMatMulWeightsAfterTheirNodesAndTransposesThem() throws IOException {
        Path onnx = Path.of("target", "minilm", "all-minilm-l6-v2.onnx");
        if (!Files.isRegularFile(onnx)) {
            Files.createDirectories(onnx.getParent());
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                Files.copy(in, onnx);
            }
        }
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(onnx)) {
            // 5 embedding tensors and 16 per layer; the int64 position_ids buffer is not a weight
            assertThat(checkpoint.names()).hasSize(5 + 6 * 16)
                    .doesNotContain("embeddings.position_ids")
                    .noneMatch(name -> name.startsWith("onnx::"));
            assertThat(checkpoint.shape("encoder.layer.0.intermediate.dense.weight")).containsExactly(1536, 384);
            assertThat(checkpoint.shape("encoder.layer.5.output.dense.weight")).containsExactly(384, 1536);
            assertThat(checkpoint.shape("embeddings.word_embeddings.weight")).containsExactly(30522, 384);
            float[] intermediate = checkpoint.read("encoder.layer.0.intermediate.dense.weight");
            assertThat(intermediate).hasSize(1536 * 384);
            float[] layerNorm = checkpoint.read("encoder.layer.0.output.LayerNorm.weight");
            assertThat(layerNorm).hasSize(384);
        }
    }

    @Test
    void rejectsAFileThatIsNotOnnx() throws IOException {
        Path text = temp.resolve("model.onnx");
        Files.writeString(text, "not a protobuf \u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff");
        assertThatThrownBy(() -> OnnxCheckpoint.open(text))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("model.onnx");
    }
}
