package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransEModelFilesTest {

    private static TransEModelFiles.NamedModel trained() {
        TripleStore graph = TransETest.toyGraph();
        TransEModel model = new TransE(graph, TransETest.parameters(1, Norm.L1), Progress.NONE, Termination.ALWAYS)
                .train().model();
        List<String> entities = java.util.stream.IntStream.range(0, model.entityCount()).mapToObj(i -> "node" + i).toList();
        var manifest = new TransEModelFiles.Manifest(TransEModelFiles.FORMAT_VERSION, "toy", model.dimensions(), "L1",
                model.entityCount(), model.relationCount(), "2026-11-27T00:00:00Z", Map.of("epochs", 200));
        return new TransEModelFiles.NamedModel(manifest, model, entities, List.of("livesIn", "inCountry"));
    }

    @Test
    void savesAndLoadsExactly(@TempDir Path dir) throws IOException {
        var named = trained();
        Path folder = dir.resolve("toy");
        TransEModelFiles.write(folder, named);
        TransEModelFiles.write(folder, named); // replacing a model leaves one, whole
        var loaded = TransEModelFiles.read(folder);
        assertThat(loaded.entities()).isEqualTo(named.entities());
        assertThat(loaded.relations()).containsExactly("livesIn", "inCountry");
        assertThat(loaded.model().entityVectors()).containsExactly(named.model().entityVectors());
        assertThat(loaded.model().relationVectors()).containsExactly(named.model().relationVectors());
        assertThat(loaded.manifest().metadata()).containsEntry("epochs", 200);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("toy");
        }
    }

    @Test
    void keepsTheTrainingTriplesWhenGivenThem(@TempDir Path dir) throws IOException {
        var named = trained();
        TripleStore graph = TransETest.toyGraph();
        TransEModelFiles.write(dir.resolve("with"), named, graph);
        TransEModelFiles.write(dir.resolve("without"), named);
        TripleStore read = TransEModelFiles.readTrainingTriples(dir.resolve("with")).orElseThrow();
        assertThat(read.size()).isEqualTo(graph.size());
        for (int i = 0; i < graph.size(); i++) {
            assertThat(new int[] {read.head(i), read.relation(i), read.tail(i)})
                    .containsExactly(graph.head(i), graph.relation(i), graph.tail(i));
        }
        assertThat(TransEModelFiles.readTrainingTriples(dir.resolve("without"))).isEmpty();
    }

    @Test
    void openKeRoundTripKeepsNamesAndVectors(@TempDir Path dir) throws IOException {
        var named = trained();
        TransEModelFiles.exportOpenKe(dir, named, TransETest.toyGraph());
        assertThat(Files.readAllLines(dir.resolve("entity2id.txt"))).startsWith("46", "node0\t0");
        assertThat(Files.readAllLines(dir.resolve("train2id.txt")).get(0)).isEqualTo("44");
        assertThat(Files.readAllLines(dir.resolve("train2id.txt")).get(1)).isEqualTo("0 40 0"); // head tail relation
        var imported = TransEModelFiles.importOpenKe(dir, "imported", Norm.L1);
        assertThat(imported.entities()).isEqualTo(named.entities());
        assertThat(imported.model().entityVectors()).containsExactly(named.model().entityVectors());
        assertThat(imported.model().distance(0, 0, 40)).isEqualTo(named.model().distance(0, 0, 40));
    }

    @Test
    void refusesAnotherFormatOrAMissingModel(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> TransEModelFiles.read(dir.resolve("nothing")))
                .hasMessageContaining("transe.json is missing");
        Path folder = dir.resolve("future");
        TransEModelFiles.write(folder, trained());
        Files.writeString(folder.resolve("transe.json"),
                Files.readString(folder.resolve("transe.json")).replace("\"formatVersion\" : "
                        + TransEModelFiles.FORMAT_VERSION, "\"formatVersion\" : 9"));
        assertThatThrownBy(() -> TransEModelFiles.read(folder)).hasMessageContaining("format version 9");
    }

    /** Format 1 named entities by internal node ids, which Neo4j reuses: such a model is refused, never misread. */
    @Test
    void refusesAModelKeyedOnInternalNodeIds(@TempDir Path dir) throws IOException {
        Path folder = dir.resolve("old");
        TransEModelFiles.write(folder, trained());
        String manifest = Files.readString(folder.resolve("transe.json"));
        Files.writeString(folder.resolve("transe.json"), manifest
                .replace("\"formatVersion\" : " + TransEModelFiles.FORMAT_VERSION, "\"formatVersion\" : 1")
                .replaceAll("\\s*\"entityKey\" : \"[^\"]*\",", ""));
        assertThat(TransEModelFiles.readManifest(folder).formatVersion()).isEqualTo(1); // listed, so it can be dropped
        assertThatThrownBy(() -> TransEModelFiles.read(folder))
                .hasMessageContaining("TransE model `toy` has format version 1")
                .hasMessageContaining("internal node ids").hasMessageContaining("Retrain it with ernie.transe.train")
                .hasMessageContaining("re-import it with ernie.transe.model.import");
    }

    @Test
    void theManifestRecordsTheEntityKey(@TempDir Path dir) throws IOException {
        var named = trained();
        var m = named.manifest();
        var keyed = new TransEModelFiles.NamedModel(new TransEModelFiles.Manifest(m.formatVersion(), m.name(),
                m.dimensions(), m.norm(), m.entityCount(), m.relationCount(), "property:code", m.createdAt(),
                m.metadata()), named.model(), named.entities(), named.relations());
        TransEModelFiles.write(dir.resolve("keyed"), keyed);
        assertThat(TransEModelFiles.read(dir.resolve("keyed")).manifest().entityKey()).isEqualTo("property:code");
        assertThat(m.entityKey()).isEqualTo(TransEModelFiles.NAME_KEY);
    }

    @Test
    void openKeIdsMayHoldSpacesButMustNameEveryIdOnce(@TempDir Path dir) throws IOException {
        var named = trained();
        TransEModelFiles.exportOpenKe(dir, new TransEModelFiles.NamedModel(named.manifest(), named.model(),
                named.entities(), List.of("lives in", "inCountry")), null);
        assertThat(TransEModelFiles.importOpenKe(dir, "spaces", Norm.L1).relations())
                .containsExactly("lives in", "inCountry");
        Files.writeString(dir.resolve("relation2id.txt"), "2\nlives in\t0\ninCountry\t0\n");
        assertThatThrownBy(() -> TransEModelFiles.importOpenKe(dir, "bad", Norm.L1))
                .hasMessageContaining("relation2id.txt:3: expected `name<TAB>id`");
        Files.writeString(dir.resolve("relation2id.txt"), "2\nlives in\t0\n");
        assertThatThrownBy(() -> TransEModelFiles.importOpenKe(dir, "bad", Norm.L1))
                .hasMessageContaining("names no entry for id 1");
    }
}
