package io.ernieneo4j.trainer.linking;

import ai.djl.Device;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A few steps of the bi-encoder fine-tuning on WordNet example sentences and their senses' descriptions: the loss
 * falls, and the folder written is a linking model that {@link ModelDirectory} and {@link LinkingModelFiles} read.
 */
class LinkingFinetunerTest {

    private static final String RIVER_BANK = "bank: sloping land (especially the slope beside a body of water)";
    private static final String MONEY_BANK = "depository financial institution, bank, banking concern, banking "
            + "company: a financial institution that accepts deposits and channels the money into lending activities";
    private static final String FACTORY = "plant, works, industrial plant: buildings for carrying on industrial labor";
    private static final String FLORA = "plant, flora, plant life: (botany) a living organism lacking the power of "
            + "locomotion";
    private static final double[] PRIORS = {Math.log(0.8), Math.log(0.2)};

    private static final List<LinkingFinetuner.Example> TRAIN = List.of(
            new LinkingFinetuner.Example("they pulled the canoe up on the bank", List.of(MONEY_BANK, RIVER_BANK),
                    PRIORS, 1),
            new LinkingFinetuner.Example("he cashed a check at the bank", List.of(MONEY_BANK, RIVER_BANK), PRIORS, 0),
            new LinkingFinetuner.Example("they built a large plant to manufacture automobiles",
                    List.of(FLORA, FACTORY), PRIORS, 1),
            new LinkingFinetuner.Example("he sat on the bank of the river and watched the currents",
                    List.of(MONEY_BANK, RIVER_BANK), PRIORS, 1));

    @TempDir
    Path folder;

    @Test
    void aFewStepsLowerTheLossAndWriteALinkingModel() throws Exception {
        TrainingParameters training = TrainingParameters.builder().optEpochs(2).optBatchSize(2)
                .optLearningRate(1e-4f).optWarmupFraction(0f).optPatience(0).optSeed(7).build();
        LinkingFinetuner.Parameters parameters = new LinkingFinetuner.Parameters(training, 6, 1, 32, 20f, true, 4);
        Path out = folder.resolve("linker");
        double[] losses = new double[2];
        LinkingFinetuner.Result result;
        try (ErnieModel model = MiniLm.plainBert();
             WordPieceTokenizer tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(),
                     LinkingModelFiles.MAX_LENGTH)) {
            LinkingFinetuner finetuner = new LinkingFinetuner(model, tokenizer, parameters, TrainingListener.NONE,
                    Termination.ALWAYS);
            result = DjlRuntime.call(() -> {
                try {
                    losses[0] = finetuner.loss(TRAIN);
                    LinkingFinetuner.Result r = finetuner.fit(TRAIN, TRAIN,
                            LinkingFinetuner.output(out, MiniLm.tokenizerJson(), Map.of("examples", "test")), false);
                    losses[1] = finetuner.loss(TRAIN);
                    return r;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        assertThat(result.state().step()).isEqualTo(6);
        assertThat(result.state().history()).hasSize(2);
        assertThat(losses[1]).isLessThan(losses[0]);

        SenseScorer scorer = LinkingModelFiles.read(out).orElseThrow();
        assertThat(scorer).isEqualTo(result.best().scorer());
        try (ModelDirectory.Loaded linker = DjlRuntime.call(() -> {
            try {
                return ModelDirectory.load(out, Device.cpu());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            assertThat(linker.manifest().task().code()).isEqualTo("encoder");
            assertThat(linker.manifest().entities().used()).isFalse();
            assertThat(linker.manifest().maxLength()).isEqualTo(LinkingModelFiles.MAX_LENGTH);
            TextEncoder encoder = new TextEncoder(linker.model(), linker.tokenizer());
            float[][] vectors = DjlRuntime.call(() -> encoder.encode(List.of("he cashed a check at the bank",
                    MONEY_BANK)));
            assertThat(TextEncoder.dot(vectors[0], vectors[0])).isCloseTo(1.0,
                    org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    @Test
    void roundsContinueOneSeededShuffleAfterAnother() {
        LinkingFinetuner.Rounds rounds = new LinkingFinetuner.Rounds(10, 3, 4, 42);
        List<int[]> first = rounds.round(0);
        List<int[]> second = rounds.round(1);
        assertThat(first).hasSize(4);
        assertThat(second).hasSize(4);
        // three batches of 3 make a pass over 10 examples: the first three batches hold 9 distinct ones
        assertThat(first.subList(0, 3).stream().flatMapToInt(Arrays::stream).distinct().count()).isEqualTo(9);
        assertThat(new LinkingFinetuner.Rounds(10, 3, 4, 42).round(1)).usingRecursiveComparison().isEqualTo(second);
    }

    @Test
    void anExampleNeedsItsGoldAmongItsDescriptions() {
        assertThatThrownBy(() -> new LinkingFinetuner.Example("the bank", List.of(RIVER_BANK), new double[1], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gold");
    }
}
