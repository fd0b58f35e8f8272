package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.plugin.common.Neo4jRun;
import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.trainer.data.Folders;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;
import org.neo4j.procedure.UserFunction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The stored TransE models of this database: list, drop, and export to or import from OpenKE / Fast-TransX files. */
public class TransEModelProc {

    private static final Set<String> EXPORT_KEYS = Set.of("directory", "overwrite");
    private static final List<String> OPENKE_FILES =
            List.of("entity2id.txt", "relation2id.txt", "entity2vec.vec", "relation2vec.vec");

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.transe.model.list", mode = Mode.READ)
    @Description("Lists the stored TransE models of this database with their size, settings and training figures.")
    public Stream<ModelResult> list() throws IOException {
        Path dir = PluginFolders.storedModels(db, TransEFeature.MODEL_KIND);
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        List<ModelResult> models = new ArrayList<>();
        try (var folders = Files.list(dir)) {
            for (Path folder : folders.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList()) {
                models.add(result(TransEModelFiles.readManifest(folder)));
            }
        }
        return models.stream();
    }

    @Procedure(name = "ernie.transe.model.drop", mode = Mode.READ)
    @Description("Deletes a stored TransE model's files from the server and returns what it was; an unknown name is "
            + "an error. Refused when `ernie.files.write.enabled` is false.")
    public Stream<ModelResult> drop(@Name(value = "modelName", description = "The model to delete.") String modelName) {
        PluginFolders.requireFileWrites("ernie.transe.model.drop");
        Path dir = PluginFolders.storedModel(db, TransEFeature.MODEL_KIND, modelName);
        TransEModelRegistry.requireExists(dir, modelName);
        try {
            ModelResult dropped = result(TransEModelFiles.readManifest(dir));
            Folders.delete(dir);
            TransEModelRegistry.invalidate(dir);
            return Stream.of(dropped);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete TransE model `" + modelName + "`: " + e.getMessage(), e);
        }
    }

    @Procedure(name = "ernie.transe.model.export", mode = Mode.READ)
    @Description("Writes a stored TransE model as OpenKE / Fast-TransX files (entity2id.txt and relation2id.txt, "
            + "entity2vec.vec and relation2vec.vec) into a folder inside the one the administrator configured "
            + "(`ernie.dir.openke`); entities are named by the model's key (elementId, or the value of its "
            + "`keyProperty`), relations by relationship type. Refused when `ernie.files.write.enabled` is false.")
    public Stream<ExportResult> export(
            @Name(value = "modelName", description = "A stored TransE model.") String modelName,
            @Name(value = "configuration", description = "`directory` (relative to ernie.dir.openke; required), "
                    + "`overwrite` (false: a folder that already holds files is refused).")
            Map<String, Object> configuration) {
        PluginFolders.requireFileWrites("ernie.transe.model.export");
        ConfigMap config = ConfigMap.of(configuration, EXPORT_KEYS);
        String relative = config.requireString("directory");
        boolean overwrite = config.bool("overwrite", false);
        Path folder = PluginFolders.inside(db, PluginFolders.Folder.OPENKE, relative, "directory");
        TransEModelFiles.NamedModel named = TransEModelRegistry.load(db, modelName);
        long start = System.nanoTime();
        try {
            if (!overwrite && Files.isDirectory(folder)) {
                try (var existing = Files.list(folder)) {
                    if (existing.findAny().isPresent()) {
                        throw new IllegalArgumentException(String.format(Locale.ROOT, "The folder `%s` already holds "
                                + "files; pass `overwrite: true` to replace them.", relative));
                    }
                }
            }
            TransEModelFiles.exportOpenKe(folder, named, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot export TransE model `" + modelName + "` to `" + relative + "`: "
                    + e.getMessage(), e);
        }
        return Stream.of(new ExportResult(modelName, relative, folder.toString(), named.entities().size(),
                named.relations().size(), named.model().dimensions(), OPENKE_FILES,
                (System.nanoTime() - start) / 1_000_000));
    }

