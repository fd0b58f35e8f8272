package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceChoiceTest {

    @Test
    void autoIsTheCpuOnThisMachine() {
        MiniLm.startDjl();
        assertThat(DeviceChoice.resolve("auto")).isEqualTo(Device.cpu());
        assertThat(DeviceChoice.resolve("cpu")).isEqualTo(Device.cpu());
    }

    @Test
    void gpuWithoutAGpuIsAClearError() {
        MiniLm.startDjl();
        assertThatThrownBy(() -> DeviceChoice.resolve("gpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Value for `device` was `gpu`, but the PyTorch engine sees no GPU");
    }

    @Test
    void autoPicksAVisibleGpu() {
        assertThat(DeviceChoice.resolve("auto", 1)).isEqualTo(Device.gpu());
        assertThat(DeviceChoice.resolve("GPU", 2)).isEqualTo(Device.gpu());
    }

    @Test
    void unknownSetting() {
        assertThatThrownBy(() -> DeviceChoice.resolve("tpu", 0))
                .hasMessage("Value for `device` was `tpu`, but must be one of [auto, cpu, gpu].");
    }
}
