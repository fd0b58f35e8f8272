package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.PretrainedWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.ernieneo4j.trainer.ernie.config.LayerType.MIX;
import static io.ernieneo4j.trainer.ernie.config.LayerType.NORM;
import static io.ernieneo4j.trainer.ernie.config.LayerType.SIM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HeadsTest {

    private static final ErnieConfig TINY = new ErnieConfig(50, 8, 2, 16,
            List.of(SIM, MIX, NORM), 16, 2, 4, 2, 0.1f, 1e-12f, 1f);

    private static NDManager manager;

    @BeforeAll
    static void start() {
        DjlRuntime.start(Path.of("target", "djl-cache"));
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void geluIsTheExactErfForm() {
        float[] values = Activation.gelu(manager.create(new float[] {1f, -1f, 3f})).toFloatArray();
        // x * Phi(x): 0.8413447, -0.1586553, 2.9959502 (the tanh approximation gives 0.8411920 at 1)
        assertThat(values[0]).isCloseTo(0.8413447f, within(1e-6f));
        assertThat(values[1]).isCloseTo(-0.1586553f, within(1e-6f));
        assertThat(values[2]).isCloseTo(2.9959502f, within(1e-6f));
    }

    @Test
    void layerNormHasItsEpsilonInsideTheSquareRoot() {
        BertLayerNorm norm = new BertLayerNorm(4, 1e-12f);
        norm.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        PretrainedWeights.initialiseAll(ParameterNames.of(norm), 0);
        float[] out = norm.forward(new ParameterStore(manager, false),
                new NDList(manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 4))), false).head().toFloatArray();
        // mean 2.5, variance 1.25: (x - 2.5) / sqrt(1.25)
        assertThat(out).containsExactly(new float[] {-1.3416408f, -0.4472136f, 0.4472136f, 1.3416408f},
                within(1e-6f));
    }

    @Test
    void maskedLmDecodesThroughTheWordEmbeddingsItIsTiedTo() {
        EmbeddingTable words = new EmbeddingTable(TINY.vocabSize(), TINY.hiddenSize());
        words.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        MaskedLmHead head = new MaskedLmHead(TINY, words);
        head.initialize(manager, DataType.FLOAT32, new Shape(3, TINY.hiddenSize()));
        assertThat(ParameterNames.of("cls.predictions", head).keySet()).containsExactly(
                "cls.predictions.bias", "cls.predictions.transform.dense.weight",
                "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
                "cls.predictions.transform.LayerNorm.bias");
        PretrainedWeights.initialiseAll(ParameterNames.of(words), 1);
        PretrainedWeights.initialiseAll(ParameterNames.of(head), 2);
        ParameterStore store = new ParameterStore(manager, false);
        NDArray states = manager.randomNormal(new Shape(3, TINY.hiddenSize()));
        NDArray logits = head.forward(store, new NDList(states), false).head();
        assertThat(logits.getShape()).isEqualTo(new Shape(3, TINY.vocabSize()));

        // the same head after the word table changes: the decoder is the table, not a copy
        words.weight().getArray().set(words.weight().getArray().mul(2f).toFloatArray());
        NDArray doubled = head.forward(store, new NDList(states), false).head();
        // bias is 0 at initialisation, so every logit doubles
        assertThat(doubled.toFloatArray()).containsExactly(logits.mul(2f).toFloatArray(), within(1e-5f));
    }

    @Test
    void entityHeadScoresTheBatchEntitiesAndAConstantNoEntityRow() {
        EntityPredictionHead head = new EntityPredictionHead(TINY);
        head.initialize(manager, DataType.FLOAT32, new Shape(5, TINY.hiddenSize()), new Shape(3, TINY.entityDim()));
        PretrainedWeights.initialiseAll(ParameterNames.of(head), 3);
        NDArray states = manager.randomNormal(new Shape(5, TINY.hiddenSize()));
        NDArray candidates = manager.randomNormal(new Shape(3, TINY.entityDim()));
        NDArray logits = head.forward(new ParameterStore(manager, false), new NDList(states, candidates), false)
                .head();
        assertThat(logits.getShape()).isEqualTo(new Shape(5, 4));
        assertThat(logits.get(":, 0").toFloatArray()).containsOnly(0f);
        assertThat(ParameterNames.of("cls.predictions_ent", head).keySet()).containsExactly(
                "cls.predictions_ent.transform.dense.weight", "cls.predictions_ent.transform.dense.bias",
                "cls.predictions_ent.transform.LayerNorm.weight", "cls.predictions_ent.transform.LayerNorm.bias");
    }

    @Test
    void classifierHeadsCarryTheReferenceNames() {
        PooledClassifierHead typing = PooledClassifierHead.typing(6, 0.1f);
        PooledClassifierHead relation = PooledClassifierHead.relation(80, 0.1f);
        PooledClassifierHead nextSentence = PooledClassifierHead.nextSentence();
        for (PooledClassifierHead head : List.of(typing, relation, nextSentence)) {
            head.initialize(manager, DataType.FLOAT32, new Shape(2, TINY.hiddenSize()));
        }
        assertThat(ParameterNames.of(typing).keySet()).containsExactly("typing.weight");
        assertThat(ParameterNames.of(relation).keySet()).containsExactly("classifier.weight", "classifier.bias");
        assertThat(ParameterNames.of(nextSentence).keySet())
                .containsExactly("seq_relationship.weight", "seq_relationship.bias");
        NDArray pooled = manager.ones(new Shape(2, TINY.hiddenSize()));
        assertThat(relation.forward(new ParameterStore(manager, false), new NDList(pooled), false).head().getShape())
                .isEqualTo(new Shape(2, 80));
    }
}
