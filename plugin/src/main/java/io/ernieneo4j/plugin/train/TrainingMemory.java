package io.ernieneo4j.plugin.train;

import io.ernieneo4j.plugin.common.MemorySize;
import io.ernieneo4j.trainer.ernie.ActivationMemory;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.pretrain.Pretrainer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The memory a fine-tuning run takes, from the architecture and the examples read, beside what the JVM and the
 * machine have free.
 *
 * <p>Native memory (PyTorch's): the weights, their gradients and AdamW's two moments, 16 bytes a parameter; and
 * one training batch's activations, which the backward pass keeps ({@link ActivationMemory#batchBytes}), twice
 * that with their gradients at the most. Heap: the encoded examples (four int arrays of {@code maxLength} each and
 * their objects) and the largest parameter copied out when a checkpoint is written. The graph's records are read
 * before this is counted, so the heap they take is already in use.
 *
 * @param parameters          the model's parameters, head included
 * @param labels              the head's labels
 * @param examples            train and dev examples
 * @param modelStateBytes     weights, gradients and optimiser moments
 * @param activationBytesMin  one batch's forward activations
 * @param activationBytesMax  the same with their gradients
 * @param heapBytes           encoded examples and the largest parameter's copy
 * @param nativeAvailable     free memory of the machine (MemAvailable; the JVM's view where there is none)
 * @param heapAvailable       what the heap can still grow by
 */
record TrainingMemory(long parameters, int labels, long examples, long modelStateBytes, long activationBytesMin,
                      long activationBytesMax, long heapBytes, long nativeAvailable, long heapAvailable) {

    /** Bytes a parameter takes while training: its value, gradient and AdamW's first and second moments. */
    static final int BYTES_PER_PARAMETER = 4 * Float.BYTES;
    /** Heap of one encoded example beyond its four arrays' elements: the arrays' and the record's headers. */
    private static final int EXAMPLE_OVERHEAD = 128;

    static TrainingMemory of(ErnieConfig architecture, ErnieTask task, int labels, long examples, int batchSize,
                             int maxLength) {
        return of(architecture, ErnieModel.parameterCount(architecture, task, labels), labels, examples,
                ActivationMemory.batchBytes(architecture, batchSize, maxLength), maxLength);
    }

    /**
     * Pretraining's: the encoder and its masked-LM and dEA heads; a batch's activations plus the masked-LM logits
     * over the vocabulary (at most {@code maxPredictions} a text) and their log-softmax.
     */
    static TrainingMemory ofPretraining(ErnieConfig architecture, long texts, int batchSize, int maxLength,
                                        int maxPredictions) {
        long parameters = ErnieModel.parameterCount(architecture, ErnieTask.ENCODER, 0)
                + Pretrainer.headParameterCount(architecture);
        long logits = 2L * batchSize * maxPredictions * architecture.vocabSize() * Float.BYTES;
        return of(architecture, parameters, 0, texts,
                ActivationMemory.batchBytes(architecture, batchSize, maxLength) + logits, maxLength);
    }

    private static TrainingMemory of(ErnieConfig architecture, long parameters, int labels, long examples,
                                     long activations, int maxLength) {
        long largestParameter = (long) architecture.vocabSize() * architecture.hiddenSize() * Float.BYTES;
        long heap = examples * (4L * Integer.BYTES * maxLength + EXAMPLE_OVERHEAD) + largestParameter;
        Runtime runtime = Runtime.getRuntime();
        long heapAvailable = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        return new TrainingMemory(parameters, labels, examples, parameters * BYTES_PER_PARAMETER, activations,
                2 * activations, heap, freeMemory(), heapAvailable);
    }

    long nativeBytesMin() {
        return modelStateBytes + activationBytesMin;
    }

    long nativeBytesMax() {
        return modelStateBytes + activationBytesMax;
    }

    /**
     * Refuses a run whose lower bound does not fit: native memory on the CPU (a GPU's own memory is not checked),
     * and the heap. {@code sudo} skips the check, as in GDS.
     */
    void require(boolean onGpu, String procedure) {
        if (!onGpu && nativeBytesMin() > nativeAvailable) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s needs at least %s of native memory (%,d parameters at 16 bytes each, and one batch's "
                            + "activations) and the machine has %s free; lower `batchSize` or `maxLength`, or pass "
                            + "`sudo: true` to try anyway (%s.estimate shows the figures).",
                    procedure, MemorySize.human(nativeBytesMin()), parameters, MemorySize.human(nativeAvailable),
                    procedure));
        }
        if (heapBytes > heapAvailable) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s needs %s of heap for its %,d encoded examples and the heap has %s free; lower `maxLength` (or, "
                            + "fine-tuning, `trainLimit` or `devLimit`), raise server.memory.heap.max_size, or pass "
                            + "`sudo: true`.",
                    procedure, MemorySize.human(heapBytes), examples, MemorySize.human(heapAvailable)));
        }
    }

    /** Linux's MemAvailable (free memory plus what the page cache would give back), else the JVM's view. */
    private static long freeMemory() {
        return memAvailable().orElseGet(() -> ManagementFactory.getPlatformMXBean(
                com.sun.management.OperatingSystemMXBean.class).getFreeMemorySize());
    }

    private static Optional<Long> memAvailable() {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.isReadable(meminfo)) {
            return Optional.empty();
        }
        try (var lines = Files.lines(meminfo)) {
            return lines.filter(line -> line.startsWith("MemAvailable:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).findFirst();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
