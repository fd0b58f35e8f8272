package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ernie.transe.model.export} and {@code ernie.transe.model.import} through Bolt: a stored model written as
 * OpenKE / Fast-TransX files inside the configured folder, read back with the trainer's OpenKE reader and compared
 * with what the database holds, and imported again (by node id or by a property's value) to predict exactly as the
 * original; paths that leave the folder and inconsistent files are refused before anything is written or stored.
 */
class TransEModelExportTest extends ClasspathHarness {

    private static Path exports;

    @BeforeAll
    static void trainATinyModel() throws Exception {
        exports = Files.createTempDirectory("openke-exports");
        System.setProperty("ernie.dir.openke", exports.toString());
        bolt.single("UNWIND range(0, 11) AS i CREATE (:City {i: i, code: 'city-' + i}) "
                + "RETURN count(*)");
        bolt.single("MATCH (a:City), (b:City) WHERE b.i = (a.i + 1) % 12 CREATE (a)-[:NEXT_TO]->(b) RETURN count(*)");
        bolt.single("MATCH (a:City), (b:City) WHERE b.i = (a.i + 6) % 12 CREATE (a)-[:`OPPOSITE OF`]->(b) "
                + "RETURN count(*)");
        bolt.single("CALL ernie.transe.train({modelName: 'clock', writeProperty: 'transe', dimensions: 8, epochs: 20, "
                + "concurrency: 1, randomSeed: 3})");
    }

    @AfterAll
    static void clearSettings() throws Exception {
        System.clearProperty("ernie.dir.openke");
        try (var paths = Files.walk(exports)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void writesIdsAndVectorsThatMatchTheModel() throws Exception {
        Map<String, Object> row = bolt.single("CALL ernie.transe.model.export('clock', {directory: 'clock/openke'})");
        Path folder = exports.resolve("clock").resolve("openke");
        assertThat(row).containsEntry("modelName", "clock").containsEntry("directory", "clock/openke")
                .containsEntry("path", folder.toString())
                .containsEntry("entityCount", 12L).containsEntry("relationCount", 2L)
                .containsEntry("dimensions", 8L);
        assertThat(row.get("files")).isEqualTo(List.of("entity2id.txt", "relation2id.txt", "entity2vec.vec",
                "relation2vec.vec"));

        var exported = TransEModelFiles.importOpenKe(folder, "read-back", Norm.L1);
        assertThat(exported.relations()).containsExactlyInAnyOrder("NEXT_TO", "OPPOSITE OF");
        assertThat(exported.entities()).hasSize(12);
        for (int e = 0; e < exported.entities().size(); e++) {
            Map<String, Object> node = bolt.single("MATCH (n) WHERE elementId(n) = $id RETURN n.transe AS embedding",
                    Map.of("id", exported.entities().get(e)));
            assertThat(doubles(exported.model().entity(e))).isEqualTo(node.get("embedding"));
        }
        for (int r = 0; r < exported.relations().size(); r++) {
            Map<String, Object> vector = bolt.single("RETURN ernie.transe.relationEmbedding('clock', $type) AS v",
                    Map.of("type", exported.relations().get(r)));
            assertThat(doubles(exported.model().relation(r))).isEqualTo(vector.get("v"));
        }

        // a folder that holds files is replaced only when asked
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.export('clock', {directory: 'clock/openke'})"))
                .hasMessageContaining("The folder `clock/openke` already holds files; pass `overwrite: true`");
        assertThat(bolt.single("CALL ernie.transe.model.export('clock', {directory: 'clock/openke', overwrite: true})"))
                .containsEntry("entityCount", 12L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escaped", "a/../../escaped", "/tmp/escaped", "."})
    void aPathOutsideTheConfiguredFolderIsRefusedAndNothingIsWritten(String directory) throws Exception {
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.export('clock', {directory: $d})",
                Map.of("d", directory)))
                .hasMessageContaining("Value for `directory` was `" + directory + "`, but must name a folder inside "
                        + "the configured OpenKE folder");
        assertThat(exports.resolveSibling("escaped")).doesNotExist();
        assertThat(Path.of("/tmp/escaped")).doesNotExist();
        try (var files = Files.list(exports)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch("clock"::equals);
        }
    }

    @Test
    void anUnknownModelOrKeyIsAClearErrorAndWritesNothing() throws Exception {
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.export('nope', {directory: 'nope'})"))
                .hasMessageContaining("No TransE model `nope` exists");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.export('clock', {dir: 'x'})"))
                .hasMessageContaining("Unexpected configuration key: `dir`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.export('clock', {})"))
                .hasMessageContaining("mandatory configuration parameter `directory`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.export('clock', {directory: ' '})"))
                .hasMessageContaining("Value for `directory` must not be blank");
        assertThat(exports.resolve("nope")).doesNotExist();
        assertThat(exports.resolve("x")).doesNotExist();
    }

    @Test
    void anImportedExportPredictsAndEvaluatesExactlyAsTheOriginal() throws Exception {
        Path folder = exportRoundtrip();
        Map<String, Object> row = bolt.single("CALL ernie.transe.model.import('clock-copy', "
                + "{directory: 'clock/roundtrip', writeProperty: 'copied'})");
        assertThat(row).isEqualTo(Map.of("modelName", "clock-copy", "entities", 12L, "relations", 2L,
                "dimensions", 8L, "nodesWritten", 12L));
        assertSamePredictions("clock", "clock-copy");
        assertThat(evaluation("clock-copy")).isEqualTo(evaluation("clock"));
        assertThat(bolt.rows("CALL ernie.transe.model.list() YIELD modelName, entityCount, norm "
                + "WHERE modelName = 'clock-copy' RETURN entityCount, norm"))
                .containsExactly(Map.of("entityCount", 12L, "norm", "L1"));
        assertThat(bolt.count("MATCH (c:City) WHERE c.copied = c.transe RETURN count(c)")).isEqualTo(12L);

        // an existing model is replaced only when asked
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.import('clock-copy', "
                + "{directory: 'clock/roundtrip'})"))
                .hasMessageContaining("A TransE model `clock-copy` already exists; pass `replace: true`");
        assertThat(bolt.single("CALL ernie.transe.model.import('clock-copy', {directory: 'clock/roundtrip', "
                + "replace: true, norm: 'L2'})")).containsEntry("nodesWritten", 0L);
        assertThat(bolt.single("CALL ernie.transe.model.list() YIELD modelName, norm WHERE modelName = 'clock-copy' "
                + "RETURN norm")).containsEntry("norm", "L2");
        assertThat(folder.resolve("entity2id.txt")).exists();
    }

    @Test
    void entityNamesAreMatchedByAPropertyValue() throws Exception {
        Map<String, String> codes = new HashMap<>();
        for (Map<String, Object> r : bolt.rows("MATCH (c:City) RETURN elementId(c) AS id, c.code AS code")) {
            codes.put((String) r.get("id"), (String) r.get("code"));
        }
        Path folder = variant("by-code", Map.of("entity2id.txt", lines -> {
            List<String> out = new ArrayList<>(List.of(lines.get(0)));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                out.add(codes.get(f[0]) + "\t" + f[1]);
            }
            return out;
        }));
        assertThat(Files.readString(folder.resolve("entity2id.txt"))).contains("city-0\t");
        assertThat(bolt.single("CALL ernie.transe.model.import('clock-by-code', {directory: 'clock/by-code', "
                + "idProperty: 'code', nodeLabels: ['City']})"))
                .containsEntry("entities", 12L).containsEntry("nodesWritten", 0L);
        assertSamePredictions("clock", "clock-by-code");
    }

    @Test
    void inconsistentFilesOrNamesAreClearErrorsAndNothingIsStoredOrWritten() throws Exception {
        exportRoundtrip();
        variant("no-relations", Map.of("relation2vec.vec", lines -> null));
        variant("short-ids", Map.of("entity2id.txt", lines -> {
            List<String> out = new ArrayList<>(lines);
            out.set(0, "13");
            return out;
        }));
        variant("ragged", Map.of("entity2vec.vec", lines -> {
            List<String> out = new ArrayList<>(lines);
            out.set(4, out.get(4).substring(0, out.get(4).lastIndexOf('\t')));
            return out;
        }));
        Map<String, String> codes = new HashMap<>();
        for (Map<String, Object> r : bolt.rows("MATCH (c:City) RETURN elementId(c) AS id, c.code AS code")) {
            codes.put((String) r.get("id"), (String) r.get("code"));
        }
        variant("unknown-code", Map.of("entity2id.txt", lines -> {
            List<String> out = new ArrayList<>(List.of(lines.get(0)));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                String code = codes.get(f[0]);
                out.add((code.equals("city-5") ? "city-99" : code) + "\t" + f[1]);
            }
            return out;
        }));
        variant("same-node", Map.of("entity2id.txt", lines -> {
            List<String> out = new ArrayList<>(lines);
            String[] first = out.get(1).split("\t");
            String[] second = out.get(2).split("\t");
            // the first entity's node again, named by its internal id (as older exports did)
            out.set(2, bolt.count("MATCH (n) WHERE elementId(n) = '" + first[0] + "' RETURN id(n)") + "\t"
                    + second[1]);
            return out;
        }));
        bolt.single("CREATE (:Copy {code: 'city-3'}) RETURN 1");
        List<Map<String, Object>> models = bolt.rows("CALL ernie.transe.model.list() YIELD modelName "
                + "RETURN modelName");
        try {
            Map<String, String> failures = new java.util.LinkedHashMap<>();
            failures.put("{directory: 'clock/none'}", "The folder `clock/none` does not exist");
            failures.put("{directory: 'clock/no-relations'}", "The folder `clock/no-relations` lacks "
                    + "relation2vec.vec");
            failures.put("{directory: 'clock/short-ids'}", "entity2id.txt names no entry for id 12 (count 13)");
            failures.put("{directory: 'clock/ragged'}", "entity2vec.vec line 5 has 7 values, expected 8");
            failures.put("{directory: 'clock/unknown-code', idProperty: 'code', nodeLabels: ['City']}",
                    "1 of 12 entity names match no node with label City by property `code`, e.g. [city-99]");
            failures.put("{directory: 'clock/roundtrip', nodeLabels: ['Copy']}",
                    "12 of 12 entity names match no node with label Copy by node id");
            failures.put("{directory: 'clock/same-node'}", "both name node");
            failures.put("{directory: '../escaped'}", "Value for `directory` was `../escaped`, but must name a "
                    + "folder inside the configured OpenKE folder");
            failures.put("{directory: '/tmp/escaped'}", "must name a folder inside the configured OpenKE folder");
            failures.put("{directory: 'clock/roundtrip', norm: 'L3'}", "Value for `norm` was `L3`");
            failures.put("{directory: 'clock/roundtrip', dir: 'x'}", "Unexpected configuration key: `dir`");
            failures.put("{}", "mandatory configuration parameter `directory`");
            for (var failure : failures.entrySet()) {
                String config = failure.getKey().equals("{}") ? "{writeProperty: 'imported'}"
                        : failure.getKey().replaceFirst("}$", ", writeProperty: 'imported'}");
                assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.import('broken', " + config + ")"))
                        .as(config).hasMessageContaining(failure.getValue());
            }
            // a name that several nodes hold (a City and the Copy) when no label narrows the match
            variant("by-code-ambiguous", Map.of("entity2id.txt", lines -> {
                List<String> out = new ArrayList<>(List.of(lines.get(0)));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split("\t");
                    out.add(codes.get(f[0]) + "\t" + f[1]);
                }
                return out;
            }));
            assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.import('broken', "
                    + "{directory: 'clock/by-code-ambiguous', idProperty: 'code', writeProperty: 'imported'})"))
                    .hasMessageContaining("1 of 12 entity names match several nodes by property `code`, e.g. "
                            + "[city-3]");
            assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.import('clock', "
                    + "{directory: 'clock/roundtrip', writeProperty: 'imported'})"))
                    .hasMessageContaining("A TransE model `clock` already exists");
        } finally {
            bolt.single("MATCH (c:Copy) DETACH DELETE c RETURN 1");
        }
        assertThat(bolt.rows("CALL ernie.transe.model.list() YIELD modelName RETURN modelName")).isEqualTo(models);
        assertThat(bolt.count("MATCH (n) WHERE n.imported IS NOT NULL RETURN count(n)")).isZero();
        assertThat(exports.resolveSibling("escaped")).doesNotExist();
    }

    /** Exports the trained model to clock/roundtrip (again, when another test did already). */
    private static Path exportRoundtrip() {
        bolt.single("CALL ernie.transe.model.export('clock', {directory: 'clock/roundtrip', overwrite: true})");
        return exports.resolve("clock").resolve("roundtrip");
    }

    /** A copy of clock/roundtrip as clock/{name}, with files changed line by line (null: the file left out). */
    private static Path variant(String name,
                                Map<String, java.util.function.UnaryOperator<List<String>>> changes) throws Exception {
        Path from = exportRoundtrip();
        Path to = exports.resolve("clock").resolve(name);
        Files.createDirectories(to);
        for (String file : List.of("entity2id.txt", "relation2id.txt", "entity2vec.vec", "relation2vec.vec")) {
            List<String> lines = Files.readAllLines(from.resolve(file));
            List<String> changed = changes.getOrDefault(file, l -> l).apply(lines);
            Files.deleteIfExists(to.resolve(file));
            if (changed != null) Files.write(to.resolve(file), changed);
        }
        return to;
    }

    private static void assertSamePredictions(String original, String copy) {
        for (String type : List.of("NEXT_TO", "OPPOSITE OF")) {
            String query = "MATCH (c:City) WITH collect(c) AS cities CALL ernie.transe.predict.stream("
                    + "{modelName: $model, relationshipType: $type, heads: cities, topK: 3}) YIELD headNodeId, "
                    + "relationshipType, tailNodeId, score, distance, rank RETURN headNodeId, relationshipType, "
                    + "tailNodeId, score, distance, rank ORDER BY headNodeId, rank, tailNodeId";
            List<Map<String, Object>> expected = bolt.rows(query, Map.of("model", original, "type", type));
            assertThat(expected).hasSize(36);
            assertThat(bolt.rows(query, Map.of("model", copy, "type", type))).isEqualTo(expected);
        }
    }

    private static Map<String, Object> evaluation(String model) {
        Map<String, Object> row = bolt.single("MATCH (a:City)-[r]->(b:City) WITH collect({head: a, "
                + "relationshipType: type(r), tail: b}) AS triples CALL ernie.transe.evaluate({modelName: $model, "
                + "triples: triples}) YIELD testTriples, filtered, raw RETURN testTriples, filtered, raw",
                Map.of("model", model));
        assertThat(row.get("testTriples")).isEqualTo(24L);
        return row;
    }

    private static List<Double> doubles(float[] values) {
        Double[] out = new Double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (double) values[i];
        return List.of(out);
    }
}
