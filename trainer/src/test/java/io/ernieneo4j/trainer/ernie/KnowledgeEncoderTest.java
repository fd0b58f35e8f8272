package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.config.LayerType;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.ernieneo4j.trainer.ernie.config.LayerType.MIX;
import static io.ernieneo4j.trainer.ernie.config.LayerType.NORM;
import static io.ernieneo4j.trainer.ernie.config.LayerType.SIM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the K-Encoder does, pinned against the plain BERT its text side comes from (all-MiniLM-L6-v2).
 *
 * <p>With no entity in the input (entity mask 0 except the forced [CLS] slot, vectors 0) and the reference's
 * initialisation ({@code dense_ent} bias b_e = 0):
 * <ol>
 *   <li>{@code mix}: ẽ = 0, so h = gelu(W_t·w̃ + b_t + W_e·0 + b_e) = gelu(W_t·w̃ + b_t): the BERT feed-forward.
 *       The layer's token output is BERT's, at every position. Its entity output LayerNorm_e(W_e'·h + b_e') is not
 *       zero anywhere.</li>
 *   <li>first {@code norm}: the entity attention keys are masked except position 0, so every entity query reads the
 *       [CLS] slot; the result is masked again, so ẽ is non-zero only at [CLS]. Tokens at positions ≥ 1 get
 *       BERT's layer; [CLS] gets W_e·ẽ_0 added inside its GELU and differs.</li>
 *   <li>later layers: token attention carries the changed [CLS] to every position, so every token differs.</li>
 * </ol>
 * A non-zero b_e reaches every token already in {@code mix}. An entity on a piece changes, in {@code mix} (a
 * position-wise fusion), exactly that piece.
 */
class KnowledgeEncoderTest {

    private static final double SAME = 1e-6;
    private static final double CHANGED = 1e-3;
    private static final String DOG = "02084071-n";
    private static final String NIGHT = "15167027-n";

    private static ErnieModel bert;
    private static WordPieceTokenizer tokenizer;
    private static EntityTable entities;
    private static TokenizedText text;
    private static EncoderBatch noEntities;
    private static EncoderBatch dogEntity;
    private static int dogPiece;
    private static int[] dogRows;

