package io.ernieneo4j.trainer.ernie.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ernieneo4j.trainer.ernie.config.LayerType.MIX;
import static io.ernieneo4j.trainer.ernie.config.LayerType.NORM;
import static io.ernieneo4j.trainer.ernie.config.LayerType.SIM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErnieConfigTest {

    @Test
    void layerTypesAsTheReference() {
        assertThat(ErnieConfig.bertBase().layerTypes())
                .containsExactly(SIM, SIM, SIM, SIM, SIM, MIX, NORM, NORM, NORM, NORM, NORM, NORM);
        assertThat(ErnieConfig.miniLm().layerTypes()).containsExactly(SIM, SIM, MIX, NORM, NORM, NORM);
        assertThat(ErnieConfig.miniLm().plainBert().hasKnowledgeEncoder()).isFalse();
        assertThat(ErnieConfig.bertBase().entityDim()).isEqualTo(100);
        assertThat(ErnieConfig.bertBase().entityHeads()).isEqualTo(4);
    }

    @Test
    void rejectsLayerOrdersTheReferenceCannotRun() {
        ErnieConfig base = ErnieConfig.miniLm();
        for (List<LayerType> bad : List.of(List.of(SIM, NORM), List.of(MIX, SIM), List.of(MIX, MIX),
                List.of(SIM, MIX, NORM, SIM))) {
            assertThatThrownBy(() -> base.withLayerTypes(bad))
                    .as("%s", bad)
                    .hasMessageContaining("Value for `layerTypes` was `[");
        }
        assertThat(base.withLayerTypes(List.of(SIM, MIX)).layers()).isEqualTo(2);
    }

    @Test
    void rejectsHeadsThatDoNotDivideTheWidth() {
        assertThatThrownBy(() -> ErnieConfig.bert(100, 12, 400, 2))
                .hasMessage("Value for `hiddenSize` was `100`, but must be a multiple of `attentionHeads` (12).");
        assertThatThrownBy(() -> LayerType.of("dense"))
                .hasMessage("Unknown layer type `dense`, expected one of [sim, mix, norm].");
    }
}
