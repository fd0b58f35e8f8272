package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.run.SeededShare;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * ernie.type.evaluate through Bolt on a small graph that is not WordNet: things with a `kind` (one of the model's
 * three labels, two of them, a kind the model does not know, or none), documents "a X and a Y" with MENTIONS at exact
 * offsets, and a random-weight typing model (no TransE input). The counts follow from the graph and the seeded
 * split; the test precision and recall at 0.5 are recounted from ernie.type.stream's rows; the temperature lowers
 * the dev log-loss and moves no decision at 0.5; ernie.type.stream with `calibration` gives sigmoid(logit / T).
 */
class TypeEvaluateTest extends ClasspathHarness {

    private static final List<String> KINDS = List.of("animal", "plant", "tool");
    /** Thing name to its kinds: "quartz" has a kind outside the model's labels, "ghost" none. */
    private static final Map<String, List<String>> THINGS = Map.of("cat", List.of("animal"), "oak", List.of("plant"),
            "hammer", List.of("tool"), "bat", List.of("animal", "tool"), "quartz", List.of("mineral"),
            "ghost", List.of());
    private static final List<String> NAMES = List.of("cat", "oak", "hammer", "bat", "quartz", "ghost");
    private static final int DOCUMENTS = 16;
    private static final String BASE = "{modelName: 'kinds', documentLabel: 'Doc', typeProperty: 'kind'";
    private static Path models;

    @BeforeAll
    static void prepare() throws Exception {
        models = Files.createTempDirectory("ernie-type-evaluate");
        System.setProperty("ernie.dir.models", models.toString());
        for (String name : NAMES) {
            List<String> kinds = THINGS.get(name);
            bolt.single("CREATE (t:Thing {name: $name}) WITH t "
                    + "CALL { WITH t WITH t WHERE size($kinds) = 1 SET t.kind = $kinds[0] } "
                    + "CALL { WITH t WITH t WHERE size($kinds) > 1 SET t.kind = $kinds } RETURN t.name",
                    Map.of("name", name, "kinds", kinds));
        }
        for (int i = 0; i < DOCUMENTS; i++) {
            String x = NAMES.get(i % NAMES.size());
            String y = NAMES.get((i * 5 + 1) % NAMES.size());
            String text = "a " + x + " and a " + y;
            int yStart = 2 + x.length() + 7;
            bolt.single("MATCH (x:Thing {name: $x}), (y:Thing {name: $y}) CREATE (d:Doc {text: $text}), "
                            + "(d)-[:MENTIONS {start: 2, end: $xEnd, score: 1.0}]->(x), "
                            + "(d)-[:MENTIONS {start: $yStart, end: $yEnd, score: 1.0}]->(y) RETURN id(d)",
                    Map.of("x", x, "y", y, "text", text, "xEnd", 2 + x.length(), "yStart", yStart,
                            "yEnd", yStart + y.length()));
        }
        Path tokenizer = TinyErnie.miniLmTokenizer(models.resolve("tokenizer.json"));
        TinyErnie.save(ErnieTask.TYPING, KINDS, 17, tokenizer, ErnieManifest.EntityEmbeddings.NONE,
                models.resolve("kinds"));
        bolt.single("CALL ernie.model.load('kinds', {path: 'kinds'})");
    }