    @BeforeAll
    static void load() throws Exception {
        MiniLm.startDjl();
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(MiniLm.onnx())) {
            bert = ErnieModel.fromCheckpoint(MiniLm.BERT, Device.cpu(), checkpoint,
                    name -> name.startsWith("pooler."), 42);
        }
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128);
        entities = EntityTable.of(List.of(DOG, NIGHT), new float[][] {unitVector(1), unitVector(2)});
        text = tokenizer.encode("the dog barked all night");
        EntityAlignment none = EntityAlignment.align(text, List.of(), entities);
        EntityAlignment dog = EntityAlignment.align(text, List.of(new Mention(4, 7, DOG)), entities);
        assertThat(dog.aligned()).isEqualTo(1);
        dogPiece = text.pieceStartingAt(4);
        noEntities = EncoderBatch.withEntities(List.of(text), List.of(none.rows()), entities);
        dogEntity = EncoderBatch.withEntities(List.of(text), List.of(dog.rows()), entities);
        dogRows = dog.rows();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        bert.close();
    }

    @Test
    void mixLayerWithoutEntitiesIsTheBertLayer() {
        float[][] ernie = tokensAndClose(ernieOnBert(List.of(SIM, SIM, MIX)), noEntities);
        float[][] plain = tokensAndClose(bertLayers(3), noEntities);
        for (int t = 0; t < text.length(); t++) {
            assertThat(maxDifference(ernie[t], plain[t])).as("piece %d", t).isLessThan(SAME);
        }
    }

    @Test
    void firstAggregatorWithoutEntitiesChangesOnlyTheClsToken() {
        float[][] ernie = tokensAndClose(ernieOnBert(List.of(SIM, SIM, MIX, NORM)), noEntities);
        float[][] plain = tokensAndClose(bertLayers(4), noEntities);
        assertThat(maxDifference(ernie[0], plain[0])).isGreaterThan(CHANGED);
        for (int t = 1; t < text.length(); t++) {
            assertThat(maxDifference(ernie[t], plain[t])).as("piece %d", t).isLessThan(SAME);
        }
    }

    @Test
    void laterAggregatorsCarryTheClsEntityStateToEveryToken() {
        float[][] ernie = tokensAndClose(ernieOnBert(MiniLm.ERNIE.layerTypes()), noEntities);
        float[][] plain = tokens(bert, noEntities);
        for (int t = 0; t < text.length(); t++) {
            assertThat(maxDifference(ernie[t], plain[t])).as("piece %d", t).isGreaterThan(CHANGED);
        }
    }

    @Test
    void entityBiasReachesTokensWithoutEntities() {
        ErnieModel ernie = ernieOnBert(List.of(SIM, SIM, MIX));
        try (ernie) {
            Parameter bias = ernie.parameters().get("encoder.layer.2.intermediate.dense_ent.bias");
            bias.getArray().set(filled(1536, 0.05f));
            float[][] withBias = tokens(ernie, noEntities);
            float[][] plain = tokensAndClose(bertLayers(3), noEntities);
            for (int t = 0; t < text.length(); t++) {
                assertThat(maxDifference(withBias[t], plain[t])).as("piece %d", t).isGreaterThan(CHANGED);
            }
        }
    }

    @Test
    void anEntityChangesItsPieceInMixAndEveryPieceAfterAnAggregator() {
        ErnieModel mixOnly = ernieOnBert(List.of(SIM, SIM, MIX));
        try (mixOnly) {
            float[][] without = tokens(mixOnly, noEntities);
            float[][] with = tokens(mixOnly, dogEntity);
            for (int t = 0; t < text.length(); t++) {
                double difference = maxDifference(with[t], without[t]);
                if (t == dogPiece) {
                    assertThat(difference).isGreaterThan(CHANGED);
                } else {
                    assertThat(difference).as("piece %d", t).isLessThan(SAME);
                }
            }
        }
        ErnieModel full = ernieOnBert(MiniLm.ERNIE.layerTypes());
        try (full) {
            float[][] without = tokens(full, noEntities);
            float[][] with = tokens(full, dogEntity);
            for (int t = 0; t < text.length(); t++) {
                assertThat(maxDifference(with[t], without[t])).as("piece %d", t).isGreaterThan(CHANGED);
            }
        }
    }

    @Test
    void aTextGivesTheSameTokensAloneAndBesideATextWithMoreEntities() {
        TokenizedText other = tokenizer.encode("the dog and the dog and the dog barked");
        int[] everyDog = new int[other.length()];
        Arrays.fill(everyDog, -1);
        for (int start : new int[] {4, 16, 28}) {
            everyDog[other.pieceStartingAt(start)] = 0;
        }
        EncoderBatch both = EncoderBatch.withEntities(
                List.of(text, other), List.of(dogRows, everyDog), entities);
        assertThat(both.entitySlots()).as("[CLS] + 3 dogs; the first text pads 2 slots").isEqualTo(4);
        try (ErnieModel ernie = ernieOnBert(MiniLm.ERNIE.layerTypes())) {
            float[][] alone = tokens(ernie, dogEntity);
            float[][] beside = tokens(ernie, both);
            // padded pieces and slots change only the float summation order (a slot that leaked would move > 1e-3)
            for (int t = 0; t < text.length(); t++) {
                assertThat(maxDifference(beside[t], alone[t])).as("piece %d", t).isLessThan(1e-5);
            }
        }
    }

    @Test
    void outputsAreTokensAndPooled() {
        EncoderBatch two = EncoderBatch.withEntities(
                List.of(text, tokenizer.encode("night")),
                List.of(new int[text.length()], new int[] {-1, 1, -1}), entities);
        try (ErnieModel ernie = ernieOnBert(MiniLm.ERNIE.layerTypes());
             NDManager scope = ernie.manager().newSubManager()) {
            NDList outputs = ernie.predict(two.toNDList(scope));
            assertThat(outputs).hasSize(2);
            assertThat(outputs.get(0).getShape().getShape()).containsExactly(2, text.length(), 384);
            assertThat(outputs.get(1).getShape().getShape()).containsExactly(2, 384);
        }
    }

    @Test
    void textSideIsBertAndEntitySideIsSeeded() throws Exception {
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(MiniLm.onnx());
             ErnieModel first = load(checkpoint, 7);
             ErnieModel again = load(checkpoint, 7);
             ErnieModel otherSeed = load(checkpoint, 8)) {
            long entityValues = 0;
            int entityTensors = 0;
            for (Map.Entry<String, Parameter> entry : first.parameters().entrySet()) {
                String name = entry.getKey();
                float[] values = entry.getValue().getArray().toFloatArray();
                assertThat(again.parameters().get(name).getArray().toFloatArray()).as(name).isEqualTo(values);
                if (ErnieModel.ENTITY_SIDE.test(name)) {
                    entityTensors++;
                    entityValues += values.length;
                    boolean random = entry.getValue().getType() == Parameter.Type.WEIGHT;
                    float[] other = otherSeed.parameters().get(name).getArray().toFloatArray();
                    if (random) {
                        assertThat(other).as(name).isNotEqualTo(values);
                    } else {
                        assertThat(other).as(name).isEqualTo(values);
                    }
                } else if (!name.startsWith("pooler.")) {
                    assertThat(values).as(name).isEqualTo(bert.parameters().get(name).getArray().toFloatArray());
                }
            }
            // mix: dense_ent (1536x100 + 1536), output.dense_ent (100x1536 + 100), LayerNorm_ent (2x100);
            // each norm adds self_ent (3 x (100x100 + 100)) and output_ent (100x100 + 100 + 2x100)
            long mix = 1536 * 100 + 1536 + 100 * 1536 + 100 + 200;
            long norm = mix + 3 * (100 * 100 + 100) + 100 * 100 + 100 + 200;
            assertThat(entityTensors).isEqualTo(6 + 3 * 16);
            assertThat(entityValues).isEqualTo(mix + 3 * norm);
        }
    }

    private static ErnieModel load(OnnxCheckpoint checkpoint, long seed) throws Exception {
        return ErnieModel.fromCheckpoint(MiniLm.ERNIE, Device.cpu(), checkpoint,
                ErnieModel.ENTITY_SIDE.or(name -> name.startsWith("pooler.")), seed);
    }

    /** An ERNIE with {@code types} whose every parameter BERT also has is BERT's; the entity side is seeded. */
    private static ErnieModel ernieOnBert(List<LayerType> types) {
        ErnieModel model = ErnieModel.random(MiniLm.BERT.withLayerTypes(types), Device.cpu(), 11);
        copyShared(model);
        return model;
    }

    /** The first {@code layers} layers of the BERT. */
    private static ErnieModel bertLayers(int layers) {
        ErnieModel model = ErnieModel.random(
                MiniLm.BERT.withLayerTypes(Collections.nCopies(layers, SIM)), Device.cpu(), 11);
        copyShared(model);
        return model;
    }

    private static void copyShared(ErnieModel model) {
        model.parameters().forEach((name, parameter) -> {
            Parameter source = bert.parameters().get(name);
            if (source != null) {
                parameter.getArray().set(source.getArray().toFloatArray());
            }
        });
    }

    private static float[][] tokensAndClose(ErnieModel model, EncoderBatch batch) {
        try (model) {
            return tokens(model, batch);
        }
    }

    /** The last layer's token states of the batch's first text, one row per piece. */
    private static float[][] tokens(ErnieModel model, EncoderBatch batch) {
        return DjlRuntime.call(() -> {
            try (NDManager scope = model.manager().newSubManager()) {
                NDList inputs = batch.toNDList(scope);
                if (!model.config().hasKnowledgeEncoder()) {
                    inputs = inputs.subNDList(0, 3);
                }
                float[] flat = model.predict(inputs).get(0).toFloatArray();
                int hidden = model.config().hiddenSize();
                List<float[]> rows = new ArrayList<>();
                for (int t = 0; t < batch.length(); t++) {
                    float[] row = new float[hidden];
                    System.arraycopy(flat, t * hidden, row, 0, hidden);
                    rows.add(row);
                }
                return rows.toArray(new float[0][]);
            }
        });
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static float[] filled(int n, float value) {
        float[] values = new float[n];
        Arrays.fill(values, value);
        return values;
    }

    /** A unit vector like a TransE entity's, seeded. */
    private static float[] unitVector(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] vector = new float[100];
        double norm = 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < vector.length; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }
}
