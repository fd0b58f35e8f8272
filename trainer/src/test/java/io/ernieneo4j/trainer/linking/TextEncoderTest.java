package io.ernieneo4j.trainer.linking;

import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Sentence and span vectors from the bundled all-MiniLM-L6-v2 (a plain BERT on DJL). */
class TextEncoderTest {

    private static final String DOG_SENTENCE = "the dog barked all night";
    private static final String DOG_GLOSS = "dog, domestic dog, Canis familiaris: a member of the genus Canis "
            + "(probably descended from the common wolf) that has been domesticated by man since prehistoric times";
    private static final String BANK_GLOSS = "bank, depository financial institution: a financial institution that "
            + "accepts deposits and channels the money into lending activities";
    private static final String RIVER_SENTENCE = "they pulled the canoe up on the bank of the river";

    private static ErnieModel model;
    private static WordPieceTokenizer tokenizer;
    private static TextEncoder encoder;

    @BeforeAll
    static void load() throws Exception {
        model = MiniLm.plainBert();
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128);
        encoder = new TextEncoder(model, tokenizer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @Test
    void vectorsHaveUnitLength() {
        float[][] vectors = encoder.encode(List.of(DOG_SENTENCE, DOG_GLOSS, BANK_GLOSS));
        assertThat(vectors).hasNumberOfRows(3);
        for (float[] v : vectors) {
            assertThat(v).hasSize(encoder.dimensions());
            assertThat(TextEncoder.dot(v, v)).isCloseTo(1, within(1e-5));
        }
    }

    @Test
    void aSentenceIsCloserToItsOwnGlossThanToAnUnrelatedOne() {
        float[][] v = encoder.encode(List.of(DOG_SENTENCE, DOG_GLOSS, BANK_GLOSS));
        double dog = TextEncoder.dot(v[0], v[1]);
        double bank = TextEncoder.dot(v[0], v[2]);
        System.out.printf("cos(dog sentence, dog gloss) %.3f, cos(dog sentence, bank gloss) %.3f%n", dog, bank);
        assertThat(dog).isGreaterThan(bank + 0.1);
    }

    @Test
    void aSpanVectorIsTheSpansOwnAndUnitLength() {
        int start = RIVER_SENTENCE.indexOf("bank");
        List<TextEncoder.Encoded> encoded = encoder.encodeWithSpans(List.of(new TextEncoder.SpanRequest(
                RIVER_SENTENCE, new int[][] {{start, start + 4}, {0, RIVER_SENTENCE.length()}, {100, 110}})));
        TextEncoder.Encoded e = encoded.get(0);
        float[] text = encoder.encode(List.of(RIVER_SENTENCE))[0];
        assertThat(e.text()).containsExactly(text, within(1e-5f));
        float[] bank = e.spans()[0];
        assertThat(TextEncoder.dot(bank, bank)).isCloseTo(1, within(1e-5));
        assertThat(TextEncoder.dot(bank, e.text())).isLessThan(0.95);
        // a span over every word leaves out only [CLS] and [SEP]: close to the text's vector, not equal
        assertThat(TextEncoder.dot(e.spans()[1], e.text())).isGreaterThan(0.9).isLessThan(1 - 1e-6);
        // a span that covers no piece falls back to the text's vector
        assertThat(e.spans()[2]).containsExactly(e.text(), within(0f));
    }

    @Test
    void batchingAndOrderDoNotChangeTheVectors() {
        List<String> texts = new ArrayList<>();
        texts.add(DOG_SENTENCE);
        texts.add(DOG_GLOSS);
        texts.add(BANK_GLOSS);
        texts.add(RIVER_SENTENCE);
        // more texts than one forward pass takes, of many lengths, so that batches and padding differ
        for (int i = 0; i < TextEncoder.BATCH + 10; i++) {
            texts.add("sentence number " + i + " is" + " quite".repeat(i % 13) + " long");
        }
        float[][] together = encoder.encode(texts);
        List<String> reversed = new ArrayList<>(texts);
        Collections.reverse(reversed);
        float[][] backwards = encoder.encode(reversed);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(backwards[texts.size() - 1 - i]).containsExactly(together[i], within(1e-4f));
        }
        for (int i = 0; i < 4; i++) {
            float[] alone = encoder.encode(List.of(texts.get(i)))[0];
            assertThat(alone).containsExactly(together[i], within(1e-4f));
        }
        // distinct texts, distinct vectors (not the same row repeated)
        assertThat(TextEncoder.dot(together[0], together[3])).isLessThan(0.99);
    }
}
