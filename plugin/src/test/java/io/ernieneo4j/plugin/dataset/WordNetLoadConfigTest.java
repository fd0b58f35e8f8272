package io.ernieneo4j.plugin.dataset;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordNetLoadConfigTest {

    @Test
    void defaultsToAllOfWordNetInBatchesOfTenThousand() {
        WordNetLoadConfig config = WordNetLoadConfig.from(Map.of());
        assertThat(config.root()).isEmpty();
        assertThat(config.batchSize()).isEqualTo(10_000);
    }

    @Test
    void keepsTheGivenConfigurationForTheResult() {
        WordNetLoadConfig config = WordNetLoadConfig.from(Map.of("root", "01861778-n", "batchSize", 500L));
        assertThat(config.root()).contains("01861778-n");
        assertThat(config.batchSize()).isEqualTo(500);
        assertThat(config.toMap()).containsEntry("root", "01861778-n").containsEntry("batchSize", 500L);
    }

    @Test
    void rejectsUnknownKeysAndBadTypes() {
        assertThatThrownBy(() -> WordNetLoadConfig.from(Map.of("batchsize", 10L)))
                .hasMessageContaining("Unexpected configuration key: `batchsize` (Did you mean [batchSize]?)");
        assertThatThrownBy(() -> WordNetLoadConfig.from(Map.of("root", 1861778L)))
                .hasMessageContaining("The value of `root` must be of type `String`");
    }
}
