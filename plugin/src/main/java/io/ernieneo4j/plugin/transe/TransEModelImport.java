package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.BatchWriter;
import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.EntityKey;
import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEModel;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Reads OpenKE / Fast-TransX files (entity2id.txt, relation2id.txt, entity2vec.vec, relation2vec.vec) from a folder
 * inside {@code ernie.dir.openke} and keeps them as a stored TransE model of this database. Entities are named by
 * elementId (what the export writes; an internal node id, what older exports wrote, is accepted and resolved in this
 * transaction) or, with {@code idProperty}, by a node property's value, which then keys the stored model. Everything
 * is checked before the model is stored or a property is written.
 */
final class TransEModelImport {

    static final Set<String> KEYS = Set.of("directory", "idProperty", "nodeLabels", "norm", "replace", "writeProperty");
    static final List<String> FILES = List.of("entity2id.txt", "relation2id.txt", "entity2vec.vec", "relation2vec.vec");
    private static final int WRITE_BATCH = 10_000;
    private static final int SHOWN = 5;

    /** The configuration of one import. */
    record Config(String directory, Optional<String> idProperty, List<String> nodeLabels, Norm norm, boolean replace,
                  Optional<String> writeProperty) {

        static Config from(Map<String, Object> configuration) {
            ConfigMap config = ConfigMap.of(configuration, KEYS);
            return new Config(config.requireString("directory"), config.optionalString("idProperty"),
                    config.stringList("nodeLabels"), Norm.valueOf(config.oneOf("norm", "L1", List.of("L1", "L2"))),
                    config.bool("replace", false), config.optionalString("writeProperty"));
        }
    }

    private final GraphDatabaseService db;
    private final Transaction tx;
    private final Termination termination;

    TransEModelImport(GraphDatabaseService db, Transaction tx, Termination termination) {
        this.db = db;
        this.tx = tx;
        this.termination = termination;
    }

