package io.ernieneo4j.plugin.align;

import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.plugin.model.ErnieModelCatalog;
import io.ernieneo4j.trainer.align.LinkedMention;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.linking.LinkingModelFiles;
import io.ernieneo4j.trainer.linking.SenseScorer;
import io.ernieneo4j.trainer.linking.SentenceLinker;
import io.ernieneo4j.trainer.linking.TextEncoder;
import io.ernieneo4j.trainer.run.Termination;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

import io.ernieneo4j.trainer.ernie.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A call's linking model ({@code model} with {@code descriptionProperty}): checked once, then used to link texts by
 * their sentences ({@link SentenceLinker}). An entity's description is its names and its description property,
 * {@code "name, synonym: description"} (the form the weights were fitted on); its vector is computed on first use and
 * kept per loaded model, and computed again when the text it was computed from changes.
 */
final class SentenceReading {

    /** Past this many cached vectors of one model and configuration, the cache starts again (≈0.6 KB each). */
    static final int MAX_CACHED_DESCRIPTIONS = 1_000_000;

    private record Described(String text, float[] vector) {}

    private static final Map<String, Map<Long, Described>> CACHE = new ConcurrentHashMap<>();

    private final GraphDatabaseService db;
    private final AlignConfig config;
    private final AlignConfig.SentenceModel model;
    private final Termination termination;
    private final SenseScorer scorer;
    private final Map<Long, Described> cache;
    private final Path folder;

    private SentenceReading(GraphDatabaseService db, AlignConfig config, Termination termination, SenseScorer scorer,
                            String cacheKey, Path folder) {
        this.folder = folder;
        this.db = db;
        this.config = config;
        this.model = config.sentenceModel().orElseThrow();
        this.termination = termination;
        this.scorer = scorer;
        this.cache = CACHE.computeIfAbsent(cacheKey, k -> new ConcurrentHashMap<>());
    }

    /** Checks the model and the description property; every problem is an error naming its key. */
    static SentenceReading open(GraphDatabaseService db, Transaction tx, AlignConfig config, Termination termination) {
        AlignConfig.SentenceModel model = config.sentenceModel().orElseThrow();
        Set<String> keys = new TreeSet<>();
        tx.getAllPropertyKeys().forEach(keys::add);
        if (!keys.contains(model.descriptionProperty())) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`descriptionProperty`: no property key `%s` exists in the database.",
                    model.descriptionProperty()));
        }
        ErnieModelCatalog.LoadedModel loaded = ErnieModelCatalog.use(db.databaseName(), model.modelName(), m -> m);
        ErnieTask task = loaded.loaded().manifest().task();
        if (task != ErnieTask.ENCODER) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`model`: ERNIE model `%s` is a %s model; ernie.align needs a linking model (write one with "
                            + "`./ernie.sh trainer linking-model` and load it with ernie.model.load).",
                    model.modelName(), task.code()));
        }
        SenseScorer scorer;
        Path folder = PluginFolders.inside(db, PluginFolders.Folder.MODELS, loaded.path(), "model");
        try {
            scorer = LinkingModelFiles.read(folder).orElseThrow(() -> new IllegalArgumentException(String.format(Locale.ROOT,
                    "`model`: ERNIE model `%s` is an encoder without linking weights (%s); write a linking model "
                            + "with `./ernie.sh trainer linking-model`.", model.modelName(), LinkingModelFiles.FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String cacheKey = String.join("\u0000", db.databaseName(), model.modelName(), loaded.loadedAt().toString(),
                model.descriptionProperty(), String.join(",", config.dictionary().nameProperties()));
        return new SentenceReading(db, config, termination, scorer, cacheKey, folder);
    }

    SenseScorer scorer() {
        return scorer;
    }

    /** What the model reads of each mention of {@code text}, descriptions read in {@code tx}. */
    List<SentenceLinker.Read> read(SentenceLinker linker, String text, Transaction tx) {
        return linker.read(text, this::encode, ids -> descriptions(ids, tx));
    }

    /**
     * Writes a linking model with this one's encoder and {@code fitted} weights into {@code target}, all or nothing:
     * the files go to a sibling folder first, which is then renamed.
     */
    void writeModel(SenseScorer fitted, Path target) {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try {
            if (Files.exists(partial)) {
                try (var old = Files.walk(partial)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(partial);
            for (String file : List.of(ModelDirectory.MANIFEST, ModelDirectory.PARAMETERS, ModelDirectory.TOKENIZER)) {
                Files.copy(folder.resolve(file), partial.resolve(file));
            }
            LinkingModelFiles.save(partial, fitted);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write linking model `" + target.getFileName() + "`: "
                    + e.getMessage(), e);
        }
    }

    /** Links {@code text}, reading descriptions in {@code tx}. */
    List<LinkedMention> align(SentenceLinker linker, String text, Transaction tx) {
        return linker.align(text, this::encode, ids -> descriptions(ids, tx));
    }

    private float[][] descriptions(long[] ids, Transaction tx) {
        float[][] vectors = new float[ids.length][];
        List<String> missing = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            String text = describe(tx, ids[i]);
            if (text == null) {
                continue;
            }
            Described cached = cache.get(ids[i]);
            if (cached != null && cached.text().equals(text)) {
                vectors[i] = cached.vector();
            } else {
                missing.add(text);
                missingAt.add(i);
            }
        }
        if (!missing.isEmpty()) {
            float[][] encoded = encode(missing);
            if (cache.size() + missing.size() > MAX_CACHED_DESCRIPTIONS) {
                cache.clear();
            }
            for (int k = 0; k < encoded.length; k++) {
                int i = missingAt.get(k);
                vectors[i] = encoded[k];
                cache.put(ids[i], new Described(missing.get(k), encoded[k]));
            }
        }
        return vectors;
    }

    /** {@code "name, synonym: description"}, or null when the entity has no description. */
    @SuppressWarnings("deprecation") // the dictionary's ids are internal node ids
    private String describe(Transaction tx, long id) {
        Node node = tx.getNodeById(id);
        Object description = node.getProperty(model.descriptionProperty(), null);
        if (description == null) {
            return null;
        }
        if (!(description instanceof String text)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`descriptionProperty`: property `%s` of node %d holds %s, not a string.",
                    model.descriptionProperty(), id, description.getClass().isArray() ? "a list" : "a "
                            + description.getClass().getSimpleName()));
        }
        List<String> names = new ArrayList<>();
        for (String property : config.dictionary().nameProperties()) {
            Object value = node.getProperty(property, null);
            if (value instanceof String name) {
                names.add(name.replace('_', ' '));
            } else if (value instanceof String[] list) {
                for (String name : list) {
                    names.add(name.replace('_', ' '));
                }
            }
        }
        return names.isEmpty() ? text : String.join(", ", names) + ": " + text;
    }

    /** Unit vectors of texts, on the model's inference executor, under its read lock. */
    private float[][] encode(List<String> texts) {
        termination.assertRunning();
        return ErnieModelCatalog.use(db.databaseName(), model.modelName(), loaded ->
                loaded.infer(termination, () -> DjlRuntime.call(() ->
                        new TextEncoder(loaded.loaded().pytorchModel("A linking model"), loaded.loaded().tokenizer())
                                .encode(texts))));
    }
}
