package io.ernieneo4j.trainer.ernie;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ernieneo4j.trainer.ernie.nn.PooledClassifierHead;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a saved model does on top of the encoder, and so which head (and label set) it carries. */
public enum ErnieTask {
    /** The encoder alone (pretrained, or for features). */
    ENCODER("encoder"),
    /** Multi-label entity typing on the pooled [CLS] of a text with {@code [ENT]} markers. */
    TYPING("typing"),
    /** Single-label relation classification on the pooled [CLS] of a text with {@code [HD]}/{@code [TL]} markers. */
    RELATION("relation");

    private final String code;

    ErnieTask(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** The head for {@code labels} classes, or null for {@link #ENCODER}. */
    PooledClassifierHead newHead(int labels, float dropout) {
        return switch (this) {
            case ENCODER -> null;
            case TYPING -> PooledClassifierHead.typing(labels, dropout);
            case RELATION -> PooledClassifierHead.relation(labels, dropout);
        };
    }

    @JsonCreator
    public static ErnieTask of(String code) {
        for (ErnieTask task : values()) {
            if (task.code.equals(code)) {
                return task;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "Unknown task `%s`, expected one of [%s].",
                code, Arrays.stream(values()).map(ErnieTask::code).collect(Collectors.joining(", "))));
    }
}
