package io.ernieneo4j.trainer.engine;

import java.nio.file.Path;
import java.util.Map;

/**
 * What DJL runs on, as found by actually starting the engine.
 *
 * @param engineName          the engine DJL loaded (e.g. {@code PyTorch})
 * @param engineVersion       the native library version (e.g. {@code 2.7.1})
 * @param djlVersion          DJL's own version
 * @param device              {@code cpu} or {@code gpu}: the device new arrays land on by default
 * @param gpuCount            GPUs DJL can see
 * @param threads             intra-op threads the engine runs with, as PyTorch reports them
 * @param interopThreads      inter-op threads the engine runs with, as PyTorch reports them
 * @param cacheDir            where DJL unpacks its natives
 * @param systemPropertiesSet the JVM system properties {@link DjlRuntime} set because they were unset, with the
 *                            values it gave them (JVM-wide: any other DJL user in the JVM sees them)
 */
public record EngineInfo(
        String engineName,
        String engineVersion,
        String djlVersion,
        String device,
        int gpuCount,
        int threads,
        int interopThreads,
        Path cacheDir,
        Map<String, String> systemPropertiesSet) {}
