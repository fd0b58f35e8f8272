package io.ernieneo4j.trainer.infer.engines;

import ai.djl.Device;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.onnx.OnnxExport;
import io.ernieneo4j.trainer.infer.ErnieInference;
import io.ernieneo4j.trainer.infer.InferenceModel;
import io.ernieneo4j.trainer.infer.onnx.OnnxRuntimeCheck;
import io.ernieneo4j.trainer.infer.onnx.OnnxRuntimeEnvironment;
import io.ernieneo4j.trainer.infer.onnx.OnnxRuntimeInference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code engine} a model folder is loaded on for inference: {@value ErnieInference#PYTORCH} (DJL's PyTorch
 * engine, the default: it runs every model, on the CPU or a GPU), {@value ErnieInference#ONNX_RUNTIME} (the model's
 * ONNX graph on ONNX Runtime; typing and relation models) or {@value #AUTO} (ONNX Runtime when it can run the model
 * here, else PyTorch: it ran ERNIE's MiniLM-sized encoder faster on the CPU, issue 18). ONNX Runtime runs on a GPU
 * (its CUDA provider) when {@code device} asks for one and its GPU build is the jar on the class path. A folder without
 * an exported graph is exported at load ({@link OnnxExport}), into the folder when allowed, else into a temporary
 * file deleted once ONNX Runtime has read it. {@code quantization: 'int8'} runs the graph with int8 encoder weights
 * ({@link Quantization#INT8}), on ONNX Runtime only.
 */
public final class EngineChoice {

    public static final String AUTO = "auto";
    public static final List<String> SETTINGS = List.of(AUTO, ErnieInference.PYTORCH, ErnieInference.ONNX_RUNTIME);

    /** Where a graph exported at load goes. */
    public enum GraphPlace {
        /** {@value OnnxExport#FILE} in the model folder, recorded in {@code ernie.json}: the next load reuses it. */
        MODEL_FOLDER,
        /** A temporary file, deleted once read (the server may not write files). */
        TEMPORARY
    }

    /**
     * @param engine  {@link #SETTINGS}
     * @param device  {@code auto}, {@code cpu} or {@code gpu} ({@link DeviceChoice})
     * @param place   where a missing graph is exported
     * @param threads intra-op threads of an ONNX Runtime session
     * @param quantization how the graph's encoder weights are stored ({@link Quantization#NONE} on PyTorch)
     */
    public record Request(String engine, String device, GraphPlace place, int threads, Quantization quantization) {

        /** A request for the model's own float32 weights. */
        public Request(String engine, String device, GraphPlace place, int threads) {
            this(engine, device, place, threads, Quantization.NONE);
        }
    }

    /** Exports into model folders one at a time (two loads of one folder would write the same file). */
    private static final Object EXPORTS = new Object();

    private EngineChoice() {}

    /**
     * Loads the model in {@code directory} on the engine {@code request} asks for. Call inside
     * {@code DjlRuntime.call} (PyTorch, the device check and an export all use DJL).
     */
    public static InferenceModel load(Path directory, Request request) throws IOException {
        ErnieManifest manifest = ModelDirectory.readManifest(directory);
        switch (request.engine()) {
            case ErnieInference.PYTORCH -> {
                if (request.quantization() != Quantization.NONE) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "`quantization` '%s' runs on ONNX Runtime only; load the model with `engine: "
                                    + "'onnxruntime'` (or 'auto'), or without `quantization`.",
                            request.quantization().code()));
                }
                Device device = DeviceChoice.resolve(request.device());
                return pytorch(directory, device, "PyTorch (DJL) on " + device.getDeviceType());
            }
            case ErnieInference.ONNX_RUNTIME -> {
                Optional<String> problem = onnxRuntimeProblem(manifest, request.device());
                if (problem.isPresent()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "`engine` 'onnxruntime' cannot run this model: %s. Load it with `engine: 'pytorch'` "
                                    + "(or 'auto').", problem.get()));
                }
                return onnxRuntime(directory, manifest, request);
            }
            case AUTO -> {
                Optional<String> problem = onnxRuntimeProblem(manifest, request.device());
                if (problem.isEmpty()) {
                    try {
                        return onnxRuntime(directory, manifest, request);
                    } catch (IOException | RuntimeException e) {
                        problem = Optional.of("ONNX Runtime could not take the model (" + e.getMessage() + ")");
                    }
                }
                if (request.quantization() != Quantization.NONE) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "`quantization` '%s' needs ONNX Runtime, which cannot run this model here: %s.",
                            request.quantization().code(), problem.get()));
                }
                Device device = DeviceChoice.resolve(request.device());
                return pytorch(directory, device, "PyTorch (DJL) on " + device.getDeviceType() + ", chosen by `auto`: "
                        + problem.get());
            }
            default -> throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `engine` was `%s`, but must be one of %s.", request.engine(), SETTINGS));
        }
    }

    /** Why ONNX Runtime cannot run the model here; empty when it can. */
    static Optional<String> onnxRuntimeProblem(ErnieManifest manifest, String device) {
        Optional<String> missing = OnnxRuntimeCheck.missing();
        if (missing.isPresent()) {
            return missing;
        }
        if (manifest.task() == ErnieTask.ENCODER) {
            return Optional.of("an `encoder` model (sentence vectors for linking) runs only on PyTorch so far");
        }
        if (asksForGpu(device) && !OnnxRuntimeInference.hasCuda()) {
            return Optional.of("the `device` setting asks for a GPU, and the ONNX Runtime jar here is its CPU build: "
                    + "for GPUs put `" + OnnxRuntimeCheck.GPU_JAR + "` (" + OnnxRuntimeCheck.GPU_ARTIFACT + " from Maven "
                    + "Central; it needs CUDA 12 and cuDNN 9 on the server) beside the plugin instead");
        }
        return Optional.empty();
    }

    /** Whether {@code device} asks for a GPU: 'gpu', or 'auto' on a machine where DJL sees one. */
    private static boolean asksForGpu(String device) {
        return DeviceChoice.GPU.equals(device)
                || (DeviceChoice.AUTO.equals(device) && DeviceChoice.resolve(device).getDeviceType().equals("gpu"));
    }

    private static InferenceModel pytorch(Path directory, Device device, String detail) throws IOException {
        return InferenceModel.pytorch(ModelDirectory.load(directory, device), device.getDeviceType(), detail);
    }

    private static InferenceModel onnxRuntime(Path directory, ErnieManifest manifest, Request request)
            throws IOException {
        WordPieceTokenizer tokenizer = WordPieceTokenizer.open(directory.resolve(manifest.tokenizer()),
                manifest.maxLength());
        try {
            Quantization quantization = request.quantization();
            ErnieManifest.Onnx recorded = manifest.onnx(quantization);
            Path graph = recorded == null ? null : directory.resolve(recorded.file());
            String from;
            OnnxRuntimeInference inference;
            boolean gpu = asksForGpu(request.device());
            if (graph != null && Files.isRegularFile(graph)) {
                from = "its exported graph `" + recorded.file() + "`";
                inference = OnnxRuntimeInference.open(graph, manifest, request.threads(), gpu);
            } else {
                String why = request.place() == GraphPlace.TEMPORARY ? "file writes are off" : null;
                if (why == null) {
                    try {
                        synchronized (EXPORTS) {
                            graph = OnnxExport.export(directory, null, quantization).file();
                        }
                    } catch (IOException e) {
                        why = "the model folder could not take it: " + e.getMessage();
                    }
                }
                if (why == null) {
                    from = "its graph, exported at load into the model folder as `" + quantization.file()
                            + "` (recorded in ernie.json; the next load reuses it)";
                    inference = OnnxRuntimeInference.open(graph, manifest, request.threads(), gpu);
                } else {
                    from = "its graph, exported at load into a temporary file deleted once read (" + why + ")";
                    inference = temporaryGraph(directory, manifest, request.threads(), quantization, gpu);
                }
            }
            String detail = String.format(Locale.ROOT, "ONNX Runtime %s on %s (%d intra-op threads, %s weights, %s): %s",
                    OnnxRuntimeInference.version(), gpu ? "gpu (CUDA)" : "cpu", request.threads(),
                    quantization == Quantization.INT8 ? "int8 encoder" : "float32", OnnxRuntimeEnvironment.telemetry(),
                    from);
            return new InferenceModel(manifest, tokenizer, inference, gpu ? "gpu" : "cpu", quantization, detail);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static OnnxRuntimeInference temporaryGraph(Path directory, ErnieManifest manifest, int threads,
                                                       Quantization quantization, boolean gpu) throws IOException {
        Path file = Files.createTempFile("ernie-", ".onnx");
        try {
            try (ModelDirectory.Loaded loaded = ModelDirectory.load(directory, Device.cpu())) {
                OnnxExport.write(loaded.model(), file, quantization);
            }
            return OnnxRuntimeInference.open(file, manifest, threads, gpu);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
