package io.ernieneo4j.trainer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.util.cuda.CudaUtils;
import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.engine.EngineInfo;
import io.ernieneo4j.trainer.ernie.DeviceChoice;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.WordPieces;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.infer.ErnieInference;
import io.ernieneo4j.trainer.training.AdamW;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code ernie-trainer check-device}: checks that ERNIE runs on a device (a CUDA GPU, typically) as it runs on the
 * CPU. A seeded random ERNIE of a chosen shape runs the same batch (with entities) on the CPU and on the device; the
 * command reports the largest differences of the outputs and of one backward pass, takes a few AdamW steps on the
 * device, checks that every tensor stayed there, and measures inference and training throughput. The same model,
 * exported as an ONNX graph, also runs the batch on ONNX Runtime on the device ({@link OnnxRuntimeDeviceCheck}), its
 * logits compared with PyTorch's on the CPU. Nothing is read from disk: no weights, no tokenizer.
 */
@Command(name = "check-device",
        mixinStandardHelpOptions = true,
        description = {"Checks a device set-up: a seeded random ERNIE (with a relation head) runs the same batch with "
                + "entities on the CPU and on --device and the largest differences are reported; a few AdamW steps "
                + "run on the device (the loss must be finite and fall: the mean of the last third of the steps "
                + "below the first third's); every output, parameter and gradient must stay on the device; "
                + "inference and training throughput are measured. With the onnxruntime engine the model is also "
                + "exported as an ONNX graph and runs the batch on ONNX Runtime on --device (its CUDA provider for "
                + "a GPU: the onnxruntime_gpu jar on the class path instead of onnxruntime's); its logits are "
                + "compared with PyTorch's on the CPU and its inference throughput is measured.",
                "Exit code 0 when every check passes, 1 when one fails (ONNX Runtime without the device's provider "
                        + "included), 2 for bad options or a GPU PyTorch does not see.",
                "With --device cpu (or auto without a GPU) the comparison is CPU against CPU: the differences must "
                        + "be exactly 0."})
final class CheckDeviceCommand implements Callable<Integer> {

    /** Relation labels of the head the check trains. */
    static final int LABELS = 8;

