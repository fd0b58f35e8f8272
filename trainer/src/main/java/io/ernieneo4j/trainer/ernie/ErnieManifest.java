package io.ernieneo4j.trainer.ernie;

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
 */
public record ErnieManifest(
        int formatVersion,
        ErnieConfig architecture,
        ErnieTask task,
        List<String> labels,
        String tokenizer,
        int maxLength,
        String parameters,
        EntityEmbeddings entities) {

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

    public ErnieManifest {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }
}
