package io.ernieneo4j.tests.classpath;

import ai.djl.Device;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.linking.LinkingModelFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Linking that reads the sentence, through Bolt: the bundled MiniLM written as a linking model, loaded with
 * ernie.model.load, deciding the two senses of "bank" and of "jaguar" in a small graph that is not WordNet
 * ({@code :Concept {name, gloss}}), where the prior alone picks the more connected node every time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlignSentenceModelTest extends ClasspathHarness {

    private static final String DICTIONARY = "entityLabels: 'Concept', nameProperties: 'name', priorProperty: 'rank'";
    private static final String MODEL = ", model: 'linker', descriptionProperty: 'gloss'";
    private static final String RIVER_TEXT = "They pulled the canoe up on the grassy bank, beside the water.";
    private static final String MONEY_TEXT = "She cashed a cheque at the bank.";
    private static final String CAT_TEXT = "A jaguar stalked its prey through the rainforest at night.";

    private static Path models;

    @BeforeAll
    static void linkingModelAndGraph() throws Exception {
        models = Files.createTempDirectory("ernie-models");
        System.setProperty("ernie.dir.models", models.toString());
        Path onnx = models.resolve("minilm.onnx");
        Path tokenizer = models.resolve("tokenizer.json");
        try (InputStream in = resource("all-minilm-l6-v2.onnx"); InputStream t = resource("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, onnx);
            Files.copy(t, tokenizer);
        }
        DjlRuntime.start(Path.of("target", "djl-cache"));
        DjlRuntime.call(() -> {
            try {
                LinkingModelFiles.create(onnx, tokenizer, ErnieConfig.miniLm().plainBert(),
                        LinkingModelFiles.WORDNET_FIT, models.resolve("linker"));
                try (ErnieModel typing = ErnieModel.random(ErnieConfig.bert(32, 2, 64, 2), ErnieTask.TYPING,
                        List.of("a", "b"), Device.cpu(), 7)) {
                    ModelDirectory.save(typing, tokenizer, 64, ErnieManifest.EntityEmbeddings.NONE,
                            models.resolve("typing"));
                }
                try (ErnieModel encoder = ErnieModel.random(ErnieConfig.bert(32, 2, 64, 2).plainBert(),
                        Device.cpu(), 7)) {
                    ModelDirectory.save(encoder, tokenizer, 64, ErnieManifest.EntityEmbeddings.NONE,
                            models.resolve("encoder"));
                }
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        bolt.single("CALL ernie.model.load('linker', {path: 'linker'})");
        bolt.single("""
                CREATE (:Concept {name: 'bank', rank: 2, gloss: 'sloping land (especially the slope beside a body of water)'}),
                       (:Concept {name: 'bank', rank: 10, gloss: 'a financial institution that accepts deposits and channels the money into lending activities'}),
                       (:Concept {name: 'jaguar', rank: 3, gloss: 'a large spotted feline of tropical America similar to the leopard'}),
                       (:Concept {name: 'jaguar', rank: 9, gloss: 'a British manufacturer of luxury cars'}),
                       (:Concept {name: 'prey', rank: 1, gloss: 'animal hunted or caught for food'}),
                       (:Doc {text: $river}), (:Doc {text: $money}), (:Doc {text: $cat})
                RETURN 1""", Map.of("river", RIVER_TEXT, "money", MONEY_TEXT, "cat", CAT_TEXT));
    }

    private static InputStream resource(String name) {
        return AlignSentenceModelTest.class.getClassLoader().getResourceAsStream(name);
    }

    @AfterAll
    static void clearSettings() throws Exception {
        System.clearProperty("ernie.dir.models");
        try (var paths = Files.walk(models)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static List<String> links(String text, String extra) {
        return bolt.rows("CALL ernie.align.stream($text, {" + DICTIONARY + extra + "}) YIELD mention, nodeId, score "
                        + "MATCH (c) WHERE id(c) = nodeId RETURN mention, c.gloss AS gloss, score", Map.of("text", text))
                .stream().map(r -> r.get("mention") + ": " + ((String) r.get("gloss")).split(" ")[1]).toList();
    }

    @Test
    @Order(1)
    void theSentenceDecidesWhereThePriorAlwaysPicksTheSameSense() {
        assertThat(links(RIVER_TEXT, "")).containsExactly("bank: financial");
        assertThat(links(MONEY_TEXT, "")).containsExactly("bank: financial");
        assertThat(links(CAT_TEXT, "")).containsExactly("jaguar: British", "prey: hunted");

        assertThat(links(RIVER_TEXT, MODEL)).containsExactly("bank: land");
        assertThat(links(MONEY_TEXT, MODEL)).containsExactly("bank: financial");
        assertThat(links(CAT_TEXT, MODEL)).containsExactly("jaguar: large", "prey: hunted");

        // scores are the model's probabilities over a mention's candidates
        List<Map<String, Object>> rows = bolt.rows("CALL ernie.align.stream($text, {" + DICTIONARY + MODEL + "}) "
                + "YIELD score, candidates RETURN score, candidates", Map.of("text", RIVER_TEXT));
        @SuppressWarnings("unchecked") List<Map<String, Object>> runnerUp = (List<Map<String, Object>>) rows.get(0).get("candidates");
        assertThat((Double) rows.get(0).get("score") + (Double) runnerUp.get(0).get("score")).isCloseTo(1.0, within(1e-9));
    }

    @Test
    @Order(2)
    void writesWhatItStreams() {
        Map<String, Object> written = bolt.single("CALL ernie.align.write({documentLabel: 'Doc', textProperty: 'text', "
                + DICTIONARY + MODEL + "})");
        assertThat(written).containsEntry("documents", 3L).containsEntry("relationshipsWritten", 4L);
        assertThat(bolt.rows("MATCH (d:Doc)-[m:MENTIONS]->(c) WHERE m.mention IN ['bank', 'jaguar'] "
                + "RETURN d.text AS text, split(c.gloss, ' ')[1] AS gloss ORDER BY text")).extracting(r -> r.get("gloss"))
                .containsExactly("large", "financial", "land");
    }

    @Test
    @Order(3)
    void badInputIsAClearErrorBeforeAnythingIsWritten() {
        bolt.single("MATCH ()-[m:MENTIONS]->() DELETE m RETURN count(*)");
        String stream = "CALL ernie.align.stream('at the bank', {" + DICTIONARY + "%s})";
        assertThatThrownBy(() -> bolt.rows(stream.formatted(", model: 'linker'")))
                .hasMessageContaining("`model` reads each candidate's description: name the property that holds it "
                        + "in `descriptionProperty`.");
        assertThatThrownBy(() -> bolt.rows(stream.formatted(", descriptionProperty: 'gloss'")))
                .hasMessageContaining("`descriptionProperty` is read by a linking model: name one in `model`.");
        assertThatThrownBy(() -> bolt.rows(stream.formatted(", model: 'nothing', descriptionProperty: 'gloss'")))
                .hasMessageContaining("No ERNIE model `nothing` is loaded");
        assertThatThrownBy(() -> bolt.rows(stream.formatted(", model: 'linker', descriptionProperty: 'glos'")))
                .hasMessageContaining("`descriptionProperty`: no property key `glos` exists in the database.");
        bolt.single("CALL ernie.model.load('typing', {path: 'typing'})");
        assertThatThrownBy(() -> bolt.rows(stream.formatted(", model: 'typing', descriptionProperty: 'gloss'")))
                .hasMessageContaining("`model`: ERNIE model `typing` is a typing model; ernie.align needs a linking "
                        + "model");
        bolt.single("CALL ernie.model.load('encoder', {path: 'encoder'})");
        assertThatThrownBy(() -> bolt.rows(stream.formatted(", model: 'encoder', descriptionProperty: 'gloss'")))
                .hasMessageContaining("`model`: ERNIE model `encoder` is an encoder without linking weights (linking.json)");
        // a description that is not a string is an error naming the node, and the write writes nothing
        assertThatThrownBy(() -> bolt.single("CALL ernie.align.write({documentLabel: 'Doc', textProperty: 'text', "
                + DICTIONARY + ", model: 'linker', descriptionProperty: 'rank'})"))
                .hasMessageMatching("(?s).*`descriptionProperty`: property `rank` of node \\d+ holds a Long, not a string\\..*");
        assertThat(bolt.count("MATCH ()-[m:MENTIONS]->() RETURN count(m)")).isZero();
        bolt.single("CALL ernie.model.drop('typing')");
        bolt.single("CALL ernie.model.drop('encoder')");
    }

    @Test
    @Order(4)
    void fitsTheWeightsOnTheGraphsGoldAndWritesANewModel() throws Exception {
        List<String> texts = List.of(RIVER_TEXT, MONEY_TEXT, CAT_TEXT, "He drove his new jaguar to the office.",
                "The children fished from the bank of the stream.", "The bank raised its interest rates.");
        List<String> senses = List.of("sloping", "a financial", "a large", "a British", "sloping", "a financial");
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            String name = text.toLowerCase(java.util.Locale.ROOT).contains("bank") ? "bank" : "jaguar";
            int start = text.toLowerCase(java.util.Locale.ROOT).indexOf(name);
            bolt.single("MERGE (d:Doc {text: $text}) WITH d MATCH (c:Concept {name: $name}) WHERE c.gloss STARTS WITH $sense "
                    + "CREATE (d)-[:GOLD_LINK {start: $start, end: $end}]->(c) RETURN count(*)",
                    Map.of("text", text, "name", name, "sense", senses.get(i), "start", start, "end", start + name.length()));
        }
        String train = "CALL ernie.align.train($name, {documentLabel: 'Doc', textProperty: 'text', "
                + "goldRelationshipType: 'GOLD_LINK', testFraction: 0.5, randomSeed: 3, " + DICTIONARY + MODEL + "})";
        Map<String, Object> fitted = bolt.single(train, Map.of("name", "linker-fitted"));
        assertThat(fitted).containsEntry("modelName", "linker-fitted").containsEntry("path", "linker-fitted");
        assertThat((Long) fitted.get("trainMentions") + (Long) fitted.get("testMentions")).isEqualTo(6L);
        assertThat((Long) fitted.get("trainMentions")).isPositive();
        assertThat((Long) fitted.get("testMentions")).isPositive();
        assertThat(LinkingModelFiles.read(models.resolve("linker-fitted"))).contains(new io.ernieneo4j.trainer.linking
                .SenseScorer((Double) fitted.get("alpha"), (Double) fitted.get("beta")));
        assertThat(models.resolve("linker-fitted.part")).doesNotExist();
        // the fitted model loads and links like any other
        bolt.single("CALL ernie.model.load('fitted', {path: 'linker-fitted'})");
        assertThat(links(RIVER_TEXT, ", model: 'fitted', descriptionProperty: 'gloss'")).containsExactly("bank: land");
        bolt.single("CALL ernie.model.drop('fitted')");
        // a name already taken is refused, and nothing is overwritten
        assertThatThrownBy(() -> bolt.single(train, Map.of("name", "linker-fitted")))
                .hasMessageContaining("`modelName`: a model folder `linker-fitted` already exists");
        assertThatThrownBy(() -> bolt.single("CALL ernie.align.train('x', {documentLabel: 'Doc', textProperty: 'text', "
                + "goldRelationshipType: 'GOLD_LINK', " + DICTIONARY + "})"))
                .hasMessageContaining("`model`: ernie.align.train fits the weights of a linking model");
        assertThat(models.resolve("x")).doesNotExist();
    }
}
