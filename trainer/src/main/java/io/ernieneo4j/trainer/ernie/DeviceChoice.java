package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.ernieneo4j.trainer.engine.DjlRuntime;

import java.util.Locale;

/** The {@code device} setting: {@code auto} (a GPU when DJL's engine sees one, else the CPU), {@code cpu}, {@code gpu}. */
public final class DeviceChoice {

    public static final String AUTO = "auto";
    public static final String CPU = "cpu";
    public static final String GPU = "gpu";

    private DeviceChoice() {}

    /** The device for {@code setting}; the engine must be started ({@link DjlRuntime#start}). */
    public static Device resolve(String setting) {
        int gpus = DjlRuntime.call(() -> Engine.getInstance().getGpuCount());
        return resolve(setting, gpus);
    }

    static Device resolve(String setting, int visibleGpus) {
        String value = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case AUTO -> visibleGpus > 0 ? Device.gpu() : Device.cpu();
            case CPU -> Device.cpu();
            case GPU -> {
                if (visibleGpus == 0) {
                    throw new IllegalArgumentException("Value for `device` was `gpu`, but the PyTorch engine sees no "
                            + "GPU (CPU natives, or no CUDA device). Use `auto` or `cpu`, or run with a CUDA build of "
                            + "libtorch 2.7.1 (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION=2.7.1, PYTORCH_FLAVOR=cu128).");
                }
                yield Device.gpu();
            }
            default -> throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `device` was `%s`, but must be one of [auto, cpu, gpu].", setting));
        };
    }
}
