package io.ernieneo4j.tests.classpath;

import ai.djl.Device;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The tiny seeded random ERNIE the procedure tests load (2 layers of 32, MiniLM's tokenizer), saved as
 * {@code finetune} saves a model: what they test is the plumbing around a model, not what it learnt.
 */
final class TinyErnie {

    /** 2 layers of 32, 2 heads, an entity side of 64: seconds to build, save and run. */
    static final ErnieConfig CONFIG = ErnieConfig.bert(32, 2, 64, 2);

    private TinyErnie() {}

    /** MiniLM's tokenizer.json, copied from the tests' resources to {@code file}. */
    static Path miniLmTokenizer(Path file) throws IOException {
        try (InputStream in = TinyErnie.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, file);
        }
        return file;
    }

    /**
     * Saves a seeded random model of {@code task} and {@code labels} into {@code folder}, over the TransE model
     * {@code transeModel} (or {@code ErnieManifest.EntityEmbeddings.NONE}), recording {@code training} (null:
     * none) in its ernie.json as fine-tuning would.
     */
    static void save(ErnieTask task, List<String> labels, long seed, Path tokenizer, String transeModel,
                     Map<String, Object> training, Path folder) {
        DjlRuntime.start(Path.of("target", "djl-cache"));
        DjlRuntime.call(() -> {
            try (ErnieModel model = ErnieModel.random(CONFIG, task, labels, Device.cpu(), seed)) {
                ModelDirectory.save(model, tokenizer, 64, transeModel, training, folder);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static void save(ErnieTask task, List<String> labels, long seed, Path tokenizer, String transeModel,
                     Path folder) {
        save(task, labels, seed, tokenizer, transeModel, null, folder);
    }
}
