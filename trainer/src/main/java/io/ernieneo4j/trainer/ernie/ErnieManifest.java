package io.ernieneo4j.trainer.ernie;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import java.util.List;

/**
 * {@code ernie.json}: what a model directory holds and what it needs. Read and written with Jackson; unknown keys
 * are rejected.
 *
 * @param formatVersion the directory layout's version ({@link ModelDirectory#FORMAT_VERSION})
 * @param architecture  the encoder
 * @param task          the head on top of it
 * @param labels        the head's classes, in logit order (empty for an encoder)
 * @param tokenizer     the Hugging Face {@code tokenizer.json}, relative to the directory
 * @param maxLength     word pieces a text is cut to
 * @param parameters    DJL's parameter file, relative to the directory
 * @param entities      the entity embeddings the model was trained with
 * @param training      what its examples came from, when known: {@code dataset} (the folder), and when the dataset's
 *                      relation labels came from one split of the graph's edges only, {@code splitProperty} and
 *                      {@code trainSplit} (so an evaluation on the other splits can trust the model never read them);
 *                      null for models saved before this was recorded or outside a training run
 * @param onnx          the model's ONNX graph, when {@code export-onnx} wrote one into the directory; null otherwise
 *                      (and for every model saved before exports existed)
 * @param onnxInt8      its ONNX graph with int8 encoder weights ({@link Quantization#INT8}), when one was written into
 *                      the directory; null otherwise (not written into {@code ernie.json} then)
 */
public record ErnieManifest(
        int formatVersion,
        ErnieConfig architecture,
        ErnieTask task,
        List<String> labels,
        String tokenizer,
        int maxLength,
        String parameters,
        EntityEmbeddings entities,
        java.util.Map<String, Object> training,
        Onnx onnx,
        @JsonInclude(JsonInclude.Include.NON_NULL) Onnx onnxInt8) {

    /**
     * The TransE model the entity input must come from.
     *
     * @param transeModel its name (as written by {@code ernie.transe.*} or the file it was exported to)
     * @param dimension   its vector size, equal to the architecture's entity dimension
     */
    public record EntityEmbeddings(String transeModel, int dimension) {

        /** The {@code transeModel} of a model trained without entity input (the {@code --no-entities} baseline). */
        public static final String NONE = "none";

        /** Whether the model reads entity vectors at all. */
        public boolean used() {
            return !NONE.equals(transeModel);
        }
    }

    /**
     * The ONNX graph exported from the model's parameters: the whole model (embeddings, encoder, pooler, head), the
     * entity input as graph inputs, the entity scale applied inside.
     *
     * @param file    relative to the directory
     * @param opset   the default-domain operator set it uses
     * @param inputs  its input names, in order
     * @param outputs its output names, in order
     */
    public record Onnx(String file, int opset, List<String> inputs, List<String> outputs) {

        public Onnx {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    public ErnieManifest {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** A manifest without an ONNX export. */
    public ErnieManifest(int formatVersion, ErnieConfig architecture, ErnieTask task, List<String> labels,
                         String tokenizer, int maxLength, String parameters, EntityEmbeddings entities,
                         java.util.Map<String, Object> training) {
        this(formatVersion, architecture, task, labels, tokenizer, maxLength, parameters, entities, training, null,
                null);
    }

    /** The recorded export of weights stored as {@code quantization}; null when none is recorded. */
    @JsonIgnore
    public Onnx onnx(Quantization quantization) {
        return quantization == Quantization.INT8 ? onnxInt8 : onnx;
    }

    /** This manifest recording {@code export} (null: none) as its graph of {@code quantization}. */
    public ErnieManifest withOnnx(Quantization quantization, Onnx export) {
        return new ErnieManifest(formatVersion, architecture, task, labels, tokenizer, maxLength, parameters, entities,
                training, quantization == Quantization.INT8 ? onnx : export,
                quantization == Quantization.INT8 ? export : onnxInt8);
    }

    /** A manifest without a training record. */
    public ErnieManifest(int formatVersion, ErnieConfig architecture, ErnieTask task, List<String> labels,
                         String tokenizer, int maxLength, String parameters, EntityEmbeddings entities) {
        this(formatVersion, architecture, task, labels, tokenizer, maxLength, parameters, entities, null, null, null);
    }
}