    @Procedure(name = "ernie.transe.model.import", mode = Mode.WRITE)
    @Description("Reads OpenKE / Fast-TransX files (entity2id.txt, relation2id.txt, entity2vec.vec, relation2vec.vec) "
            + "from a folder inside `ernie.dir.openke` and keeps them as a stored TransE model; entities are named by "
            + "elementId (or internal node id, as older exports wrote) or by an `idProperty` value, relations by "
            + "relationship type. Refused when `ernie.files.write.enabled` is false.")
    public Stream<ImportResult> importModel(
            @Name(value = "modelName", description = "The name to keep the model under.") String modelName,
            @Name(value = "configuration", description = "`directory` (relative to ernie.dir.openke; required), "
                    + "`idProperty` (match entity names to this node property instead of elementIds; it then keys the "
                    + "model), `nodeLabels`, "
                    + "`norm` ('L1'|'L2', what the vectors were trained with; L1), `replace` (false), "
                    + "`writeProperty` (also write each entity's vector onto its node).")
            Map<String, Object> configuration) {
        PluginFolders.requireFileWrites("ernie.transe.model.import");
        TransEModelImport.Config config = TransEModelImport.Config.from(configuration);
        return Stream.of(new TransEModelImport(db, tx, Neo4jRun.termination(guard)).run(modelName, config));
    }

    @UserFunction(name = "ernie.transe.relationEmbedding")
    @Description("Returns a stored TransE model's vector for a relationship type, e.g. as GDS's "
            + "`relationshipTypeEmbedding` for gds.ml.kge.predict with the TransE scoring function.")
    public List<Double> relationEmbedding(
            @Name(value = "modelName", description = "A stored TransE model.") String modelName,
            @Name(value = "relationshipType", description = "One of the model's relationship types.") String type) {
        var named = TransEModelRegistry.load(db, modelName);
        int relation = named.relations().indexOf(type);
        if (relation < 0) {
            throw new IllegalArgumentException("Model `" + modelName + "` has no relationship type `" + type
                    + "` (it knows " + named.relations() + ").");
        }
        return TransEFeature.toList(named.model().relation(relation));
    }

    private static ModelResult result(TransEModelFiles.Manifest m) {
        String entityKey = m.formatVersion() < TransEModelFiles.FORMAT_VERSION
                ? "internal node id (format " + m.formatVersion() + ": retrain or re-import it)" : m.entityKey();
        return new ModelResult(m.name(), m.entityCount(), m.relationCount(), m.dimensions(), m.norm(), entityKey,
                m.createdAt(), m.metadata());
    }

    public record ExportResult(
            @Description("The model's name.") String modelName,
            @Description("The folder, relative to ernie.dir.openke.") String directory,
            @Description("The folder's absolute path on the server.") String path,
            @Description("Lines of entity2id.txt and entity2vec.vec.") long entityCount,
            @Description("Lines of relation2id.txt and relation2vec.vec.") long relationCount,
            @Description("Values per vector line.") long dimensions,
            @Description("The files written.") List<String> files,
            @Description("Milliseconds spent writing.") long writeMillis) {}

    public record ImportResult(
            @Description("The name the model is kept under.") String modelName,
            @Description("Entities (nodes) with an embedding.") long entities,
            @Description("Relationship types with a vector.") long relations,
            @Description("Embedding size.") long dimensions,
            @Description("Node properties written.") long nodesWritten) {}

    public record ModelResult(
            @Description("The model's name.") String modelName,
            @Description("Entities (nodes) with an embedding.") long entityCount,
            @Description("Relationship types with a vector.") long relationCount,
            @Description("Embedding size.") long dimensions,
            @Description("L1 or L2.") String norm,
            @Description("What names its entities: `elementId` or `property:<keyProperty>`.") String entityKey,
            @Description("When it was trained.") String createdAt,
            @Description("Its graph selection, parameters and training figures.") Map<String, Object> metadata) {}
}
