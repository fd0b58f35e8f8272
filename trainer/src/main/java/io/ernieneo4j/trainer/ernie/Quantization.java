package io.ernieneo4j.trainer.ernie;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the weights of an exported graph's encoder are stored: {@link #NONE} (float32, the model's own values) or
 * {@link #INT8} (dynamic quantization: each token-side Linear of the encoder layers as int8 weights with a scale per
 * output column, its input quantized per batch by {@code DynamicQuantizeLinear}; ONNX Runtime fuses the pattern into
 * its integer MatMul). Embeddings, the K-Encoder's entity side, the pooler and the head stay float32: they are a small
 * share of the work and the entity side carries the knowledge the model is for.
 */
public enum Quantization {
    NONE("none", "model.onnx"),
    INT8("int8", "model.int8.onnx");

    /** The settings a user may give, by {@link #code}. */
    public static final List<String> CODES = Arrays.stream(values()).map(Quantization::code).toList();

    private final String code;
    private final String file;

    Quantization(String code, String file) {
        this.code = code;
        this.file = file;
    }

    /** The setting's name: {@code none} or {@code int8}. */
    public String code() {
        return code;
    }

    /** The file a model directory's export of this kind is written to by default. */
    public String file() {
        return file;
    }

    /**
     * The quantization named {@code value}.
     *
     * @param key the configuration key it came from, named in the error
     */
    public static Quantization of(String key, String value) {
        for (Quantization quantization : values()) {
            if (quantization.code.equals(value)) {
                return quantization;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "Value for `%s` was `%s`, but must be one of %s.", key, value, CODES));
    }
}
