package io.ernieneo4j.plugin.model;

import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.plugin.common.PluginRuntime;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.infer.InferenceModel;
import io.ernieneo4j.trainer.run.Termination;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The ERNIE models loaded in this DBMS, per database and name, shared by every transaction. A call holds the
 * model's read lock while it runs; dropping a model takes the write lock, so it waits for the calls in flight and
 * then closes the native memory.
 *
 * <p>Each model also bounds the batches in flight with its own inference executor, {@code slots} threads that run
 * every call's batches (a fair FIFO queue; a call hands over one document's batches at a time and waits). One batch
 * already keeps every intra-op thread busy, so {@code slots} is 1 unless {@code ernie.inference.slots} says otherwise
 * ({@link PluginRuntime#inferenceSlots}): eight callers take turns on the cores instead of running eight OpenMP thread
 * teams that fight over them, the model always runs on the same warm threads, and the native memory of batches is
 * that of {@code slots} batches whatever the number of callers.
 */
public final class ErnieModelCatalog {

    /**
     * A loaded model (on the engine it was loaded on) with the entity table its TransE model gives it, and the
     * executor that runs its batches.
     *
     * @param entities  the entity vectors; null for a model trained without entity input (--no-entities)
     * @param entityKey what names the nodes in {@code entities} (the TransE model's key)
     */
    public record LoadedModel(String database, String name, String path, InferenceModel loaded,
                              EntityTable entities, EntityKey entityKey, String device, Instant loadedAt,
                              long parameters, ReadWriteLock lock, int slots, ExecutorService inference) {

        /**
         * Runs {@code batches} (model calls, one batch after another) on the model's inference executor and waits
         * for them, checking {@code termination} meanwhile: a terminated call whose batches have not started leaves
         * the queue; batches already running finish (the caller stops at its next check).
         */
        public <T> T infer(Termination termination, Supplier<T> batches) {
            Future<T> future = inference.submit(batches::get);
            try {
                while (true) {
                    try {
                        return future.get(TERMINATION_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        if (!termination.running() && future.cancel(false)) {
                            throw new Termination.TerminatedException();
                        }
                        // running already: wait for it; the caller stops at its next termination check
                    }
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) throw runtime;
                if (e.getCause() instanceof Error error) throw error;
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(false);
                throw new Termination.TerminatedException();
            }
        }

        /** Frees the native memory once the executor has finished what it runs (never under a running batch). */
        void close() {
            inference.shutdown();
            boolean interrupted = false;
            while (true) {
                try {
                    if (inference.awaitTermination(1, TimeUnit.MINUTES)) break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            loaded.close();
        }
    }

    /** How often a call waiting for its batches checks whether it was terminated. */
    private static final long TERMINATION_CHECK_MILLIS = 100;

    private static final Map<String, LoadedModel> MODELS = new ConcurrentHashMap<>();

    private ErnieModelCatalog() {}

    static void put(LoadedModel model, boolean replace) {
        String key = key(model.database(), model.name());
        LoadedModel previous = replace ? MODELS.put(key, model) : MODELS.putIfAbsent(key, model);
        if (!replace && previous != null) {
            model.close();
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "A model named `%s` is already loaded; drop it first or load with `replace: true`.", model.name()));
        }
        if (previous != null) {
            close(previous);
        }
    }

    /** Whether a model of this name is loaded for the database. */
    public static boolean isLoaded(String database, String name) {
        return MODELS.containsKey(key(database, name));
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
            model.close();
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

    static LoadedModel create(String database, String name, String path, InferenceModel loaded,
                              EntityTable entities, EntityKey entityKey, String device, long parameters) {
        int slots = PluginRuntime.inferenceSlots();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService inference = Executors.newFixedThreadPool(slots, runnable -> {
            Thread thread = new Thread(runnable, "ernie-inference-" + database + "/" + name + "-"
                    + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return new LoadedModel(database, name, path, loaded, entities, entityKey, device, Instant.now(), parameters,
                new ReentrantReadWriteLock(), slots, inference);
    }
}
