package io.ernieneo4j.trainer.ernie.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The architecture of an ERNIE encoder: a BERT (hidden size, heads, feed-forward size, vocabulary) whose layers are
 * typed {@link LayerType#SIM sim}, {@link LayerType#MIX mix} or {@link LayerType#NORM norm} as in the reference's
 * {@code ernie_config.json}. A list of only {@code sim} layers is a plain BERT.
 *
 * @param vocabSize        word-piece vocabulary (30,522 for bert-base-uncased)
 * @param hiddenSize       H_w, the token state size
 * @param attentionHeads   token attention heads
 * @param intermediateSize I, the feed-forward (and fusion) inner size
 * @param layerTypes       one entry per layer: zero or more {@code sim}, then either nothing or one {@code mix}
 *                         followed by zero or more {@code norm}
 * @param maxPositions     learned position embeddings
 * @param typeVocabSize    token types (segments)
 * @param entityDim        H_e, the TransE dimension (100 in the paper)
 * @param entityHeads      entity attention heads (4 in the paper)
 * @param dropout          dropout on embeddings, attention probabilities and every dense output
 * @param layerNormEps     LayerNorm epsilon, inside the square root (TF style)
 * @param entityScale      what the entity vectors are multiplied by on the way in (null: 1, the reference). TransE
 *                         vectors have unit norm, so each of their 100 components is about 0.1; a fresh entity side
 *                         learns faster when they come in at unit scale per component ({@code √entityDim})
 */
public record ErnieConfig(
        int vocabSize,
        int hiddenSize,
        int attentionHeads,
        int intermediateSize,
        List<LayerType> layerTypes,
        int maxPositions,
        int typeVocabSize,
        int entityDim,
        int entityHeads,
        float dropout,
        float layerNormEps,
        Float entityScale) {

    public static final int BERT_UNCASED_VOCAB = 30_522;
    public static final int TRANSE_DIM = 100;
    public static final int ENTITY_HEADS = 4;
    public static final float DROPOUT = 0.1f;
    public static final float LAYER_NORM_EPS = 1e-12f;

    public ErnieConfig {
        layerTypes = List.copyOf(layerTypes);
        entityScale = entityScale == null ? 1f : entityScale;
        if (!(entityScale > 0f) || entityScale.isInfinite()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `entityScale` was `%s`, but must be a positive number.", entityScale));
        }
        positive("vocabSize", vocabSize);
        positive("hiddenSize", hiddenSize);
        positive("attentionHeads", attentionHeads);
        positive("intermediateSize", intermediateSize);
        positive("maxPositions", maxPositions);
        positive("typeVocabSize", typeVocabSize);
        positive("entityDim", entityDim);
        positive("entityHeads", entityHeads);
        divides("hiddenSize", hiddenSize, "attentionHeads", attentionHeads);
        divides("entityDim", entityDim, "entityHeads", entityHeads);
        if (layerTypes.isEmpty()) {
            throw new IllegalArgumentException("`layerTypes` must name at least one layer.");
        }
        validateLayerOrder(layerTypes);
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `dropout` was `%s`, but must be within the range [0, 1).", dropout));
        }
        if (!(layerNormEps > 0f)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `layerNormEps` was `%s`, but must be positive.", layerNormEps));
        }
    }

    /** BERT-base (12 x 768, 12 heads, 3,072) as the released ERNIE: 5 sim, mix, 6 norm. */
    public static ErnieConfig bertBase() {
        return bert(768, 12, 3072, 12);
    }

    /** all-MiniLM-L6-v2's shape (6 x 384, 12 heads, 1,536) as ERNIE: 2 sim, mix, 3 norm. */
    public static ErnieConfig miniLm() {
        return bert(384, 12, 1536, 6);
    }

    /** An ERNIE on a BERT of the given shape, with {@link #defaultLayerTypes} and the paper's entity side. */
    public static ErnieConfig bert(int hiddenSize, int heads, int intermediateSize, int layers) {
        return new ErnieConfig(BERT_UNCASED_VOCAB, hiddenSize, heads, intermediateSize, defaultLayerTypes(layers),
                512, 2, TRANSE_DIM, ENTITY_HEADS, DROPOUT, LAYER_NORM_EPS, 1f);
    }

    /**
     * The reference's split scaled to {@code layers}: the last half are aggregators ({@code norm}), the one before
     * them is {@code mix}, the rest are plain ({@code sim}). 12 gives the released model's list; 6 gives
     * {@code [sim, sim, mix, norm, norm, norm]}.
     */
    public static List<LayerType> defaultLayerTypes(int layers) {
        if (layers < 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "An ERNIE encoder needs at least 2 layers (a mix and a norm), got %d.", layers));
        }
        int norms = layers / 2;
        List<LayerType> types = new ArrayList<>(Collections.nCopies(layers - norms - 1, LayerType.SIM));
        types.add(LayerType.MIX);
        types.addAll(Collections.nCopies(norms, LayerType.NORM));
        return List.copyOf(types);
    }

    /** The same BERT with other layer types, e.g. all {@code sim} for the plain BERT it starts from. */
    public ErnieConfig withLayerTypes(List<LayerType> types) {
        return new ErnieConfig(vocabSize, hiddenSize, attentionHeads, intermediateSize, types, maxPositions,
                typeVocabSize, entityDim, entityHeads, dropout, layerNormEps, entityScale);
    }

    /** The same architecture with the entity vectors multiplied by {@code scale} on the way in. */
    public ErnieConfig withEntityScale(float scale) {
        return new ErnieConfig(vocabSize, hiddenSize, attentionHeads, intermediateSize, layerTypes, maxPositions,
                typeVocabSize, entityDim, entityHeads, dropout, layerNormEps, scale);
    }

    /** The plain BERT of the same shape: every layer {@code sim}. */
    public ErnieConfig plainBert() {
        return withLayerTypes(Collections.nCopies(layerTypes.size(), LayerType.SIM));
    }

    public int layers() {
        return layerTypes.size();
    }

    /** Whether any layer takes entity input; a plain BERT does not. */
    /**
     * The parameters nothing reads: the last layer's entity output ({@code output.dense_ent},
     * {@code output.LayerNorm_ent}), which the reference's optimiser leaves out too.
     */
    public Predicate<String> unusedEntityOutput() {
        String last = "encoder.layer." + (layers() - 1) + ".output.";
        return name -> name.startsWith(last + "dense_ent.") || name.startsWith(last + "LayerNorm_ent.");
    }

    public boolean hasKnowledgeEncoder() {
        return layerTypes.stream().anyMatch(LayerType::fuses);
    }

    private static void validateLayerOrder(List<LayerType> types) {
        int mix = types.indexOf(LayerType.MIX);
        int firstNorm = types.indexOf(LayerType.NORM);
        boolean valid = mix == types.lastIndexOf(LayerType.MIX)
                && (firstNorm < 0 || (mix >= 0 && firstNorm == mix + 1))
                && (mix < 0 || types.subList(mix + 1, types.size()).stream().allMatch(t -> t == LayerType.NORM));
        if (!valid) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `layerTypes` was `%s`, but must be sim layers, then optionally one mix layer followed "
                            + "by norm layers (the reference's order, e.g. [sim, sim, mix, norm, norm, norm]).",
                    types.stream().map(LayerType::code).toList()));
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%d`, but must be at least 1.", key, value));
        }
    }

    private static void divides(String key, int value, String divisorKey, int divisor) {
        if (value % divisor != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%d`, but must be a multiple of `%s` (%d).", key, value, divisorKey, divisor));
        }
    }
}
