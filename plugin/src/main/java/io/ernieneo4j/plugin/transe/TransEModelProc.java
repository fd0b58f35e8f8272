package io.ernieneo4j.plugin.transe;

import io.ernieneo4j.plugin.common.ModelDirectory;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.UserFunction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The stored TransE models of this database: list and drop. */
public class TransEModelProc {

    @Context
    public GraphDatabaseService db;

    @Procedure(name = "ernie.transe.model.list", mode = Mode.READ)
    @Description("Lists the stored TransE models of this database with their size, settings and training figures.")
    public Stream<ModelResult> list() throws IOException {
        Path dir = ModelDirectory.kind(db, TransEFeature.MODEL_KIND);
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
    @Description("Deletes a stored TransE model and returns what it was; an unknown name is an error.")
    public Stream<ModelResult> drop(@Name(value = "modelName", description = "The model to delete.") String modelName) {
        Path dir = ModelDirectory.of(db, TransEFeature.MODEL_KIND, modelName);
        TransEModelRegistry.requireExists(dir, modelName);
        try {
            ModelResult dropped = result(TransEModelFiles.readManifest(dir));
            TransEModelFiles.deleteRecursively(dir);
            TransEModelRegistry.invalidate(dir);
            return Stream.of(dropped);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete TransE model `" + modelName + "`: " + e.getMessage(), e);
        }
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
        return new ModelResult(m.name(), m.entityCount(), m.relationCount(), m.dimensions(), m.norm(), m.createdAt(),
                m.metadata());
    }

    public record ModelResult(
            @Description("The model's name.") String modelName,
            @Description("Entities (nodes) with an embedding.") long entityCount,
            @Description("Relationship types with a vector.") long relationCount,
            @Description("Embedding size.") long dimensions,
            @Description("L1 or L2.") String norm,
            @Description("When it was trained.") String createdAt,
            @Description("Its graph selection, parameters and training figures.") Map<String, Object> metadata) {}
}
