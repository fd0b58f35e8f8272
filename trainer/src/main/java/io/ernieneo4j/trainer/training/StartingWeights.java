package io.ernieneo4j.trainer.training;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.ReferenceCheckpoint;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.CheckpointTensors;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where fine-tuning starts: a BERT exported to ONNX (MiniLM by default; its text side, with the entity side, pooler
 * and head fresh), a saved ERNIE model directory (e.g. from {@code pretrain}: everything but the head) or a folder
 * of the reference implementation's (thunlp's released ERNIE, converted to safetensors: everything but the head).
 */
public final class StartingWeights {

    private StartingWeights() {}

    /**
     * A model for {@code task} filled from {@code source}.
     *
     * @param onnxArchitecture the architecture of an ONNX source (its file does not say)
     */
    public static ErnieModel load(Path source, ErnieConfig onnxArchitecture, ErnieTask task, List<String> labels,
                                  Device device, long seed) throws IOException {
        if (Files.isDirectory(source) && ReferenceCheckpoint.isIn(source)) {
            return ReferenceCheckpoint.load(source, task, labels, device, seed);
        }
        if (Files.isDirectory(source)) {
            try (ModelDirectory.Loaded saved = ModelDirectory.load(source, device)) {
                return ErnieModel.fromCheckpoint(saved.manifest().architecture(), task, labels, device,
                        new ModelTensors(source.toString(), saved.model().parameters()), name -> false, seed);
            }
        }
        if (!Files.isRegularFile(source)) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` is neither an ONNX file nor an ERNIE model directory.", source));
        }
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(source)) {
            return ErnieModel.fromCheckpoint(onnxArchitecture, task, labels, device, checkpoint,
                    ErnieModel.ENTITY_SIDE.or(name -> name.startsWith("pooler.")), seed);
        }
    }

    /** The architecture {@link #load} builds from {@code source}, read from its configuration alone. */
    public static ErnieConfig architecture(Path source, ErnieConfig onnxArchitecture) throws IOException {
        if (Files.isDirectory(source) && ReferenceCheckpoint.isIn(source)) {
            return ReferenceCheckpoint.readConfig(source.resolve(ReferenceCheckpoint.CONFIG));
        }
        if (Files.isDirectory(source)) {
            return ModelDirectory.readManifest(source).architecture();
        }
        return onnxArchitecture;
    }

    /** A saved model's encoder parameters seen as a checkpoint (a task head it carries is left behind). */
    private record ModelTensors(String source, Map<String, Parameter> parameters) implements CheckpointTensors {

        @Override
        public List<String> names() {
            return parameters.keySet().stream().filter(name -> name.startsWith("embeddings.")
                    || name.startsWith("encoder.") || name.startsWith("pooler.")).toList();
        }

        @Override
        public long[] shape(String name) {
            return parameters.get(name).getArray().getShape().getShape();
        }

        @Override
        public float[] read(String name) {
            return parameters.get(name).getArray().toFloatArray();
        }

        @Override
        public void close() {}
    }
}
