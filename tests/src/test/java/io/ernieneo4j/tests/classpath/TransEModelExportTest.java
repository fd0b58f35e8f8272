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
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ernie.transe.model.export} through Bolt: a stored model written as OpenKE / Fast-TransX files inside the
 * configured folder, read back with the trainer's OpenKE reader and compared with what the database holds; paths
 * that leave the folder are refused before anything is written.
 */
class TransEModelExportTest extends ClasspathHarness {

    private static Path exports;

    @BeforeAll
    static void trainATinyModel() throws Exception {
        exports = Files.createTempDirectory("openke-exports");
        System.setProperty("ernie.openke.dir", exports.toString());
        bolt.single("UNWIND range(0, 11) AS i CREATE (:City {i: i}) RETURN count(*)");
        bolt.single("MATCH (a:City), (b:City) WHERE b.i = (a.i + 1) % 12 CREATE (a)-[:NEXT_TO]->(b) RETURN count(*)");
        bolt.single("MATCH (a:City), (b:City) WHERE b.i = (a.i + 6) % 12 CREATE (a)-[:`OPPOSITE OF`]->(b) "
                + "RETURN count(*)");
        bolt.single("CALL ernie.transe.train({modelName: 'clock', writeProperty: 'transe', dimensions: 8, epochs: 20, "
                + "concurrency: 1, randomSeed: 3})");
    }

    @AfterAll
    static void clearSettings() throws Exception {
        System.clearProperty("ernie.openke.dir");
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
            Map<String, Object> node = bolt.single("MATCH (n) WHERE id(n) = $id RETURN n.transe AS embedding",
                    Map.of("id", Long.parseLong(exported.entities().get(e))));
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

    private static List<Double> doubles(float[] values) {
        Double[] out = new Double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (double) values[i];
        return List.of(out);
    }
}
