package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.ernie.onnx.OnnxExport;
import io.ernieneo4j.trainer.infer.ErnieInference;
import io.ernieneo4j.trainer.infer.onnx.OnnxRuntimeCheck;
import io.ernieneo4j.trainer.infer.onnx.OnnxRuntimeInference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ONNX Runtime part of {@code check-device}: the model, exported by {@link OnnxExport} as the plugin's
 * {@code engine: 'onnxruntime'} exports it, runs the batch on ONNX Runtime, on the CPU or through the CUDA provider
 * of its GPU build ({@code onnxruntime_gpu}); its logits are compared with PyTorch's on the same batch, and its
 * inference throughput is measured. What keeps it from running here (ONNX Runtime not on the class path, a GPU asked
 * of its CPU build, a session that does not open or run) makes the check fail with the reason, not throw.
 */
final class OnnxRuntimeDeviceCheck {

    private OnnxRuntimeDeviceCheck() {}

    /**
     * What the check found.
     *
     * @param report  its figures, for {@code --json}
     * @param summary one line for the console
     * @param failure why it failed; empty when it passed
     */
    /** @param unavailable ONNX Runtime, or its provider for the device, is not on the class path: nothing ran */
    record Outcome(Map<String, Object> report, String summary, Optional<String> failure, boolean unavailable) {}

    /**
     * Runs the check.
     *
     * @param model          the model PyTorch ran (read for the export only)
     * @param pytorchLogits  PyTorch's logits of {@code batch}, (batch, labels) flattened
     * @param gpu            on a GPU (the CUDA provider), else the CPU
     * @param threads        intra-op threads of the session
     * @param warmup         untimed passes before the timed ones
     * @param iterations     timed passes
     * @param tolerance      the largest difference of the logits that passes
     */
    static Outcome run(ErnieModel model, float[] pytorchLogits, EncoderBatch batch, boolean gpu, int threads,
                       int warmup, int iterations, double tolerance) {
        String device = gpu ? "gpu" : "cpu";
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("device", device);
        Optional<String> missing = OnnxRuntimeCheck.missing();
        if (missing.isPresent()) {
            return notRun(report, "ONNX Runtime", device, true, String.format(Locale.ROOT,
                    "ONNX Runtime is not on the class path: add `%s` (%s, Maven Central; for a GPU `%s`, %s) or "
                            + "leave it out with --engines %s", OnnxRuntimeCheck.JAR, OnnxRuntimeCheck.COORDINATES,
                    OnnxRuntimeCheck.GPU_JAR, OnnxRuntimeCheck.GPU_ARTIFACT, ErnieInference.PYTORCH));
        }
        String version = OnnxRuntimeInference.version();
        List<String> providers = OnnxRuntimeInference.availableProviders();
        report.put("version", version);
        report.put("availableProviders", providers);
        String name = String.format(Locale.ROOT, "ONNX Runtime %s (available providers: %s)", version,
                String.join(", ", providers));
        String provider = OnnxRuntimeInference.provider(gpu);
        if (gpu && !OnnxRuntimeInference.hasCuda()) {
            return notRun(report, name, device, true, String.format(Locale.ROOT,
                    "the ONNX Runtime jar on the class path is its CPU build, without %s: for a GPU put `%s` (%s, "
                            + "Maven Central; it needs CUDA 12 and cuDNN 9) on the class path instead of `%s` "
                            + "(docs/onnx.md)", provider, OnnxRuntimeCheck.GPU_JAR, OnnxRuntimeCheck.GPU_ARTIFACT,
                    OnnxRuntimeCheck.JAR));
        }
        report.put("provider", provider);
        report.put("intraOpThreads", threads);

        OnnxRuntimeInference inference;
        try {
            inference = open(model, batch, gpu, threads, report);
        } catch (IOException | RuntimeException e) {
            return notRun(report, name, device, false, "the exported graph did not open on " + provider + ": "
                    + e.getMessage());
        }
        try (inference) {
            double diff = CheckDeviceCommand.maxAbsDiff(pytorchLogits, flat(inference.logits(batch)));
            double seconds = seconds(inference, batch, warmup, iterations);
            double sequencesPerSecond = iterations * (double) batch.batch() / seconds;
            boolean within = diff <= tolerance;
            report.put("logitsMaxAbsDiff", diff);
            report.put("logitsMaxAbs", CheckDeviceCommand.maxAbs(pytorchLogits));
            report.put("tolerance", tolerance);
            report.put("sequencesPerSecond", sequencesPerSecond);
            report.put("warmupPasses", warmup);
            report.put("timedPasses", iterations);
            report.put("passed", within);
            report.put("problem", null);
            String summary = String.format(Locale.ROOT, "%s on %s vs PyTorch on the CPU, inference: max |diff| "
                            + "logits %.3g (values up to %.3g), %s --tolerance %.3g; %.1f sequences/s (%d passes "
                            + "of %d x %d, %d intra-op threads)", name, provider, diff,
                    report.get("logitsMaxAbs"), within ? "within" : "OVER", tolerance, sequencesPerSecond, iterations,
                    batch.batch(), batch.length(), threads);
            Optional<String> failure = within ? Optional.empty() : Optional.of(String.format(Locale.ROOT,
                    "ONNX Runtime's logits differ from PyTorch's by %.3g > --tolerance %.3g", diff, tolerance));
            return new Outcome(report, summary, failure, false);
        } catch (RuntimeException e) {
            return notRun(report, name, device, false, "the exported graph did not run on " + provider + ": "
                    + e.getMessage());
        }
    }

    /** The model's graph, written to a temporary file and opened (the session keeps the weights; the file goes). */
    private static OnnxRuntimeInference open(ErnieModel model, EncoderBatch batch, boolean gpu, int threads,
                                             Map<String, Object> report) throws IOException {
        Path graph = Files.createTempFile("ernie-check-device-", ".onnx");
        try {
            OnnxExport.write(model, graph, Quantization.NONE);
            report.put("graphBytes", Files.size(graph));
            ErnieManifest manifest = new ErnieManifest(ModelDirectory.FORMAT_VERSION, model.config(), model.task(),
                    model.labels(), ModelDirectory.TOKENIZER, batch.length(), ModelDirectory.PARAMETERS,
                    new ErnieManifest.EntityEmbeddings("check-device", model.config().entityDim()));
            return OnnxRuntimeInference.open(graph, manifest, threads, gpu);
        } finally {
            Files.deleteIfExists(graph);
        }
    }

    /** Seconds of {@code iterations} passes (inputs to tensors, the graph, logits to Java) after {@code warmup}. */
    private static double seconds(OnnxRuntimeInference inference, EncoderBatch batch, int warmup, int iterations) {
        for (int i = 0; i < warmup; i++) {
            inference.logits(batch);
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            inference.logits(batch);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static float[] flat(float[][] rows) {
        int labels = rows.length == 0 ? 0 : rows[0].length;
        float[] values = new float[rows.length * labels];
        for (int row = 0; row < rows.length; row++) {
            System.arraycopy(rows[row], 0, values, row * labels, labels);
        }
        return values;
    }

    private static Outcome notRun(Map<String, Object> report, String name, String device, boolean unavailable,
                                  String reason) {
        report.putIfAbsent("provider", null);
        report.put("passed", false);
        report.put("problem", reason);
        return new Outcome(report, String.format(Locale.ROOT, "%s: NOT run on %s: %s", name, device, reason),
                Optional.of("ONNX Runtime did not run on " + device + ": " + reason), unavailable);
    }
}
