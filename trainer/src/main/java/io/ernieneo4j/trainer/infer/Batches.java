package io.ernieneo4j.trainer.infer;

import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.TokenizedText;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

import java.util.Arrays;
import java.util.List;

/** The encoder inputs of a batch of examples, with or without entity input. */
public final class Batches {

    private Batches() {}

    /**
     * The inputs for {@code config}: tokens only for a plain BERT; for ERNIE, the aligned entities' vectors, or, with
     * no entity table (the {@code --no-entities} baseline), the same inputs with no entity anywhere.
     */
    public static EncoderBatch inputs(ErnieConfig config, List<EncodedExample> examples, EntityTable entities) {
        List<TokenizedText> texts = examples.stream().map(EncodedExample::pieces).toList();
        if (!config.hasKnowledgeEncoder()) {
            return EncoderBatch.tokens(texts);
        }
        if (entities != null) {
            return EncoderBatch.withEntities(texts, examples.stream().map(EncodedExample::entityRows).toList(),
                    entities);
        }
        return EncoderBatch.withoutEntities(texts, config.entityDim());
    }

    /** The examples at {@code indices}, in that order. */
    public static List<EncodedExample> pick(List<EncodedExample> examples, int[] indices) {
        return Arrays.stream(indices).mapToObj(examples::get).toList();
    }
}
