package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ParameterNamesTest {

    @Test
    void namesFollowTheReferenceModules() {
        DjlRuntime.start(Path.of("target", "djl-cache"));
        try (ErnieModel model = ErnieModel.random(ErnieConfig.miniLm(), Device.cpu(), 1)) {
            Map<String, Parameter> parameters = model.parameters();
            assertThat(shape(parameters, "embeddings.word_embeddings.weight")).containsExactly(30522, 384);
            assertThat(shape(parameters, "encoder.layer.0.attention.self.query.weight")).containsExactly(384, 384);
            assertThat(shape(parameters, "encoder.layer.2.intermediate.dense_ent.weight")).containsExactly(1536, 100);
            assertThat(shape(parameters, "encoder.layer.2.output.dense_ent.weight")).containsExactly(100, 1536);
            assertThat(shape(parameters, "encoder.layer.2.output.LayerNorm_ent.weight")).containsExactly(100);
            assertThat(shape(parameters, "encoder.layer.3.attention.self_ent.query.weight")).containsExactly(100, 100);
            assertThat(shape(parameters, "encoder.layer.5.attention.output_ent.LayerNorm.bias")).containsExactly(100);
            assertThat(shape(parameters, "pooler.dense.weight")).containsExactly(384, 384);
            // sim layers carry BERT's names only; mix has no entity attention
            assertThat(parameters.keySet()).noneMatch(name -> name.startsWith("encoder.layer.1.") && name.contains("_ent"));
            assertThat(parameters).doesNotContainKey("encoder.layer.2.attention.self_ent.query.weight");

            long bertValues = 0;
            long allValues = 0;
            for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
                long size = entry.getValue().getArray().size();
                allValues += size;
                if (!ErnieModel.ENTITY_SIDE.test(entry.getKey())) {
                    bertValues += size;
                }
            }
            // all-MiniLM-L6-v2 with its pooler: 22,713,216 values; the K-Encoder's entity side adds 1,357,944
            assertThat(bertValues).isEqualTo(22_713_216L);
            assertThat(allValues - bertValues).isEqualTo(1_357_944L);
        }
    }

    private static long[] shape(Map<String, Parameter> parameters, String name) {
        assertThat(parameters).containsKey(name);
        return parameters.get(name).getArray().getShape().getShape();
    }
}
