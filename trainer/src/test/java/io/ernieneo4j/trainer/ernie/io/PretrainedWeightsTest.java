package io.ernieneo4j.trainer.ernie.io;

import ai.djl.Device;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PretrainedWeightsTest {

    /** A 1-layer BERT of width 8 on a 20-piece vocabulary: 5 embedding, 16 layer and 2 pooler tensors. */
    private static final ErnieConfig TINY_BERT = new ErnieConfig(20, 8, 2, 16, List.of(LayerType.SIM), 10, 2, 4, 2,
            0.1f, 1e-12f, 1f);

    @BeforeAll
    static void start() {
        DjlRuntime.start(Path.of("target", "djl-cache"));
    }

    @Test
    void loadsEveryTensorByName() throws Exception {
        try (ErnieModel source = ErnieModel.random(TINY_BERT, Device.cpu(), 1);
             ErnieModel target = ErnieModel.random(TINY_BERT, Device.cpu(), 2)) {
            InMemoryCheckpoint checkpoint = InMemoryCheckpoint.of(source);
            PretrainedWeights.Report report = PretrainedWeights.load(target.parameters(), checkpoint, name -> false, 3);
            assertThat(report.loaded()).hasSize(23);
            assertThat(report.fresh()).isEmpty();
            target.parameters().forEach((name, parameter) -> assertThat(parameter.getArray().toFloatArray())
                    .as(name).isEqualTo(source.parameters().get(name).getArray().toFloatArray()));
        }
    }

    @Test
    void listsMissingExtraAndMisShapedTensorsTogether() throws Exception {
        try (ErnieModel source = ErnieModel.random(TINY_BERT, Device.cpu(), 1);
             ErnieModel target = ErnieModel.random(TINY_BERT, Device.cpu(), 2)) {
            InMemoryCheckpoint checkpoint = InMemoryCheckpoint.of(source);
            checkpoint.tensors.remove("pooler.dense.bias");
            checkpoint.tensors.put("cls.seq_relationship.bias", new Tensor(new long[] {2}, new float[2]));
            checkpoint.tensors.put("encoder.layer.0.intermediate.dense.weight",
                    new Tensor(new long[] {8, 16}, new float[128]));
            float[] before = target.parameters().get("pooler.dense.weight").getArray().toFloatArray();

            assertThatThrownBy(() -> PretrainedWeights.load(target.parameters(), checkpoint, name -> false, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Checkpoint `memory` does not fit the model: 1 missing [pooler.dense.bias]; "
                            + "1 not in the model [cls.seq_relationship.bias]; 1 wrong shape "
                            + "[`encoder.layer.0.intermediate.dense.weight` (model (16, 8), checkpoint (8, 16))];");
            // nothing was written
            assertThat(target.parameters().get("pooler.dense.weight").getArray().toFloatArray()).isEqualTo(before);
        }
    }

    @Test
    void freshParametersFollowTheReferenceInitialisation() throws Exception {
        try (ErnieModel source = ErnieModel.random(TINY_BERT, Device.cpu(), 1);
             ErnieModel target = ErnieModel.random(TINY_BERT, Device.cpu(), 2)) {
            InMemoryCheckpoint checkpoint = InMemoryCheckpoint.of(source);
            checkpoint.tensors.keySet().removeIf(name -> name.startsWith("pooler."));
            PretrainedWeights.Report report = PretrainedWeights.load(
                    target.parameters(), checkpoint, name -> name.startsWith("pooler."), 3);
            assertThat(report.fresh()).containsExactly("pooler.dense.weight", "pooler.dense.bias");
            float[] weight = target.parameters().get("pooler.dense.weight").getArray().toFloatArray();
            double sumSquares = 0;
            for (float w : weight) {
                sumSquares += w * w;
            }
            assertThat(Math.sqrt(sumSquares / weight.length)).isBetween(0.012, 0.028);
            assertThat(target.parameters().get("pooler.dense.bias").getArray().toFloatArray()).containsOnly(0f);
            assertThat(target.parameters().get("embeddings.LayerNorm.weight").getArray().toFloatArray())
                    .isEqualTo(source.parameters().get("embeddings.LayerNorm.weight").getArray().toFloatArray())
                    .containsOnly(1f);
        }
    }

    private record Tensor(long[] shape, float[] values) {}

    private static final class InMemoryCheckpoint implements CheckpointTensors {
        final Map<String, Tensor> tensors = new LinkedHashMap<>();

        static InMemoryCheckpoint of(ErnieModel model) {
            InMemoryCheckpoint checkpoint = new InMemoryCheckpoint();
            model.parameters().forEach((name, parameter) -> checkpoint.tensors.put(name, new Tensor(
                    parameter.getArray().getShape().getShape(), parameter.getArray().toFloatArray())));
            return checkpoint;
        }

        @Override
        public String source() {
            return "memory";
        }

        @Override
        public List<String> names() {
            return List.copyOf(tensors.keySet());
        }

        @Override
        public long[] shape(String name) {
            return tensors.get(name).shape();
        }

        @Override
        public float[] read(String name) {
            return tensors.get(name).values();
        }

        @Override
        public void close() {
        }
    }
}
