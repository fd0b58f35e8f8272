package io.ernieneo4j.trainer.ernie.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The three layer kinds of the reference's {@code layer_types} list, spelled as the reference spells them. */
public enum LayerType {
    /** A plain BERT layer; entity states pass through unchanged. */
    SIM("sim"),
    /** The first fusion layer: token self-attention only, the raw (masked) entity vectors go into the fusion. */
    MIX("mix"),
    /** The paper's aggregator: token and entity multi-head attention in parallel, then the fusion. */
    NORM("norm");

    private final String code;

    LayerType(String code) {
        this.code = code;
    }

    /** The name in {@code ernie.json} and in the reference's {@code ernie_config.json}. */
    @JsonValue
    public String code() {
        return code;
    }

    /** Whether the layer fuses token and entity states (its feed-forward is the fusion layer). */
    public boolean fuses() {
        return this != SIM;
    }

    @JsonCreator
    public static LayerType of(String code) {
        for (LayerType type : values()) {
            if (type.code.equals(code)) {
                return type;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "Unknown layer type `%s`, expected one of [%s].", code,
                Arrays.stream(values()).map(LayerType::code).collect(Collectors.joining(", "))));
    }
}
