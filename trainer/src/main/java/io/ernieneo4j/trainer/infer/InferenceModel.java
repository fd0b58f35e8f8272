package io.ernieneo4j.trainer.infer;

import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;

import java.util.Locale;

/**
 * A model folder loaded for inference on one engine: its manifest, its tokenizer and its forward pass; closing it
 * frees both.
 *
 * @param device       where the engine runs it: {@code cpu} or {@code gpu}
 * @param quantization how the weights it runs are stored
 * @param detail one sentence on the engine: which, why (the {@code auto} choice), and where its graph came from
 */
public record InferenceModel(ErnieManifest manifest, WordPieceTokenizer tokenizer, ErnieInference inference,
                             String device, Quantization quantization, String detail) implements AutoCloseable {

    /** A model loaded by {@link ModelDirectory#load} run by DJL's PyTorch engine. */
    public static InferenceModel pytorch(ModelDirectory.Loaded loaded, String device, String detail) {
        return new InferenceModel(loaded.manifest(), loaded.tokenizer(), new PyTorchInference(loaded.model()),
                device, Quantization.NONE, detail);
    }

    public String engine() {
        return inference.engine();
    }

    /**
     * The DJL model, for what only it computes (an {@code encoder}'s token states); fails on another engine with
     * a sentence saying to load the model with {@code engine: 'pytorch'}.
     */
    public ErnieModel pytorchModel(String what) {
        if (inference instanceof PyTorchInference pytorch) {
            return pytorch.model();
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s runs only on the `pytorch` engine, but this model is loaded with `engine: '%s'`; "
                        + "load it again with `engine: 'pytorch'`.", what, inference.engine()));
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            inference.close();
        }
    }
}
