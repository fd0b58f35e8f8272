package io.ernieneo4j.plugin.model;

import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.engine.EngineInfo;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.run.Termination;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The ERNIE models loaded in this DBMS, per database and name, shared by every transaction. A call holds the
 * model's read lock while it runs; dropping a model takes the write lock, so it waits for the calls in flight and
 * then closes the native memory.
 *
 * <p>Each model also bounds the batches in flight: a call runs the model only while it holds one of the model's
 * {@link LoadedModel#inferenceSlots} (a fair semaphore). One batch already keeps every intra-op thread busy, so with
 * {@code slots = max(1, cores / intra-op threads)} — 1 by default — eight callers share the cores instead of
 * starting eight thread teams that fight over them, and the native memory of batches stays that of {@code slots}
 * batches whatever the number of callers.
 */
public final class ErnieModelCatalog {

    /** A loaded model with the entity table its TransE model gives it. */
    public record LoadedModel(String database, String name, String path, ModelDirectory.Loaded loaded,
                              EntityTable entities, String device, Instant loadedAt, long parameters,
                              ReadWriteLock lock, int slots, Semaphore inferenceSlots) {

        /**
         * Runs {@code batches} (model calls, one batch after another) once an inference slot is free; waiting for
         * one honours {@code termination}.
         */
        public <T> T infer(Termination termination, Supplier<T> batches) {
            try {
                while (!inferenceSlots.tryAcquire(SLOT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    termination.assertRunning();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Termination.TerminatedException();
            }
            try {
                return batches.get();
            } finally {
                inferenceSlots.release();
            }
        }
    }

    /** System property overriding the number of batches in flight per model. */
    public static final String SLOTS_PROPERTY = "ernie.inference.slots";
    /** How often a call waiting for a slot checks whether it was terminated. */
    private static final long SLOT_WAIT_MILLIS = 100;

    private static final Map<String, LoadedModel> MODELS = new ConcurrentHashMap<>();

    private ErnieModelCatalog() {}

    static void put(LoadedModel model, boolean replace) {
        String key = key(model.database(), model.name());
        LoadedModel previous = replace ? MODELS.put(key, model) : MODELS.putIfAbsent(key, model);
        if (!replace && previous != null) {
            model.loaded().close();
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "A model named `%s` is already loaded; drop it first or load with `replace: true`.", model.name()));
        }
        if (previous != null) {
            close(previous);
        }
    }

    static List<LoadedModel> list(String database) {
        return MODELS.values().stream().filter(m -> m.database().equals(database))
                .sorted(java.util.Comparator.comparing(LoadedModel::name)).toList();
    }

    static LoadedModel drop(String database, String name) {
        LoadedModel model = MODELS.remove(key(database, name));
        if (model == null) {
            throw notLoaded(name);
        }
        close(model);
        return model;
    }

    /** Runs {@code work} with the model, which cannot be closed meanwhile. */
    public static <T> T use(String database, String name, Function<LoadedModel, T> work) {
        LoadedModel model = MODELS.get(key(database, name));
        if (model == null) {
            throw notLoaded(name);
        }
        model.lock().readLock().lock();
        try {
            if (MODELS.get(key(database, name)) != model) {
                throw notLoaded(name); // dropped while this call waited
            }
            return work.apply(model);
        } finally {
            model.lock().readLock().unlock();
        }
    }

    private static void close(LoadedModel model) {
        model.lock().writeLock().lock();
        try {
            model.loaded().close();
        } finally {
            model.lock().writeLock().unlock();
        }
    }

    private static IllegalArgumentException notLoaded(String name) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "No ERNIE model `%s` is loaded; load one with ernie.model.load('%s', {path: ...}) "
                        + "(ernie.model.list shows the loaded ones).", name, name));
    }

    private static String key(String database, String name) {
        return database + "/" + name;
    }

    static LoadedModel create(String database, String name, String path, ModelDirectory.Loaded loaded,
                              EntityTable entities, String device, long parameters) {
        int slots = inferenceSlots();
        return new LoadedModel(database, name, path, loaded, entities, device, Instant.now(), parameters,
                new ReentrantReadWriteLock(), slots, new Semaphore(slots, true));
    }

    /**
     * {@code -Dernie.inference.slots}, else as many batches as the cores hold intra-op thread teams:
     * {@code max(1, cores / DJL's intra-op threads)}.
     */
    static int inferenceSlots() {
        String configured = System.getProperty(SLOTS_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            try {
                int slots = Integer.parseInt(configured.trim());
                if (slots >= 1) {
                    return slots;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%s`, but must be a whole number >= 1.", SLOTS_PROPERTY, configured));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = DjlRuntime.started().map(EngineInfo::threads).orElse(cores);
        return Math.max(1, cores / Math.max(1, threads));
    }
}
