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
 * What one executor JVM holds for every task it runs: the alignment dictionary and the ERNIE models (typing,
 * relations), each built or loaded once, by the first task that needs it, and shared by the tasks that run at once (the dictionary is
 * immutable; model calls take turns on {@code inferenceSlots} permits, as the plugin's inference slots do, because
 * one batch already keeps every intra-op thread busy). Each holds the latest job's only: a long-lived executor
 * that runs another job with another dictionary or model replaces it rather than keeping both.
 */
final class ExecutorResources {

    /** The dictionary of one run. */
    private record Dictionary(String runId, AlignmentDictionary dictionary) {}

    /** A model with its entity vectors. */
    record Model(String folder, String transeFolder, InferenceModel model, EntityTable entities) {}

    private static Dictionary dictionary;
    private static Model typing;
    private static Model relation;
    /** The model calls of every model in this JVM take turns on these: each call uses every intra-op thread. */
    private static Semaphore slots;
    private static String slotsRunId;

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
    static synchronized Model typing(PartitionSettings settings) {
        if (!loaded(typing, settings.model(), settings.transeModel())) {
            close(typing);
            typing = null;
            typing = load(settings, settings.model(), settings.transeModel(), "model", "transeModel");
        }
        return typing;
    }

    /** The relation model of {@code settings}, loaded (with its TransE vectors) by the first task that asks. */
    static synchronized Model relation(PartitionSettings settings) {
        if (!loaded(relation, settings.relationModel(), settings.relationTranseModel())) {
            close(relation);
            relation = null;
            relation = load(settings, settings.relationModel(), settings.relationTranseModel(), "relationModel",
                    "relationTranseModel");
        }
        return relation;
    }

    private static boolean loaded(Model model, String folder, String transeFolder) {
        return model != null && model.folder().equals(folder)
                && java.util.Objects.equals(model.transeFolder(), transeFolder);
    }

    private static void close(Model model) {
        if (model != null) {
            model.model().close();
        }
    }

    private static Model load(PartitionSettings settings, String modelFolder, String transeFolder, String key,
                              String transeKey) {
        int threads = settings.inferenceThreads() > 0 ? settings.inferenceThreads()
                : Runtime.getRuntime().availableProcessors();
        Path cache = settings.djlCache() != null ? Path.of(settings.djlCache())
                : Path.of(System.getProperty(DjlRuntime.CACHE_DIR_PROPERTY,
                        System.getenv().getOrDefault(DjlRuntime.CACHE_DIR_ENV,
                                Path.of(System.getProperty("java.io.tmpdir"), "ernie-djl").toString())));
        DjlRuntime.start(cache, threads);
        Path folder = Path.of(modelFolder);
        EntityTable entities = entities(folder, transeFolder, key, transeKey);
        InferenceModel model = DjlRuntime.call(() -> {
            try {
                return EngineChoice.load(folder, new EngineChoice.Request(ErnieInference.PYTORCH, "auto",
                        EngineChoice.GraphPlace.TEMPORARY, threads));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot load the ERNIE model in `" + folder + "` (`" + key + "`): "
                        + e.getMessage(), e);
            }
        });
        return new Model(modelFolder, transeFolder, model, entities);
    }

    /** The permits of this run's model calls, typing and relations alike ({@code inferenceSlots}). */
    static synchronized Semaphore slots(PartitionSettings settings) {
        if (slots == null || !settings.runId().equals(slotsRunId)) {
            slots = new Semaphore(settings.inferenceSlots(), true);
            slotsRunId = settings.runId();
        }
        return slots;
    }

    /**
     * The vectors of the TransE model the ERNIE model was trained with, as ernie.model.load reads them; null for a
     * model trained without entities. Also the driver's check of the folders before any task runs; errors name
     * {@code key} (the model folder's configuration key) and {@code transeKey} (the TransE folder's).
     */
    static EntityTable entities(Path folder, String transeFolder, String key, String transeKey) {
        ErnieManifest manifest;
        try {
            manifest = ModelDirectory.readManifest(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("`" + key + "`: cannot read the ERNIE model in `" + folder + "`: "
                    + e.getMessage(), e);
        }
        if (!manifest.entities().used()) {
            return null;
        }
        if (transeFolder == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`%s`: the ERNIE model in `%s` reads the vectors of TransE model `%s`; name its folder "
                            + "(e.g. <ernie.dir.transe>/<database>/transe/%s).", transeKey, folder,
                    manifest.entities().transeModel(), manifest.entities().transeModel()));
        }
        TransEModelFiles.NamedModel transe = transe(Path.of(transeFolder), transeKey);
        if (transe.model().dimensions() != manifest.entities().dimension()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`%s`: the ERNIE model expects %d-d entity vectors, but the TransE model in `%s` has %d "
                            + "dimensions.", transeKey, manifest.entities().dimension(), transeFolder,
                    transe.model().dimensions()));
        }
        float[][] vectors = new float[transe.entities().size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = transe.model().entity(i);
        }
        return EntityTable.of(transe.entities(), vectors);
    }

    static TransEModelFiles.NamedModel transe(Path folder, String key) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("`" + key + "`: `" + folder + "` is not a folder.");
        }
        try {
            return TransEModelFiles.read(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("`" + key + "`: cannot read the TransE model in `" + folder + "`: "
                    + e.getMessage(), e);
        }
    }
}
