package io.ernieneo4j.trainer.engine;

import java.nio.file.Path;

/**
 * What DJL runs on, as found by actually starting the engine.
 *
 * @param engineName    the engine DJL loaded (e.g. {@code PyTorch})
 * @param engineVersion the native library version (e.g. {@code 2.7.1})
 * @param djlVersion    DJL's own version
 * @param device        {@code cpu} or {@code gpu}: the device new arrays land on by default
 * @param gpuCount      GPUs DJL can see
 * @param threads       intra-op threads the engine was started with
 * @param cacheDir      where DJL unpacks its natives
 */
public record EngineInfo(
        String engineName,
        String engineVersion,
        String djlVersion,
        String device,
        int gpuCount,
        int threads,
        Path cacheDir) {}
