package io.ernieneo4j.trainer.linking;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import ai.djl.Device;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A linking model is an ERNIE model folder of task {@code encoder} (a plain BERT, e.g. the bundled MiniLM) with a
 * {@value #FILE} beside its manifest: the two weights of the {@link SenseScorer} that combines the encoder's
 * description similarity with the prior.
 */
public final class LinkingModelFiles {

    public static final String FILE = "linking.json";

    /**
     * The weights fitted on WordNet's development sample by {@code LinkingBenchmark} (MiniLM, descriptions
     * {@code lemmas: definition}); a starting point for any graph until weights are fitted on its own gold.
     */
    public static final SenseScorer WORDNET_FIT = new SenseScorer(10.22, 0.168);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LinkingModelFiles() {}

    /** The maximum sentence length, in word pieces, the encoder of a linking model reads (longer ones are cut). */
    public static final int MAX_LENGTH = 128;

    /**
     * Writes a linking model: the plain BERT of an ONNX export (e.g. the bundled all-MiniLM-L6-v2, {@code shape}
     * {@code ErnieConfig.miniLm().plainBert()}) as an {@code encoder} model folder without entity input, and the
     * scorer's weights. Run inside {@code DjlRuntime.call}.
     */
    public static void create(Path onnx, Path tokenizerJson, ErnieConfig shape, SenseScorer scorer, Path directory)
            throws IOException {
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(onnx);
             ErnieModel model = ErnieModel.fromCheckpoint(shape, Device.cpu(), checkpoint,
                     name -> name.startsWith("pooler."), 42)) {
            ModelDirectory.save(model, tokenizerJson, MAX_LENGTH, ErnieManifest.EntityEmbeddings.NONE, directory);
        }
        save(directory, scorer);
    }

    public static void save(Path directory, SenseScorer scorer) throws IOException {
        Files.createDirectories(directory);
        JSON.writeValue(directory.resolve(FILE).toFile(), scorer);
    }

    /** The scorer of a linking model folder; empty when the folder has no {@value #FILE}. */
    public static Optional<SenseScorer> read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), SenseScorer.class));
        } catch (IOException e) {
            throw new IOException("`" + file + "` is not a linking model's weights: " + e.getMessage(), e);
        }
    }
}