    @Option(names = "--device", defaultValue = "auto",
            description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}); gpu without a visible GPU is an error.")
    String device;

    @Option(names = "--architecture", defaultValue = "minilm",
            description = "minilm (6 x 384), bert-base (12 x 768) or tiny (2 x 64, for a quick look) "
                    + "(default: ${DEFAULT-VALUE}).")
    String architecture;

    @Option(names = "--batch-size", defaultValue = "32",
            description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--length", defaultValue = "64",
            description = "Word pieces of the longest sequence; a quarter of the rows are padded shorter "
                    + "(default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--steps", defaultValue = "10",
            description = "AdamW steps on the device, on one fixed batch (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--iterations", defaultValue = "20",
            description = "Timed inference passes, after --warmup untimed ones (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "3",
            description = "Untimed passes (and untimed training steps) before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--learning-rate", defaultValue = "2e-4",
            description = "AdamW learning rate of the training steps (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--tolerance", defaultValue = "1e-3",
            description = "Largest absolute difference between the CPU's and the device's outputs that passes "
                    + "(default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--engines", split = ",", paramLabel = "ENGINE",
            description = "Engines to check, comma-separated: pytorch (inference, a backward pass and training on "
                    + "--device, against the CPU) and onnxruntime (the model exported as ONNX, inference on ONNX "
                    + "Runtime on --device, against PyTorch on the CPU) (default: both, ONNX Runtime's check skipped "
                    + "rather than failed where its jar or its provider for --device is missing).")
    List<String> engines;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures to this JSON file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        // asked for by name, ONNX Runtime must run; by default, a GPU check without its GPU jar still passes
        boolean enginesNamed = engines != null;
        if (!enginesNamed) {
            engines = List.of(ErnieInference.PYTORCH, ErnieInference.ONNX_RUNTIME);
        }
        validate();
        ErnieConfig config = architecture(architecture);
        EngineInfo engine = DjlRuntime.start(Path.of("target", "djl-cache"));
        boolean pytorch = engines.contains(ErnieInference.PYTORCH);
        boolean onnxRuntime = engines.contains(ErnieInference.ONNX_RUNTIME);
        // PyTorch must see the GPU it is checked on; ONNX Runtime alone needs only its CUDA provider for one
        Device target = pytorch || !DeviceChoice.GPU.equals(device.trim().toLowerCase(Locale.ROOT))
                ? DeviceChoice.resolve(device) : Device.gpu();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("engine", engineReport(engine, target));
        report.put("model", Map.of("architecture", architecture, "layers", config.layers(),
                "hiddenSize", config.hiddenSize(), "layerTypes",
                config.layerTypes().stream().map(t -> t.code()).toList(), "task", "relation", "labels", LABELS,
                "seed", seed, "batchSize", batchSize, "length", length));
        report.put("engines", engines);
        System.out.printf(Locale.ROOT, "Engine: %s %s (DJL %s), GPUs visible: %d, capabilities: %s%n",
                engine.engineName(), engine.engineVersion(), engine.djlVersion(), engine.gpuCount(),
                String.join(", ", capabilities()));
        System.out.printf(Locale.ROOT, "Device: %s%s%n", target, pytorch ? deviceDetails(target)
                : " (ONNX Runtime only: PyTorch runs the reference on the CPU, its device checks are not run)");
        System.out.printf(Locale.ROOT, "Model: %s-shaped ERNIE (%d layers x %d, %s), random weights (seed %d), "
                        + "%d relation labels; batch %d x %d word pieces with entities%n", architecture,
                config.layers(), config.hiddenSize(), config.layerTypes().stream().map(t -> t.code())
                        .collect(Collectors.joining(" ")), seed, LABELS, batchSize, length);

        EncoderBatch batch = batch(config, batchSize, length, seed);
        float[] targets = targets(batchSize, seed);
        List<String> labels = IntStream.range(0, LABELS).mapToObj(i -> "r" + i).toList();
        List<String> failures = new ArrayList<>();
        try (ErnieModel reference = ErnieModel.random(config, ErnieTask.RELATION, labels, Device.cpu(), seed)) {
            Outputs cpu = outputs(reference, batch, targets);
            if (pytorch) {
                checkPyTorch(config, labels, target, batch, targets, cpu, report, failures);
            }
            if (onnxRuntime) {
                OnnxRuntimeDeviceCheck.Outcome outcome = OnnxRuntimeDeviceCheck.run(reference, cpu.logits, batch,
                        target.isGpu(), engine.threads(), warmup, iterations, tolerance);
                report.put("onnxRuntime", outcome.report());
                boolean skipped = outcome.unavailable() && !enginesNamed;
                System.out.println(skipped ? outcome.summary() + " (skipped: --engines onnxruntime makes it a "
                        + "failure)" : outcome.summary());
                if (!skipped) outcome.failure().ifPresent(failures::add);
            }
        }
        report.put("failures", failures);
        report.put("passed", failures.isEmpty());
        if (json != null) {
            DatasetFiles.writeJson(json, report);
            System.out.println("Wrote " + json.toAbsolutePath());
        }
        System.out.println(failures.isEmpty() ? "All checks passed." : "FAILED: " + String.join("; ", failures));
        return failures.isEmpty() ? 0 : 1;
    }

    /**
     * The PyTorch engine's checks: a copy of the model on {@code target} against the CPU's outputs {@code cpu},
     * training steps, where the tensors were, throughput.
     */
    private void checkPyTorch(ErnieConfig config, List<String> labels, Device target, EncoderBatch batch,
                              float[] targets, Outputs cpu, Map<String, Object> report, List<String> failures) {
        try (ErnieModel model = ErnieModel.random(config, ErnieTask.RELATION, labels, target, seed)) {
            Outputs onDevice = outputs(model, batch, targets);
            Map<String, Object> comparison = compare(cpu, onDevice);
            report.put("comparison", comparison);
            double worst = Math.max(Math.max((double) comparison.get("sequenceMaxAbsDiff"),
                    (double) comparison.get("pooledMaxAbsDiff")), (double) comparison.get("logitsMaxAbsDiff"));
            double gradientRelative = (double) comparison.get("gradientNormRelativeDiff");
            System.out.printf(Locale.ROOT, "CPU vs %s, inference (no dropout): max |diff| sequence %.3g (values up to "
                            + "%.3g), pooled %.3g, logits %.3g%n", target,
                    comparison.get("sequenceMaxAbsDiff"), comparison.get("sequenceMaxAbs"),
                    comparison.get("pooledMaxAbsDiff"), comparison.get("logitsMaxAbsDiff"));
            System.out.printf(Locale.ROOT, "CPU vs %s, one backward pass (no dropout): loss %.6f vs %.6f, gradient "
                            + "norm %.6f vs %.6f (relative diff %.3g)%n", target, cpu.loss, onDevice.loss,
                    cpu.gradientNorm, onDevice.gradientNorm, gradientRelative);
            if (!(worst <= tolerance)) {
                failures.add(String.format(Locale.ROOT, "outputs differ by %.3g > --tolerance %.3g", worst, tolerance));
            }
            if (!(gradientRelative <= Math.max(tolerance, 1e-3))) {
                failures.add(String.format(Locale.ROOT, "gradient norms differ by %.3g (relative)", gradientRelative));
            }

            List<String> offDevice = new ArrayList<>(onDevice.offDevice);
            Map<String, Object> training = train(model, batch, targets, target, offDevice);
            report.put("training", training);
            @SuppressWarnings("unchecked")
            List<Float> losses = (List<Float>) training.get("losses");
            System.out.printf(Locale.ROOT, "Training on %s, %d AdamW steps (lr %s, dropout on): loss %s%n", target,
                    steps, learningRate, losses.stream().map(l -> String.format(Locale.ROOT, "%.4f", l))
                            .collect(Collectors.joining(" ")));
            if (!(boolean) training.get("finite")) {
                failures.add("a training loss is not finite");
            } else if (!(boolean) training.get("falling")) {
                failures.add("the training loss did not fall");
            }

            offDevice.addAll(parametersOffDevice(model, target));
            report.put("tensorsOnDevice", Map.of("ok", offDevice.isEmpty(), "offDevice", offDevice));
            System.out.printf(Locale.ROOT, "Tensors on %s (inputs, outputs, loss, parameters, gradients): %s%n",
                    target, offDevice.isEmpty() ? "all" : "NOT all: " + offDevice);
            if (!offDevice.isEmpty()) {
                failures.add("tensors left the device: " + offDevice);
            }

            double inference = inferenceThroughput(model, batch);
            Map<String, Object> throughput = new LinkedHashMap<>(Map.of(
                    "device", target.toString(),
                    "inferenceSequencesPerSecond", inference,
                    "inferencePasses", iterations,
                    "trainingSequencesPerSecond", training.get("sequencesPerSecond"),
                    "trainingTimedSteps", training.get("timedSteps")));
            report.put("throughput", throughput);
            System.out.printf(Locale.ROOT, "Throughput on %s: inference %.1f sequences/s (%d passes of %d x %d), "
                            + "training %.1f sequences/s (%d timed steps)%n", target, inference, iterations,
                    batchSize, length, training.get("sequencesPerSecond"), training.get("timedSteps"));
        }
    }

    private void validate() {
        positive("--batch-size", batchSize);
        positive("--length", length);
        positive("--iterations", iterations);
        if (length < 4) {
            throw new IllegalArgumentException("--length must be at least 4, got " + length + ".");
        }
        if (steps < 2) {
            throw new IllegalArgumentException("--steps must be at least 2 (the loss must fall), got " + steps + ".");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be at least 0, got " + warmup + ".");
        }
        if (!(learningRate > 0f) || !(tolerance >= 0)) {
            throw new IllegalArgumentException("--learning-rate must be positive and --tolerance at least 0.");
        }
        List<String> known = List.of(ErnieInference.PYTORCH, ErnieInference.ONNX_RUNTIME);
        if (engines.isEmpty() || !known.containsAll(engines)) {
            throw new IllegalArgumentException("--engines must name " + String.join(" and/or ", known)
                    + ", comma-separated; got `" + String.join(",", engines) + "`.");
        }
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value + ".");
        }
    }

    /** {@code minilm}, {@code bert-base}, or {@code tiny}: 2 layers (a mix and a norm) x 64, 4 heads, 128 inner. */
    static ErnieConfig architecture(String name) {
        if ("tiny".equals(name)) {
            return ErnieConfig.bert(64, 4, 128, 2);
        }
        try {
            return InitOption.architecture(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--architecture must be minilm, bert-base or tiny, got `" + name + "`.", e);
        }
    }

    /**
     * A batch of seeded random word pieces ([CLS] ... [SEP]); every fourth row is shorter (padded); entities are
     * aligned to every fifth piece, with seeded random unit vectors.
     */
    static EncoderBatch batch(ErnieConfig config, int batch, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int dim = config.entityDim();
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        int slots = 1 + (length - 2 + 4) / 5; // [CLS] and the pieces 1, 6, 11, ... before the last
        float[] vectors = new float[batch * slots * dim];
        int[] positions = new int[batch * slots];
        java.util.Arrays.fill(positions, -1);
        for (int b = 0; b < batch; b++) {
            int rowLength = b % 4 == 3 ? Math.max(3, length / 2 + b % length / 4) : length;
            int slot = b * slots;
            positions[slot++] = 0;
            for (int t = 0; t < rowLength; t++) {
                mask[b * length + t] = 1;
                ids[b * length + t] = t == 0 ? WordPieces.CLS : t == rowLength - 1 ? WordPieces.SEP
                        : 1_000 + random.nextInt(config.vocabSize() - 1_000);
                if (t > 0 && t < rowLength - 1 && t % 5 == 1) {
                    positions[slot] = t;
                    double norm = 0;
                    for (int d = 0; d < dim; d++) {
                        float value = (float) random.nextGaussian();
                        vectors[slot * dim + d] = value;
                        norm += value * value;
                    }
                    for (int d = 0; d < dim; d++) {
                        vectors[slot * dim + d] /= (float) Math.sqrt(norm);
                    }
                    slot++;
                }
            }
        }
        return new EncoderBatch(batch, length, ids, new long[batch * length], mask, 0, 0, null, null)
                .withSlots(dim, slots, vectors, positions);
    }

    /** One-hot relation targets (B, LABELS), seeded. */
    static float[] targets(int batch, long seed) {
        SplittableRandom random = new SplittableRandom(seed + 1);
        float[] targets = new float[batch * LABELS];
        for (int b = 0; b < batch; b++) {
            targets[b * LABELS + random.nextInt(LABELS)] = 1f;
        }
        return targets;
    }

    /** Softmax cross-entropy of the relation head, averaged over the batch. */
    private static NDArray loss(NDArray logits, float[] targets) {
        NDArray oneHot = logits.getManager().create(targets, logits.getShape());
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
    }

    /** What one model computes on the batch: outputs on the host, and where its tensors were. */
    private record Outputs(float[] sequence, float[] pooled, float[] logits, float loss,
                           double gradientNorm, List<String> offDevice) {}

    /** Inference outputs, then one forward + backward without dropout: the loss and the global gradient norm. */
    private static Outputs outputs(ErnieModel model, EncoderBatch batch, float[] targets) {
        Device device = model.device();
        List<String> offDevice = new ArrayList<>();
        try (NDManager scope = model.manager().newSubManager()) {
            NDList inputs = batch.toNDList(scope);
            onDevice("input", inputs, device, offDevice);
            NDList encoded = model.predict(inputs);
            onDevice("encoder output", encoded, device, offDevice);
            NDArray logits = model.classify(inputs);
            onDevice("logits", new NDList(logits), device, offDevice);
            float[] sequence = encoded.get(0).toFloatArray();
            float[] pooled = encoded.get(1).toFloatArray();
            float[] logitValues = logits.toFloatArray();

            Engine engine = model.manager().getEngine();
            float lossValue;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray loss = loss(model.logits(inputs, false), targets);
                onDevice("loss", new NDList(loss), device, offDevice);
                collector.backward(loss);
                lossValue = loss.getFloat();
            }
            double norm = gradientNormThenClear(model, scope, device, offDevice);
            return new Outputs(sequence, pooled, logitValues, lossValue, norm, offDevice);
        }
    }

    /** The global norm of the gradients the last backward pass left (checked to be on the device), then zeroes them. */
    private static double gradientNormThenClear(ErnieModel model, NDManager scope, Device device,
                                                List<String> offDevice) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            double squares = 0;
            for (Map.Entry<String, Parameter> entry : model.parameters().entrySet()) {
                PtNDArray gradient = JniUtils.getGradient((PtNDArray) entry.getValue().getArray());
                if (gradient == null) {
                    continue;
                }
                gradient.attach(scope);
                if (!gradient.getDevice().equals(device)) {
                    offDevice.add("gradient of " + entry.getKey() + " on " + gradient.getDevice());
                }
                squares += gradient.square().sum().getFloat();
                gradient.subi(gradient);
            }
            return Math.sqrt(squares);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static void onDevice(String what, NDList arrays, Device device, List<String> offDevice) {
        for (int i = 0; i < arrays.size(); i++) {
            Device actual = arrays.get(i).getDevice();
            if (!actual.equals(device)) {
                offDevice.add(what + " " + i + " on " + actual);
            }
        }
    }

    private static List<String> parametersOffDevice(ErnieModel model, Device device) {
        List<String> offDevice = new ArrayList<>();
        model.parameters().forEach((name, parameter) -> {
            Device actual = parameter.getArray().getDevice();
            if (!actual.equals(device)) {
                offDevice.add("parameter " + name + " on " + actual);
            }
        });
        return offDevice;
    }

    private static Map<String, Object> compare(Outputs cpu, Outputs device) {
        Map<String, Object> comparison = new LinkedHashMap<>();
        comparison.put("sequenceMaxAbsDiff", maxAbsDiff(cpu.sequence, device.sequence));
        comparison.put("sequenceMaxAbs", maxAbs(cpu.sequence));
        comparison.put("pooledMaxAbsDiff", maxAbsDiff(cpu.pooled, device.pooled));
        comparison.put("logitsMaxAbsDiff", maxAbsDiff(cpu.logits, device.logits));
        comparison.put("logitsMaxAbs", maxAbs(cpu.logits));
        comparison.put("lossCpu", (double) cpu.loss);
        comparison.put("lossDevice", (double) device.loss);
        comparison.put("gradientNormCpu", cpu.gradientNorm);
        comparison.put("gradientNormDevice", device.gradientNorm);
        comparison.put("gradientNormRelativeDiff",
                Math.abs(cpu.gradientNorm - device.gradientNorm) / Math.max(cpu.gradientNorm, 1e-30));
        return comparison;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("Outputs of different sizes: " + a.length + " and " + b.length);
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = Math.abs((double) a[i] - b[i]);
            if (!(diff <= worst)) {
                worst = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
            }
        }
        return worst;
    }

    static double maxAbs(float[] values) {
        double worst = 0;
        for (float value : values) {
            worst = Math.max(worst, Math.abs(value));
        }
        return worst;
    }

    /**
     * {@code steps} AdamW steps on the batch (dropout on, the engine reseeded per step as the training loop does);
     * the steps after the warm-up are timed.
     */
    private Map<String, Object> train(ErnieModel model, EncoderBatch batch, float[] targets, Device device,
                                      List<String> offDevice) {
        AdamW optimizer = new AdamW(model.parameters(), model.config().unusedEntityOutput(), 0.01f, 1f);
        Engine engine = model.manager().getEngine();
        List<Float> losses = new ArrayList<>();
        int untimed = Math.min(warmup, steps - 1);
        long start = 0;
        for (int step = 0; step < steps; step++) {
            if (step == untimed) {
                start = System.nanoTime();
            }
            engine.setRandomSeed((int) (seed * 31 + step));
            try (NDManager scope = model.manager().newSubManager()) {
                float loss;
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray batchLoss = loss(model.logits(batch.toNDList(scope), true), targets);
                    if (step == 0) {
                        onDevice("training loss", new NDList(batchLoss), device, offDevice);
                    }
                    collector.backward(batchLoss);
                    loss = batchLoss.getFloat();
                }
                optimizer.step(learningRate);
                losses.add(loss);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int timed = steps - untimed;
        boolean finite = losses.stream().allMatch(Float::isFinite);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("steps", steps);
        training.put("learningRate", (double) learningRate);
        training.put("losses", losses);
        training.put("finite", finite);
        // dropout makes single steps noisy: the last third of the steps against the first third
        int third = Math.max(1, losses.size() / 3);
        double first = losses.subList(0, third).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - third, losses.size()).stream().mapToDouble(Float::doubleValue)
                .average().orElseThrow();
        training.put("falling", finite && last < first);
        training.put("firstThirdMeanLoss", first);
        training.put("lastThirdMeanLoss", last);
        training.put("timedSteps", timed);
        training.put("sequencesPerSecond", timed * (double) batch.batch() / seconds);
        return training;
    }

    /** Sequences per second of inference: inputs copied to the device, the encoder and head, logits to the host. */
    private double inferenceThroughput(ErnieModel model, EncoderBatch batch) {
        for (int i = 0; i < warmup; i++) {
            inferencePass(model, batch);
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            inferencePass(model, batch);
        }
        return iterations * (double) batch.batch() / ((System.nanoTime() - start) / 1e9);
    }

    private static void inferencePass(ErnieModel model, EncoderBatch batch) {
        try (NDManager scope = model.manager().newSubManager()) {
            model.classify(batch.toNDList(scope)).toFloatArray();
        }
    }

    private static List<String> capabilities() {
        List<String> found = new ArrayList<>();
        Engine engine = DjlRuntime.call(Engine::getInstance);
        for (String capability : List.of("CUDA", "CUDNN", "MKL", "MKLDNN", "OPENMP")) {
            if (engine.hasCapability(capability)) {
                found.add(capability);
            }
        }
        return found;
    }

    private static Map<String, Object> engineReport(EngineInfo engine, Device target) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("engine", engine.engineName());
        report.put("engineVersion", engine.engineVersion());
        report.put("djlVersion", engine.djlVersion());
        report.put("gpuCount", engine.gpuCount());
        report.put("capabilities", capabilities());
        report.put("threads", engine.threads());
        report.put("device", target.toString());
        report.put("pytorchLibraryPath", String.valueOf(System.getenv("PYTORCH_LIBRARY_PATH")));
        report.put("pytorchFlavor", String.valueOf(System.getenv("PYTORCH_FLAVOR")));
        if (target.isGpu() && engine.gpuCount() > 0) {
            report.put("computeCapability", safe(() -> CudaUtils.getComputeCapability(target.getDeviceId())));
            report.put("cudaRuntime", safe(() -> Integer.toString(CudaUtils.getCudaVersion())));
            report.put("gpuMemoryBytes", safe(() -> Long.toString(CudaUtils.getGpuMemory(target).getMax())));
        }
        return report;
    }

    private static String deviceDetails(Device target) {
        if (!target.isGpu()) {
            return " (the CPU: the comparison below is CPU against CPU)";
        }
        String capability = safe(() -> CudaUtils.getComputeCapability(target.getDeviceId()));
        String memory = safe(() -> {
            MemoryUsage usage = CudaUtils.getGpuMemory(target);
            return String.format(Locale.ROOT, "%.1f GiB", usage.getMax() / (double) (1L << 30));
        });
        return String.format(Locale.ROOT, " (CUDA compute capability %s, %s, CUDA runtime %s)", capability, memory,
                safe(() -> Integer.toString(CudaUtils.getCudaVersion())));
    }

    private static String safe(java.util.function.Supplier<String> query) {
        try {
            return query.get();
        } catch (RuntimeException | LinkageError e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
