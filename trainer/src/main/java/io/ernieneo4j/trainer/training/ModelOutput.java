package io.ernieneo4j.trainer.training;

import java.nio.file.Path;

/**
 * Where a run writes and what its model directories record.
 *
 * @param directory     the best model (by dev score) in the plugin's format; checkpoints go to {@code checkpoint/}
 * @param tokenizerJson the tokenizer the inputs come from, copied into each model directory
 * @param maxLength     word pieces a text is cut to
 * @param transeModel   the name of the entity embeddings the model reads ({@code none} without entity input)
 * @param training      what the examples came from ({@link io.ernieneo4j.trainer.ernie.ErnieManifest#training()});
 *                      null when unknown
 */
public record ModelOutput(Path directory, Path tokenizerJson, int maxLength, String transeModel,
                          java.util.Map<String, Object> training) {

    public ModelOutput(Path directory, Path tokenizerJson, int maxLength, String transeModel) {
        this(directory, tokenizerJson, maxLength, transeModel, null);
    }

    public static final String CHECKPOINT = "checkpoint";
    public static final String OPTIMIZER = "optimizer.bin";

    public Path checkpoint() {
        return directory.resolve(CHECKPOINT);
    }
}
