package io.ernieneo4j.trainer.infer.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.onnx.OnnxExport;
import io.ernieneo4j.trainer.infer.ErnieInference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A typing or relation model's exported ONNX graph ({@link OnnxExport}) on ONNX Runtime's CPU provider: the same
 * inputs as the DJL model ({@link EncoderBatch}), the same logits. A session is safe for concurrent runs; the graph's
 * weights are read into the session's memory when it is created, so the file may go afterwards.
 */
public final class OnnxRuntimeInference implements ErnieInference {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ErnieManifest manifest;
    private final long weightBytes;

    private OnnxRuntimeInference(OrtEnvironment environment, OrtSession session, ErnieManifest manifest,
                                 long weightBytes) {
        this.environment = environment;
        this.session = session;
        this.manifest = manifest;
        this.weightBytes = weightBytes;
    }

    /** Opens {@code graph}, the export of the model {@code manifest} describes, on the CPU. */
    public static OnnxRuntimeInference open(Path graph, ErnieManifest manifest, int threads) {
        return open(graph, manifest, threads, false);
    }

    /**
     * Opens {@code graph}, the export of the model {@code manifest} describes.
     *
     * @param threads intra-op threads (the cores one batch may use)
     * @param gpu     on the first GPU through ONNX Runtime's CUDA provider ({@link #hasCuda} must hold)
     */
    public static OnnxRuntimeInference open(Path graph, ErnieManifest manifest, int threads, boolean gpu) {
        if (manifest.task() == ErnieTask.ENCODER) {
            throw new IllegalArgumentException("An `encoder` model has no logits; ONNX Runtime runs typing and "
                    + "relation models here.");
        }
        OrtEnvironment environment = OnnxRuntimeEnvironment.get();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            // no busy-waiting between ops and runs: in a database server the cores are shared with queries and other
            // callers (libgomp runs PASSIVE for PyTorch for the same reason)
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (gpu) {
                options.addCUDA(0);
            }
            OrtSession session = environment.createSession(graph.toString(), options);
            List<String> expected = OnnxExport.inputNames(manifest.architecture());
            if (!session.getInputNames().containsAll(expected) || !session.getOutputNames().contains(OnnxExport.LOGITS)) {
                List<String> inputs = new ArrayList<>(session.getInputNames());
                session.close();
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`%s` is not this model's graph: its inputs are %s, the model's %s with output `%s`.",
                        graph, inputs, expected, OnnxExport.LOGITS));
            }
            // the graph's weights are nearly all of its file
            return new OnnxRuntimeInference(environment, session, manifest, Files.size(graph));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "ONNX Runtime could not open `%s`: %s", graph, e.getMessage()), e);
        }
    }

    /**
     * Whether the ONNX Runtime on the class path is a build with the CUDA provider ({@code onnxruntime_gpu}); it says
     * nothing of whether this machine has a GPU, CUDA or cuDNN.
     */
    public static boolean hasCuda() {
        OnnxRuntimeEnvironment.get(); // the library loads with the guards of the first environment
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** The execution providers this ONNX Runtime build has, by ONNX Runtime's names ({@code CPUExecutionProvider}). */
    public static List<String> availableProviders() {
        OnnxRuntimeEnvironment.get();
        return OrtEnvironment.getAvailableProviders().stream().map(OrtProvider::getName).sorted().toList();
    }

    /**
     * The provider a session {@link #open}ed with {@code gpu} runs the graph on: CUDA's for a GPU (ONNX Runtime leaves
     * to the CPU's only the nodes CUDA's does not take), else the CPU's.
     */
    public static String provider(boolean gpu) {
        return (gpu ? OrtProvider.CUDA : OrtProvider.CPU).getName();
    }

    /** ONNX Runtime's version, as its native library reports it. */
    public static String version() {
        return OnnxRuntimeEnvironment.get().getVersion();
    }

    @Override
    public String engine() {
        return ONNX_RUNTIME;
    }

    @Override
    public ErnieTask task() {
        return manifest.task();
    }

    @Override
    public List<String> labels() {
        return manifest.labels();
    }

    @Override
    public ErnieConfig config() {
        return manifest.architecture();
    }

    @Override
    public long weightBytes() {
        return weightBytes;
    }

    @Override
    public float[][] logits(EncoderBatch batch) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            long[] tokens = {batch.batch(), batch.length()};
            inputs.put(OnnxExport.INPUT_IDS, longs(batch.ids(), tokens));
            inputs.put(OnnxExport.TOKEN_TYPE_IDS, longs(batch.tokenTypes(), tokens));
            inputs.put(OnnxExport.ATTENTION_MASK, longs(batch.attentionMask(), tokens));
            if (config().hasKnowledgeEncoder()) {
                long slots = batch.entitySlots();
                inputs.put(OnnxExport.ENTITY_VECTORS, floats(batch.entityVectors(),
                        new long[] {batch.batch(), slots, batch.entityDim()}));
                inputs.put(OnnxExport.ENTITY_MASK, floats(batch.slotMask(), new long[] {batch.batch(), slots}));
                inputs.put(OnnxExport.ENTITY_PLACEMENT, floats(batch.placement(),
                        new long[] {batch.batch(), slots, batch.length()}));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxValue value = result.get(OnnxExport.LOGITS).orElseThrow();
                FloatBuffer values = ((OnnxTensor) value).getFloatBuffer();
                int labels = values.remaining() / batch.batch();
                float[][] rows = new float[batch.batch()][labels];
                for (float[] row : rows) {
                    values.get(row);
                }
                return rows;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor longs(long[] values, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
    }

    private OnnxTensor floats(float[] values, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), shape);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not close its session: " + e.getMessage(), e);
        }
    }
}
