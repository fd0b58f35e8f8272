package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * A saved ERNIE model: a folder with {@code ernie.json} ({@link ErnieManifest}), the parameters in DJL's format
 * ({@code ernie.params}) and the tokenizer ({@code tokenizer.json}). The entity table is not in it: the manifest
 * names the TransE model it expects and its dimension. Loading checks everything before the parameters are read.
 */
public final class ModelDirectory {

    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "ernie.json";
    public static final String PARAMETERS = "ernie.params";
    public static final String TOKENIZER = "tokenizer.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelDirectory() {}

    /**
     * A loaded model with its tokenizer; closing it frees both.
     */
    public record Loaded(ErnieManifest manifest, ErnieModel model, WordPieceTokenizer tokenizer)
            implements AutoCloseable {

        /** Fails unless {@code entities} has the dimension the model was trained with. */
        public void requireEntities(EntityTable entities) {
            ModelDirectory.requireEntities(manifest, entities);
        }

        @Override
        public void close() {
            tokenizer.close();
            model.close();
        }
    }

    /**
     * Writes {@code model} to {@code directory} (created if needed; existing model files are replaced).
     *
     * @param tokenizerJson the tokenizer the model's inputs come from, copied in
     * @param transeModel   the name of the TransE model whose vectors the entity input comes from
     */
    public static ErnieManifest save(ErnieModel model, Path tokenizerJson, int maxLength, String transeModel,
                                     Path directory) throws IOException {
        return save(model, tokenizerJson, maxLength, transeModel, null, directory);
    }

    /**
     * As {@link #save(ErnieModel, Path, int, String, Path)}, recording what the training examples came from.
     *
     * @param training {@link ErnieManifest#training()}: null when unknown
     */
    public static ErnieManifest save(ErnieModel model, Path tokenizerJson, int maxLength, String transeModel,
                                     java.util.Map<String, Object> training, Path directory) throws IOException {
        Files.createDirectories(directory);
        ErnieManifest manifest = new ErnieManifest(FORMAT_VERSION, model.config(), model.task(), model.labels(),
                TOKENIZER, maxLength, PARAMETERS,
                new ErnieManifest.EntityEmbeddings(transeModel, model.config().entityDim()), training);
        Files.copy(tokenizerJson, directory.resolve(TOKENIZER), StandardCopyOption.REPLACE_EXISTING);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(directory.resolve(PARAMETERS)), 1 << 20))) {
            model.saveParameters(out);
        }
        // the manifest last: a directory with one is complete
        JSON.writeValue(directory.resolve(MANIFEST).toFile(), manifest);
        return manifest;
    }

    /** Fails, naming both, when {@code entities} has another dimension than the model {@code manifest} describes. */
    public static void requireEntities(ErnieManifest manifest, EntityTable entities) {
        int expected = manifest.entities().dimension();
        if (entities.dim() != expected) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "The entity table has %d dimensions, but the model was trained on TransE model `%s` with %d.",
                    entities.dim(), manifest.entities().transeModel(), expected));
        }
    }

    /**
     * Records in {@code ernie.json} that {@code export} was written into {@code directory} (replacing an earlier
     * record); the rest of the manifest is kept as it is.
     */
    public static ErnieManifest recordOnnx(Path directory, Quantization quantization, ErnieManifest.Onnx export)
            throws IOException {
        ErnieManifest manifest = readManifest(directory).withOnnx(quantization, export);
        // not Files.createTempFile: its owner-only permissions would stay with the manifest
        Path partial = directory.resolve(MANIFEST + ".part");
        try {
            JSON.writeValue(partial.toFile(), manifest);
            Files.move(partial, directory.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return manifest;
    }

    /** Reads {@code ernie.json} and checks it against the directory, without loading anything. */
    public static ErnieManifest readManifest(Path directory) throws IOException {
        Path file = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` is not an ERNIE model directory: `%s` is missing.", directory, MANIFEST));
        }
        ErnieManifest manifest;
        try {
            manifest = JSON.readValue(file.toFile(), ErnieManifest.class);
        } catch (JacksonException e) {
            throw new IOException(String.format(Locale.ROOT, "`%s` is not a valid model manifest: %s",
                    file, e.getOriginalMessage()), e);
        }
        if (manifest.formatVersion() != FORMAT_VERSION) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` has format version %d, but this build reads version %d.",
                    file, manifest.formatVersion(), FORMAT_VERSION));
        }
        if (manifest.architecture() == null || manifest.task() == null || manifest.entities() == null
                || manifest.tokenizer() == null || manifest.parameters() == null) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` must name `architecture`, `task`, `tokenizer`, `parameters` and `entities`.", file));
        }
        if (manifest.entities().dimension() != manifest.architecture().entityDim()) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` expects TransE model `%s` with %d dimensions, but its architecture has entity dimension %d.",
                    file, manifest.entities().transeModel(), manifest.entities().dimension(),
                    manifest.architecture().entityDim()));
        }
        for (Quantization quantization : Quantization.values()) {
            ErnieManifest.Onnx export = manifest.onnx(quantization);
            if (export == null) {
                continue;
            }
            // only a file inside the folder is recorded; a reader of the record must not be led out of it
            Path onnx = Path.of(export.file()).normalize();
            if (onnx.isAbsolute() || onnx.startsWith("..") || onnx.toString().isEmpty()) {
                throw new IOException(String.format(Locale.ROOT,
                        "`%s` records the ONNX file `%s`, which is not inside the model directory.",
                        file, export.file()));
            }
        }
        for (String name : new String[] {manifest.tokenizer(), manifest.parameters()}) {
            if (!Files.isRegularFile(directory.resolve(name))) {
                throw new IOException(String.format(Locale.ROOT,
                        "Model directory `%s` is incomplete: `%s`, named in `%s`, is missing.",
                        directory, name, MANIFEST));
            }
        }
        return manifest;
    }

    /** Loads the model in {@code directory} onto {@code device}. */
    public static Loaded load(Path directory, Device device) throws IOException {
        ErnieManifest manifest = readManifest(directory);
        ErnieModel model;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                Files.newInputStream(directory.resolve(manifest.parameters())), 1 << 20))) {
            model = ErnieModel.readParameters(manifest.architecture(), manifest.task(), manifest.labels(), device, in);
            if (in.read() != -1) {
                model.close();
                throw new IOException(String.format(Locale.ROOT,
                        "`%s` holds more parameters than the architecture in `%s` has.",
                        directory.resolve(manifest.parameters()), MANIFEST));
            }
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` does not match the architecture in `%s`: %s",
                    directory.resolve(manifest.parameters()), MANIFEST, e.getMessage()), e);
        }
        try {
            return new Loaded(manifest, model,
                    WordPieceTokenizer.open(directory.resolve(manifest.tokenizer()), manifest.maxLength()));
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