    TransEModelProc.ImportResult run(String modelName, Config config) {
        Path modelDir = PluginFolders.storedModel(db, TransEFeature.MODEL_KIND, modelName);
        if (Files.exists(modelDir) && !config.replace()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "A TransE model `%s` already exists; pass "
                    + "`replace: true` to replace it, or choose another name.", modelName));
        }
        Path folder = PluginFolders.inside(db, PluginFolders.Folder.OPENKE, config.directory(), "directory");
        TransEModelFiles.NamedModel read = readFiles(folder, modelName, config);
        long[] nodeIds = resolve(read.entities(), config);
        config.writeProperty().ifPresent(p -> checkWritable(nodeIds, p));

        EntityKey key = config.idProperty().map(EntityKey::property).orElse(EntityKey.elementId());
        List<String> entities = keys(nodeIds, read.entities(), key);
        TransEModel model = read.model();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("importedFrom", config.directory());
        config.idProperty().ifPresent(p -> metadata.put("idProperty", p));
        metadata.put("nodeLabels", config.nodeLabels());
        metadata.put("relationshipTypes", read.relations());
        config.writeProperty().ifPresent(w -> metadata.put("writeProperty", w));
        var manifest = new TransEModelFiles.Manifest(TransEModelFiles.FORMAT_VERSION, modelName, model.dimensions(),
                model.norm().name(), model.entityCount(), model.relationCount(), key.spec(), Instant.now().toString(),
                metadata);
        try {
            TransEModelFiles.write(modelDir, new TransEModelFiles.NamedModel(manifest, model, entities,
                    read.relations()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save TransE model `" + modelName + "`: " + e.getMessage(), e);
        }
        TransEModelRegistry.invalidate(modelDir);
        long written = config.writeProperty().map(p -> write(nodeIds, model, p)).orElse(0L);
        return new TransEModelProc.ImportResult(modelName, entities.size(), read.relations().size(),
                model.dimensions(), written);
    }

    private static TransEModelFiles.NamedModel readFiles(Path folder, String modelName, Config config) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "The folder `%s` does not exist in the configured OpenKE folder.", config.directory()));
        }
        List<String> missing = FILES.stream().filter(f -> !Files.isRegularFile(folder.resolve(f))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The folder `%s` lacks %s; an OpenKE model "
                    + "needs %s.", config.directory(), String.join(", ", missing), String.join(", ", FILES)));
        }
        TransEModelFiles.NamedModel read;
        try {
            read = TransEModelFiles.importOpenKe(folder, modelName, config.norm());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Cannot import the OpenKE files of `%s`: "
                    + "%s", config.directory(), e.getMessage() == null ? e.toString() : e.getMessage()
                    .replace(folder.toString(), config.directory())), e);
        }
        if (read.entities().isEmpty() || read.relations().isEmpty() || read.model().dimensions() == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The OpenKE files of `%s` hold no entities, "
                    + "relations or vector values.", config.directory()));
        }
        duplicates(read.entities(), "entity2id.txt", config.directory());
        duplicates(read.relations(), "relation2id.txt", config.directory());
        return read;
    }

    private static void duplicates(List<String> names, String file, String directory) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s of `%s` names `%s` twice.", file,
                        directory, name));
            }
        }
    }

    /** The node of each entity name, in the files' order; fails naming the names that match no node or several. */
    private long[] resolve(List<String> names, Config config) {
        Map<String, Long> byName = config.idProperty().map(p -> nodesByProperty(p, config.nodeLabels()))
                .orElse(null);
        long[] nodeIds = new long[names.size()];
        List<String> unmatched = new ArrayList<>();
        List<String> ambiguous = new ArrayList<>();
        Map<Long, String> taken = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Long id = byName == null ? nodeById(name, config.nodeLabels()) : byName.get(name);
            if (id == null) {
                unmatched.add(name);
            } else if (id < 0) {
                ambiguous.add(name);
            } else if (taken.putIfAbsent(id, name) != null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "Entity names `%s` and `%s` both name "
                        + "node %d; nothing was imported.", taken.get(id), name, id));
            } else {
                nodeIds[i] = id;
            }
        }
        String by = config.idProperty().map(p -> "property `" + p + "`").orElse("node id or elementId");
        String labels = config.nodeLabels().isEmpty() ? "" : " with label " + String.join(" or ", config.nodeLabels());
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%d of %d entity names match no node%s by "
                    + "%s, e.g. %s; nothing was imported.", unmatched.size(), names.size(), labels, by,
                    unmatched.subList(0, Math.min(SHOWN, unmatched.size()))));
        }
        if (!ambiguous.isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%d of %d entity names match several "
                    + "nodes%s by %s, e.g. %s; nothing was imported.", ambiguous.size(), names.size(), labels, by,
                    ambiguous.subList(0, Math.min(SHOWN, ambiguous.size()))));
        }
        return nodeIds;
    }

    /** The stored model's names: elementIds, or the names themselves when they are key property values. */
    @SuppressWarnings("deprecation") // internal ids: this transaction's resolution only
    private List<String> keys(long[] nodeIds, List<String> names, EntityKey key) {
        if (!EntityKey.ELEMENT_ID.equals(key.spec())) {
            return names;
        }
        List<String> keys = new ArrayList<>(nodeIds.length);
        for (long id : nodeIds) keys.add(tx.getNodeById(id).getElementId());
        return keys;
    }

    /** The node an elementId (or, from older exports, an internal node id) names, with one of the labels. */
    @SuppressWarnings("deprecation")
    private Long nodeById(String name, List<String> labels) {
        Node node = byElementId(name.strip());
        if (node == null) {
            try {
                node = tx.getNodeById(Long.parseLong(name.strip()));
            } catch (NumberFormatException | NotFoundException e) {
                return null;
            }
        }
        Node found = node;
        return labels.isEmpty() || labels.stream().anyMatch(l -> found.hasLabel(Label.label(l))) ? found.getId() : null;
    }

    private Node byElementId(String name) {
        try {
            return tx.getNodeByElementId(name);
        } catch (NotFoundException | IllegalArgumentException e) {
            return null; // not an elementId of this database
        }
    }

    /** Property value (as text) to node id, -1 for a value several nodes hold. */
    @SuppressWarnings("deprecation")
    private Map<String, Long> nodesByProperty(String property, List<String> labels) {
        Map<String, Long> byValue = new HashMap<>();
        List<ResourceIterator<Node>> scans = new ArrayList<>();
        if (labels.isEmpty()) {
            scans.add(tx.getAllNodes().iterator());
        } else {
            for (String label : new java.util.LinkedHashSet<>(labels)) scans.add(tx.findNodes(Label.label(label)));
        }
        Set<Long> seen = new HashSet<>();
        for (ResourceIterator<Node> nodes : scans) {
            try (nodes) {
                while (nodes.hasNext()) {
                    Node node = nodes.next();
                    if (!seen.add(node.getId())) continue; // a node with two of the labels
                    Object value = node.getProperty(property, null);
                    if (value == null || value.getClass().isArray()) continue;
                    byValue.merge(value.toString(), node.getId(), (a, b) -> -1L);
                }
            }
            termination.assertRunning();
        }
        return byValue;
    }

    @SuppressWarnings("deprecation")
    private void checkWritable(long[] nodeIds, String property) {
        for (long id : nodeIds) {
            Object existing = tx.getNodeById(id).getProperty(property, null);
            if (existing != null && !(existing instanceof float[])) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`writeProperty` `%s` clashes with an existing property of node %d holding a %s, not a "
                                + "float array; choose another property name.", property, id,
                        existing.getClass().getSimpleName()));
            }
        }
    }

    @SuppressWarnings("deprecation")
    private long write(long[] nodeIds, TransEModel model, String property) {
        List<Integer> rows = IntStream.range(0, nodeIds.length).boxed().toList();
        return BatchWriter.write(db, rows, WRITE_BATCH, termination, (write, batch) -> {
            for (int i : batch) write.getNodeById(nodeIds[i]).setProperty(property, model.entity(i));
            return batch.size();
        });
    }
}
