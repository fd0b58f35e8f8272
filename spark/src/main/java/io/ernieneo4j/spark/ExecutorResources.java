package io.ernieneo4j.spark;

import io.ernieneo4j.trainer.align.AlignmentDictionary;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.infer.ErnieInference;
import io.ernieneo4j.trainer.infer.InferenceModel;
import io.ernieneo4j.trainer.infer.engines.EngineChoice;
import io.ernieneo4j.trainer.transe.TransEModelFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * What one executor JVM holds for every task it runs: the alignment dictionary and the ERNIE model, each built or
 * loaded once, by the first task that needs it, and shared by the tasks that run at once (the dictionary is
 * immutable; model calls take turns on {@code inferenceSlots} permits, as the plugin's inference slots do, because
 * one batch already keeps every intra-op thread busy). Each holds the latest job's only: a long-lived executor
 * that runs another job with another dictionary or model replaces it rather than keeping both.
 */
final class ExecutorResources {

    /** The dictionary of one run. */
    private record Dictionary(String runId, AlignmentDictionary dictionary) {}

    /** A typing model with its entity vectors and the permits of its model calls. */
    record Typing(String folder, String transeFolder, InferenceModel model, EntityTable entities, Semaphore slots) {}

    private static Dictionary dictionary;
    private static Typing typing;

    private ExecutorResources() {}

    /** The dictionary of the run {@code settings} belong to, built from {@code data} by the first task that asks. */
    static synchronized AlignmentDictionary dictionary(Supplier<DictionaryData> data, PartitionSettings settings) {
        if (dictionary == null || !dictionary.runId().equals(settings.runId())) {
            dictionary = null; // the old one can go before the new one is built
            dictionary = new Dictionary(settings.runId(),
                    data.get().build(settings.entityLabels(), settings.nameProperties()));
        }
        return dictionary.dictionary();
    }

    /** The typing model of {@code settings}, loaded (with its TransE vectors) by the first task that asks. */
    static synchronized Typing typing(PartitionSettings settings) {
        if (typing != null && typing.folder().equals(settings.model())
                && java.util.Objects.equals(typing.transeFolder(), settings.transeModel())) {
            return typing;
        }
        if (typing != null) {
            typing.model().close();
            typing = null;
        }
        int threads = settings.inferenceThreads() > 0 ? settings.inferenceThreads()
                : Runtime.getRuntime().availableProcessors();
        Path cache = settings.djlCache() != null ? Path.of(settings.djlCache())
                : Path.of(System.getProperty(DjlRuntime.CACHE_DIR_PROPERTY,
                        System.getenv().getOrDefault(DjlRuntime.CACHE_DIR_ENV,
                                Path.of(System.getProperty("java.io.tmpdir"), "ernie-djl").toString())));
        DjlRuntime.start(cache, threads);
        Path folder = Path.of(settings.model());
        EntityTable entities = entities(folder, settings.transeModel());
        InferenceModel model = DjlRuntime.call(() -> {
            try {
                return EngineChoice.load(folder, new EngineChoice.Request(ErnieInference.PYTORCH, "auto",
                        EngineChoice.GraphPlace.TEMPORARY, threads));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot load the ERNIE model in `" + folder + "` (`model`): "
                        + e.getMessage(), e);
            }
        });
        typing = new Typing(settings.model(), settings.transeModel(), model, entities, new Semaphore(settings.inferenceSlots(), true));
        return typing;
    }

    /**
     * The vectors of the TransE model the ERNIE model was trained with, as ernie.model.load reads them; null for a
     * model trained without entities. Also the driver's check of the folders before any task runs.
     */
    static EntityTable entities(Path folder, String transeFolder) {
        ErnieManifest manifest;
        try {
            manifest = ModelDirectory.readManifest(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("`model`: cannot read the ERNIE model in `" + folder + "`: "
                    + e.getMessage(), e);
        }
        if (!manifest.entities().used()) {
            return null;
        }
        if (transeFolder == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`transeModel`: the ERNIE model in `%s` reads the vectors of TransE model `%s`; name its folder "
                            + "(e.g. <ernie.dir.transe>/<database>/transe/%s).", folder,
                    manifest.entities().transeModel(), manifest.entities().transeModel()));
        }
        TransEModelFiles.NamedModel transe = transe(Path.of(transeFolder));
        if (transe.model().dimensions() != manifest.entities().dimension()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`transeModel`: the ERNIE model expects %d-d entity vectors, but the TransE model in `%s` has %d "
                            + "dimensions.", manifest.entities().dimension(), transeFolder,
                    transe.model().dimensions()));
        }
        float[][] vectors = new float[transe.entities().size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = transe.model().entity(i);
        }
        return EntityTable.of(transe.entities(), vectors);
    }

    static TransEModelFiles.NamedModel transe(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("`transeModel`: `" + folder + "` is not a folder.");
        }
        try {
            return TransEModelFiles.read(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("`transeModel`: cannot read the TransE model in `" + folder + "`: "
                    + e.getMessage(), e);
        }
    }
}
