package io.ernieneo4j.trainer.linking;

import io.ernieneo4j.trainer.align.AlignParameters;
import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.wordnet.Morphology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The bundled MiniLM written as a linking model and read back, deciding "bank" by its sentence where the prior alone
 * (10 to 2) always says the financial institution.
 */
class SentenceLinkerTest {

    private static final long RIVER_BANK = 1;
    private static final long MONEY_BANK = 2;
    private static final long RIVER = 3;
    private static final Map<Long, String> DESCRIPTIONS = Map.of(
            RIVER_BANK, "bank: sloping land (especially the slope beside a body of water)",
            MONEY_BANK, "bank, depository financial institution: a financial institution that accepts deposits and "
                    + "channels the money into lending activities");
    private static final String FIRST = "They pulled the canoe up on the grassy bank, beside the water.";
    private static final String SECOND = "She cashed a cheque at the bank.";
    private static final String TEXT = FIRST + " " + SECOND + " The river was calm.";

    @TempDir
    static Path folder;

    private static ModelDirectory.Loaded linker;
    private static SenseScorer scorer;

    @BeforeAll
    static void writeAndLoad() throws Exception {
        MiniLm.startDjl();
        Path dir = folder.resolve("linker");
        DjlRuntime.call(() -> {
            try {
                LinkingModelFiles.create(MiniLm.onnx(), MiniLm.tokenizerJson(), ErnieConfig.miniLm().plainBert(),
                        LinkingModelFiles.WORDNET_FIT, dir);
                linker = ModelDirectory.load(dir, ai.djl.Device.cpu());
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        scorer = LinkingModelFiles.read(dir).orElseThrow();
    }

    @AfterAll
    static void close() {
        linker.close();
    }

    private static AlignmentDictionary dictionary() {
        var b = AlignmentDictionary.builder(Morphology.load());
        b.name(b.entity(RIVER_BANK, 2), "bank");
        b.name(b.entity(MONEY_BANK, 10), "bank");
        b.name(b.entity(RIVER, 5), "river");
        return b.build();
    }

    private List<LinkedMention> align(AlignParameters parameters) {
        TextEncoder encoder = new TextEncoder(linker.model(), linker.tokenizer());
        SentenceLinker sentenceLinker = new SentenceLinker(dictionary(), parameters, scorer);
        return DjlRuntime.call(() -> sentenceLinker.align(TEXT, encoder::encode, ids -> {
            List<String> texts = java.util.Arrays.stream(ids).mapToObj(DESCRIPTIONS::get).toList();
            float[][] vectors = new float[ids.length][];
            List<String> present = texts.stream().filter(java.util.Objects::nonNull).toList();
            float[][] encoded = encoder.encode(present);
            for (int i = 0, next = 0; i < ids.length; i++) {
                vectors[i] = texts.get(i) == null ? null : encoded[next++];
            }
            return vectors;
        }));
    }

    @Test
    void theWrittenModelIsAnEncoderWithoutEntitiesAndItsWeights() {
        assertThat(linker.manifest().task().code()).isEqualTo("encoder");
        assertThat(linker.manifest().entities().used()).isFalse();
        assertThat(scorer).isEqualTo(LinkingModelFiles.WORDNET_FIT);
    }

    @Test
    void eachBankIsDecidedByItsOwnSentence() {
        List<LinkedMention> mentions = align(AlignParameters.DEFAULTS);
        assertThat(mentions).extracting(m -> m.start() + ":" + m.mention() + ">" + m.best().entityId())
                .containsExactly(FIRST.indexOf("bank") + ":bank>" + RIVER_BANK,
                        TEXT.lastIndexOf("bank") + ":bank>" + MONEY_BANK, TEXT.indexOf("river") + ":river>" + RIVER);
        for (LinkedMention bank : mentions.subList(0, 2)) {
            assertThat(bank.candidates()).hasSize(2);
            assertThat(bank.candidates().get(0).score() + bank.candidates().get(1).score()).isCloseTo(1, within(1e-9));
            assertThat(bank.candidates().get(0).score()).isGreaterThan(0.5);
        }
        // an unambiguous mention keeps its prior, 1
        assertThat(mentions.get(2).best().score()).isEqualTo(1.0, within(1e-6));
    }

    @Test
    void minScoreAndMaxCandidatesApplyToTheModelsProbabilities() {
        List<LinkedMention> one = align(new AlignParameters(2, true, 0, 0, 1, AlignParameters.Inflection.PLURAL));
        assertThat(one).allSatisfy(m -> assertThat(m.candidates()).hasSize(1));
        assertThat(one).extracting(m -> m.best().entityId()).containsExactly(RIVER_BANK, MONEY_BANK, RIVER);
        List<LinkedMention> sure = align(new AlignParameters(2, true, 0.999, 0, 5, AlignParameters.Inflection.PLURAL));
        assertThat(sure).extracting(LinkedMention::mention).containsExactly("river");
    }

    @Test
    void sentencesCoverTheText() {
        assertThat(SentenceLinker.sentenceSpans(TEXT)).extracting(s -> TEXT.substring(s[0], s[1]).strip())
                .containsExactly(FIRST, SECOND, "The river was calm.");
    }
}
