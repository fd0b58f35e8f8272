package io.ernieneo4j.tests.settings;

import io.ernieneo4j.plugin.common.PluginRuntime;
import io.ernieneo4j.trainer.engine.EngineInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Started in a JVM of its own by {@link EngineThreadsTest}: starts DJL as the plugin does and prints what PyTorch
 * runs with. PyTorch's thread counts are per process and set once, so each setting needs a fresh JVM.
 */
public final class EngineThreadsProbe {

    private EngineThreadsProbe() {}

    public static void main(String[] args) {
        List<String> warnings = new ArrayList<>();
        EngineInfo info = PluginRuntime.engine(Path.of(args[0]), RecordingLog.keepingWarnings(warnings));
        System.out.println("cores=" + Runtime.getRuntime().availableProcessors());
        System.out.println("threads=" + info.threads());
        System.out.println("interopThreads=" + info.interopThreads());
        System.out.println("numThreadsProperty=" + info.systemPropertiesSet().get("ai.djl.pytorch.num_threads"));
        warnings.forEach(w -> System.out.println("warning=" + w));
    }
}
