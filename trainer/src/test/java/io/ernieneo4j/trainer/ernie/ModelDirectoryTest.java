package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.ernieneo4j.trainer.ernie.config.LayerType.MIX;
import static io.ernieneo4j.trainer.ernie.config.LayerType.NORM;
import static io.ernieneo4j.trainer.ernie.config.LayerType.SIM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ModelDirectoryTest {

    /** A small ERNIE on the real vocabulary: 3 layers of 32, the paper's entity side. */
    private static final ErnieConfig SMALL = new ErnieConfig(ErnieConfig.BERT_UNCASED_VOCAB, 32, 2, 64,
            List.of(SIM, MIX, NORM), 64, 2, 100, 4, 0.1f, 1e-12f, 1f);
    private static final List<String> TYPES = List.of("noun.animal", "noun.person", "noun.artifact");

    private static EntityTable entities;

    @TempDir
    Path directory;

    @BeforeAll
    static void start() {
        MiniLm.startDjl();
        entities = EntityTable.of(List.of("02084071-n"), new float[][] {filled(100, 0.1f)});
    }

    @Test
    void parameterCountFromTheArchitectureMatchesTheBuiltModel() {
        ErnieConfig plain = new ErnieConfig(ErnieConfig.BERT_UNCASED_VOCAB, 32, 2, 64, List.of(SIM, SIM), 64, 2,
                100, 4, 0.1f, 1e-12f, 1f);
        ErnieConfig twoFusing = new ErnieConfig(ErnieConfig.BERT_UNCASED_VOCAB, 32, 2, 64, List.of(MIX, NORM, NORM),
                64, 2, 100, 4, 0.1f, 1e-12f, 1f);
        for (ErnieConfig config : List.of(SMALL, plain, twoFusing)) {
            for (ErnieTask task : ErnieTask.values()) {
                List<String> labels = task == ErnieTask.ENCODER ? List.of() : TYPES;
                try (ErnieModel model = ErnieModel.random(config, task, labels, Device.cpu(), 5)) {
                    long built = model.parameters().values().stream()
                            .mapToLong(p -> p.getArray().getShape().size()).sum();
                    assertThat(ErnieModel.parameterCount(config, task, labels.size())).as(config + " " + task)
                            .isEqualTo(built);
                }
            }
        }
    }

    @Test
    void saveThenLoadReproducesOutputsExactly() throws IOException {
        try (ErnieModel model = ErnieModel.random(SMALL, ErnieTask.TYPING, TYPES, Device.cpu(), 5);
             WordPieceTokenizer tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 64)) {
            EncoderBatch batch = batch(tokenizer);
            float[][] before = run(model, batch);
            ModelDirectory.save(model, tokenizer.file(), 64, "wordnet-transe", directory);

            assertThat(directory.resolve("ernie.json")).content()
                    .contains("\"formatVersion\" : 1", "\"layerTypes\" : [ \"sim\", \"mix\", \"norm\" ]",
                            "\"task\" : \"typing\"", "\"transeModel\" : \"wordnet-transe\"");
            try (ModelDirectory.Loaded loaded = ModelDirectory.load(directory, Device.cpu())) {
                assertThat(loaded.model().config()).isEqualTo(SMALL);
                assertThat(loaded.model().labels()).isEqualTo(TYPES);
                EncoderBatch reloaded = batch(loaded.tokenizer());
                assertThat(reloaded.ids()).isEqualTo(batch.ids());
                float[][] after = run(loaded.model(), reloaded);
                assertThat(after[0]).isEqualTo(before[0]);
                assertThat(after[1]).isEqualTo(before[1]);
                assertThat(after[2]).isEqualTo(before[2]);
            }
        }
    }

    @Test
    void entityScaleMultipliesTheVectorsAndTravelsWithTheModel() throws IOException {
        ErnieConfig scaled = SMALL.withEntityScale(10f);
        EntityTable tenfold = EntityTable.of(List.of("02084071-n"), new float[][] {filled(100, 1f)});
        try (ErnieModel plain = ErnieModel.random(SMALL, ErnieTask.TYPING, TYPES, Device.cpu(), 5);
             ErnieModel model = ErnieModel.random(scaled, ErnieTask.TYPING, TYPES, Device.cpu(), 5);
             WordPieceTokenizer tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 64)) {
            float[][] outputs = run(model, batch(tokenizer, entities));
            float[][] expected = run(plain, batch(tokenizer, tenfold));
            assertThat(outputs[2]).containsExactly(expected[2], within(1e-5f));
            assertThat(outputs[2]).as("the scale changes what the model computes")
                    .isNotEqualTo(run(plain, batch(tokenizer, entities))[2]);

            ModelDirectory.save(model, tokenizer.file(), 64, "wordnet-transe", directory);
            assertThat(directory.resolve("ernie.json")).content().contains("\"entityScale\" : 10.0");
            try (ModelDirectory.Loaded loaded = ModelDirectory.load(directory, Device.cpu())) {
                assertThat(loaded.model().config()).isEqualTo(scaled);
                assertThat(run(loaded.model(), batch(loaded.tokenizer(), entities))[2]).isEqualTo(outputs[2]);
            }
        }
        // a manifest written before the setting existed reads as the reference's scale, 1
        Path manifest = directory.resolve("ernie.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll(",\\s*\"entityScale\" : 10.0", ""));
        assertThat(manifest).content().doesNotContain("entityScale");
        try (ModelDirectory.Loaded loaded = ModelDirectory.load(directory, Device.cpu())) {
            assertThat(loaded.model().config()).isEqualTo(SMALL);
        }
        assertThatThrownBy(() -> SMALL.withEntityScale(0f))
                .hasMessage("Value for `entityScale` was `0.0`, but must be a positive number.");
    }

    @Test
    void missingManifest() throws IOException {
        assertThatThrownBy(() -> ModelDirectory.load(directory, Device.cpu()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not an ERNIE model directory: `ernie.json` is missing");
    }

    @Test
    void wrongFormatVersion() throws IOException {
        saveSmall();
        edit("\"formatVersion\" : 1", "\"formatVersion\" : 2");
        assertThatThrownBy(() -> ModelDirectory.load(directory, Device.cpu()))
                .hasMessageContaining("has format version 2, but this build reads version 1");
    }

    @Test
    void transeDimensionMismatch() throws IOException {
        saveSmall();
        edit("\"dimension\" : 100", "\"dimension\" : 50");
        assertThatThrownBy(() -> ModelDirectory.load(directory, Device.cpu()))
                .hasMessageContaining("expects TransE model `wordnet-transe` with 50 dimensions, but its "
                        + "architecture has entity dimension 100");
    }

    @Test
    void missingParameterFile() throws IOException {
        saveSmall();
        Files.delete(directory.resolve("ernie.params"));
        assertThatThrownBy(() -> ModelDirectory.load(directory, Device.cpu()))
                .hasMessageContaining("is incomplete: `ernie.params`, named in `ernie.json`, is missing");
    }

    @Test
    void parametersOfAnotherArchitecture() throws IOException {
        saveSmall();
        edit("\"intermediateSize\" : 64", "\"intermediateSize\" : 128");
        assertThatThrownBy(() -> ModelDirectory.load(directory, Device.cpu()))
                .hasMessageContaining("does not match the architecture in `ernie.json`");
    }

    @Test
    void unknownManifestKey() throws IOException {
        saveSmall();
        edit("\"formatVersion\" : 1", "\"formatVersion\" : 1, \"epochs\" : 3");
        assertThatThrownBy(() -> ModelDirectory.load(directory, Device.cpu()))
                .hasMessageContaining("is not a valid model manifest")
                .hasMessageContaining("epochs");
    }

    @Test
    void entityTableOfAnotherDimension() throws IOException {
        saveSmall();
        try (ModelDirectory.Loaded loaded = ModelDirectory.load(directory, Device.cpu())) {
            loaded.requireEntities(entities);
            EntityTable small = EntityTable.of(List.of("x"), new float[][] {new float[50]});
            assertThatThrownBy(() -> loaded.requireEntities(small))
                    .hasMessage("The entity table has 50 dimensions, but the model was trained on TransE model "
                            + "`wordnet-transe` with 100.");
        }
    }

    private void saveSmall() throws IOException {
        try (ErnieModel model = ErnieModel.random(SMALL, ErnieTask.TYPING, TYPES, Device.cpu(), 5)) {
            ModelDirectory.save(model, MiniLm.tokenizerJson(), 64, "wordnet-transe", directory);
        }
    }

    private void edit(String from, String to) throws IOException {
        Path manifest = directory.resolve("ernie.json");
        String json = Files.readString(manifest);
        assertThat(json).contains(from);
        Files.writeString(manifest, json.replace(from, to));
    }

    private static EncoderBatch batch(WordPieceTokenizer tokenizer) {
        return batch(tokenizer, entities);
    }

    private static EncoderBatch batch(WordPieceTokenizer tokenizer, EntityTable entities) {
        TokenizedText dog = tokenizer.encode("the dog barked all night");
        TokenizedText cat = tokenizer.encode("a dog");
        return EncoderBatch.withEntities(List.of(dog, cat), List.of(
                EntityAlignment.align(dog, List.of(new Mention(4, 7, "02084071-n")), entities).rows(),
                EntityAlignment.align(cat, List.of(new Mention(2, 5, "02084071-n")), entities).rows()), entities);
    }

    /** Token states, pooled [CLS] and typing logits. */
    private static float[][] run(ErnieModel model, EncoderBatch batch) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDList outputs = model.predict(batch.toNDList(scope));
            float[] logits = model.classify(batch.toNDList(scope)).toFloatArray();
            assertThat(logits).hasSize(2 * TYPES.size());
            return new float[][] {outputs.get(0).toFloatArray(), outputs.get(1).toFloatArray(), logits};
        }
    }

    private static float[] filled(int n, float value) {
        float[] values = new float[n];
        Arrays.fill(values, value);
        return values;
    }
}
