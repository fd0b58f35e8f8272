package io.ernieneo4j.trainer.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DjlRuntimeTest {

    @Test
    void startsPyTorchOfflineFromTheMavenNatives() {
        Path cache = Path.of("target", "djl-cache");
        EngineInfo info = DjlRuntime.start(cache);
        assertThat(info.engineName()).isEqualTo("PyTorch");
        assertThat(info.engineVersion()).isEqualTo("2.7.1");
        assertThat(info.djlVersion()).isEqualTo("0.36.0");
        assertThat(info.device()).isEqualTo("cpu");
        assertThat(info.threads()).isPositive();
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        // a second start is the same engine
        assertThat(DjlRuntime.start(Path.of("elsewhere"))).isSameAs(info);
    }
}