    @AfterAll
    static void clearSettings() throws Exception {
        System.clearProperty("ernie.dir.models");
        try (var paths = Files.walk(models)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void countsScoresAndCalibratesByConstruction() {
        Map<String, Object> result = bolt.single("CALL ernie.type.evaluate(" + BASE + "})");
        // the mentions, by construction: each document's two things and which side its id falls on
        List<Map<String, Object>> mentions = bolt.rows("MATCH (d:Doc)-[:MENTIONS]->(t:Thing) "
                + "RETURN id(d) AS doc, t.name AS name");
        long dev = 0, test = 0, withoutGold = 0, outside = 0;
        Set<Long> devDocs = new HashSet<>(), testDocs = new HashSet<>();
        for (Map<String, Object> m : mentions) {
            String name = (String) m.get("name");
            long doc = (Long) m.get("doc");
            if (name.equals("ghost")) withoutGold++;
            else if (name.equals("quartz")) outside++;
            else if (SeededShare.contains(doc, 42, 0.5)) { dev++; devDocs.add(doc); }
            else { test++; testDocs.add(doc); }
        }
        assertThat(mentions).hasSize(2 * DOCUMENTS);
        assertThat(result).containsEntry("documents", (long) DOCUMENTS).containsEntry("mentions", 2L * DOCUMENTS)
                .containsEntry("devMentions", dev).containsEntry("testMentions", test)
                .containsEntry("devDocuments", (long) devDocs.size()).containsEntry("testDocuments",
                        (long) testDocs.size())
                .containsEntry("mentionsWithoutGold", withoutGold).containsEntry("mentionsOutsideLabels", outside)
                .containsEntry("mentionsTooLong", 0L).containsEntry("goldTypesOutsideLabels", List.of("mineral"));
        assertThat(dev).isPositive();
        assertThat(test).isPositive();

        Map<String, Object> calibration = (Map<String, Object>) result.get("calibration");
        double temperature = (Double) calibration.get("temperature");
        assertThat(calibration).containsEntry("fittedOn", dev);
        assertThat(temperature).isBetween(0.01, 100.0);
        Map<String, Object> devScores = (Map<String, Object>) result.get("dev");
        assertThat((Double) devScores.get("logLossAfter")).isLessThanOrEqualTo((Double) devScores.get("logLossBefore"));

        // precision and recall at 0.5 on test, recounted from ernie.type.stream's rows
        List<Map<String, Object>> rows = bolt.rows("CALL ernie.type.stream({modelName: 'kinds', documentLabel: 'Doc', "
                + "documents: $docs}) YIELD nodeId, type MATCH (t) WHERE id(t) = nodeId RETURN t.name AS name, type",
                Map.of("docs", new ArrayList<>(testDocs)));
        long predicted = 0, right = 0;
        for (Map<String, Object> row : rows) {
            String name = (String) row.get("name");
            if (name.equals("ghost") || name.equals("quartz")) continue;
            predicted++;
            right += THINGS.get(name).contains((String) row.get("type")) ? 1 : 0;
        }
        long gold = mentions.stream().filter(m -> testDocs.contains((Long) m.get("doc"))
                && !m.get("name").equals("ghost") && !m.get("name").equals("quartz"))
                .mapToLong(m -> THINGS.get((String) m.get("name")).size()).sum();
        Map<String, Object> before = (Map<String, Object>) result.get("uncalibrated");
        Map<String, Object> after = (Map<String, Object>) result.get("calibrated");
        assertThat((Double) before.get("microPrecision")).isCloseTo(predicted == 0 ? 0 : (double) right / predicted,
                within(1e-9));
        assertThat((Double) before.get("microRecall")).isCloseTo((double) right / gold, within(1e-9));
        assertThat(before).containsEntry("mentions", test);
        // a temperature moves no sigmoid across 0.5: same decisions, same top type
        for (String key : List.of("microPrecision", "microRecall", "microF1", "macroF1", "top1Accuracy")) {
            assertThat(after.get(key)).as(key).isEqualTo(before.get(key));
        }
        List<Map<String, Object>> byType = (List<Map<String, Object>>) before.get("byType");
        assertThat(byType).allSatisfy(row -> assertThat(KINDS).contains((String) row.get("type")));
        long support = byType.stream().mapToLong(row -> (Long) row.get("support")).sum();
        assertThat(support).isEqualTo(gold);
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamAndWriteTakeTheCalibrationBack() {
        Map<String, Object> calibration = (Map<String, Object>) bolt.single("CALL ernie.type.evaluate(" + BASE + "}) "
                + "YIELD calibration RETURN calibration").get("calibration");
        double t = (Double) calibration.get("temperature");
        String stream = "CALL ernie.type.stream({modelName: 'kinds', documentLabel: 'Doc', threshold: 0.0%s}) "
                + "YIELD documentId, mentionStart, type, score RETURN documentId, mentionStart, type, score "
                + "ORDER BY documentId, mentionStart, type";
        List<Map<String, Object>> plain = bolt.rows(String.format(stream, ""));
        List<Map<String, Object>> calibrated = bolt.rows(String.format(stream, ", calibration: $calibration"),
                Map.of("calibration", calibration));
        assertThat(calibrated).hasSameSizeAs(plain).hasSize(2 * DOCUMENTS * KINDS.size());
        for (int i = 0; i < plain.size(); i++) {
            double p = (Double) plain.get(i).get("score");
            double expected = 1 / (1 + Math.exp(-Math.log(p / (1 - p)) / t));
            assertThat(calibrated.get(i)).containsEntry("type", plain.get(i).get("type"));
            assertThat((Double) calibrated.get(i).get("score")).isCloseTo(expected, within(1e-5));
        }
        // the write keeps each node's best calibrated score per type
        bolt.single("CALL ernie.type.write({modelName: 'kinds', documentLabel: 'Doc', threshold: 0.0, "
                + "calibration: $calibration}) YIELD nodesWritten RETURN nodesWritten", Map.of("calibration",
                calibration));
        Map<Long, Double> best = new HashMap<>();
        bolt.rows(String.format(stream, ", calibration: $calibration").replace(
                        "RETURN documentId", "MATCH (d)-[m:MENTIONS {start: mentionStart}]->(t) WHERE id(d) = documentId "
                                + "AND t.name = 'cat' RETURN documentId"), Map.of("calibration", calibration))
                .forEach(r -> best.merge(0L, (Double) r.get("score"), Math::max));
        List<Double> written = (List<Double>) bolt.single("MATCH (t:Thing {name: 'cat'}) RETURN t.ernieTypesScores AS s")
                .get("s");
        assertThat(written.get(0)).isCloseTo(best.get(0L), within(1e-9));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCalibrationSavedWithTheModelIsUsedByDefault() throws Exception {
        Path saved = models.resolve("kinds").resolve("calibration.json");
        String stream = "CALL ernie.type.stream({modelName: 'kinds', documentLabel: 'Doc', threshold: 0.0%s}) "
                + "YIELD documentId, mentionStart, type, score RETURN documentId, mentionStart, type, score "
                + "ORDER BY documentId, mentionStart, type";
        try {
            System.setProperty("ernie.files.write.enabled", "false");
            assertThatThrownBy(() -> bolt.single("CALL ernie.type.evaluate(" + BASE + ", save: true})"))
                    .hasMessageContaining("`ernie.type.evaluate (save: true)` writes or deletes files on the server");
            assertThat(saved).doesNotExist();
            System.clearProperty("ernie.files.write.enabled");

            List<Map<String, Object>> plain = bolt.rows(String.format(stream, ""));
            Map<String, Object> calibration = (Map<String, Object>) bolt.single("CALL ernie.type.evaluate(" + BASE
                    + ", save: true}) YIELD calibration RETURN calibration").get("calibration");
            assertThat(saved).isRegularFile();
            List<Map<String, Object>> byDefault = bolt.rows(String.format(stream, ""));
            List<Map<String, Object>> given = bolt.rows(String.format(stream, ", calibration: $calibration"),
                    Map.of("calibration", calibration));
            assertThat(byDefault).isEqualTo(given).isNotEqualTo(plain);
            assertThat(bolt.single("CALL ernie.model.list() YIELD modelName, savedScoring "
                    + "WHERE modelName = 'kinds' RETURN savedScoring")).containsEntry("savedScoring",
                    List.of("calibration"));
        } finally {
            System.clearProperty("ernie.files.write.enabled");
            Files.deleteIfExists(saved);
        }
        assertThat(bolt.single("CALL ernie.model.list() YIELD modelName, savedScoring WHERE modelName = 'kinds' "
                + "RETURN savedScoring")).containsEntry("savedScoring", List.of());
    }

    @Test
    void refusesBadInputNamingTheKey() {
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.evaluate({modelName: 'kinds', documentLabel: 'Doc'})"))
                .hasMessageContaining("mandatory configuration parameter `typeProperty`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.evaluate({modelName: 'kinds', documentLabel: 'Doc', "
                + "typeProperty: 'kindd'})")).hasMessageContaining("`typeProperty`: no node has a property `kindd`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.evaluate({modelName: 'kinds', documentLabel: 'Doc', "
                + "typeProperty: 'text'})"))
                .hasMessageContaining("`typeProperty`: none of the 6 entities the documents mention has a property "
                        + "`text`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.evaluate(" + BASE + ", devFraction: 1.5})"))
                .hasMessageContaining("Value for `devFraction` was `1.5`, but must be within the range [0.05, 0.95]");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.stream({modelName: 'kinds', documentLabel: 'Doc', "
                + "calibration: 2.0})")).hasMessageContaining("`calibration` must be the map ernie.type.evaluate "
                + "returns");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.stream({modelName: 'kinds', documentLabel: 'Doc', "
                + "calibration: {temperature: 0}})"))
                .hasMessageContaining("`calibration`.`temperature` must be a positive finite number, not `0`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.type.write({modelName: 'kinds', documentLabel: 'Doc', "
                + "calibration: {temp: 1.0}})")).hasMessageContaining("`calibration` has an unexpected key `temp`");
    }
}
