package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.plugin.common.PluginFolders;
import io.ernieneo4j.trainer.dataset.Dataset;
import io.ernieneo4j.trainer.dataset.DatasetBuilder;
import io.ernieneo4j.trainer.dataset.DatasetParameters;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ernie.dataset.export}: the trainer's files (typing, relation, corpus, entity vectors) from the documents,
 * their aligned mentions, the entities' types and relationships and a TransE model, into a folder inside the one
 * the administrator configured ({@link GraphDataset}: {@link DatasetGraphReader} reads it, the trainer's
 * {@link DatasetBuilder} builds the files).
 */
public class DatasetExportProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public TerminationGuard guard;

    @Procedure(name = "ernie.dataset.export", mode = Mode.READ)
    @Description("Writes the trainer's files from the graph into a folder inside the one the administrator "
            + "configured (`ernie.dir.datasets`): typing and relation examples (train, dev and test, split by "
            + "document) from the documents' MENTIONS, the entities' types and the relationships between them, the "
            + "corpus, and the TransE vectors of the entities mentioned (entities named by node id). Refused when "
            + "`ernie.files.write.enabled` is false.")
    public Stream<ExportResult> export(
            @Name(value = "configuration", description = "`directory` (relative to ernie.dir.datasets), "
                    + "`documentLabel`, `modelName` (a TransE model), `typeProperty` (all required), `textProperty` "
                    + "('text'), `relationshipTypes` (default: the TransE model's), `negativeRatio` (1.0), "
                    + "`splitRatios` ([0.8, 0.1, 0.1]), `seed` (42), `minLinkScore` (0.0), `typingMinLinkScore` "
                    + "(`minLinkScore`), `overwrite` (false), `splitProperty` (none: every relationship labels "
                    + "pairs; set: only those whose value is `trainSplit`, 'train', while the others label nothing "
                    + "and make no `no_relation` pair, so that ernie.relation.evaluate can score the model on them).")
            Map<String, Object> configuration) {
        PluginFolders.requireFileWrites("ernie.dataset.export");
        long start = System.nanoTime();
        DatasetExportConfig config = DatasetExportConfig.from(configuration);
        Path folder = PluginFolders.inside(db, PluginFolders.Folder.DATASETS, config.directory(), "directory");
        requireEmptyOrOverwrite(folder, config);
        GraphDataset read = GraphDataset.read(db, tx, log, guard, config, "ernie.dataset.export");
        Dataset dataset = read.dataset();
        TransEModelFiles.NamedModel transe = read.transe();
        DatasetParameters parameters = read.parameters();
        long computed = System.nanoTime();
        Map<String, Long> files;
        try {
            files = dataset.write(folder, transe, manifest(config, parameters, dataset));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the dataset to `" + config.directory() + "`: "
                    + e.getMessage(), e);
        }
        return Stream.of(new ExportResult(config.directory(), folder.toString(), new LinkedHashMap<>(files),
                new LinkedHashMap<>(dataset.documents()),
                dataset.typeLabels(), dataset.relationLabels(), dataset.entityRows().size(),
                dataset.mentionsWithoutVector(), dataset.unseenLabelExamples(), (computed - start) / 1_000_000,
                (System.nanoTime() - computed) / 1_000_000, config.toMap()));
    }

    private Map<String, Object> manifest(DatasetExportConfig config, DatasetParameters parameters, Dataset dataset) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("database", db.databaseName());
        manifest.put("transeModel", config.modelName());
        manifest.put("relationshipTypes", parameters.relationshipTypes());
        manifest.put("documents", dataset.documents());
        manifest.put("typeLabels", dataset.typeLabels());
        manifest.put("relationLabels", dataset.relationLabels());
        manifest.put("configuration", config.toMap());
        config.splitProperty().ifPresent(s -> {
            manifest.put("splitProperty", s);
            manifest.put("trainSplit", config.trainSplit());
        });
        return manifest;
    }

    private static void requireEmptyOrOverwrite(Path folder, DatasetExportConfig config) {
        if (config.overwrite() || !Files.isDirectory(folder)) {
            return;
        }
        try (var existing = Files.list(folder)) {
            if (existing.findAny().isPresent()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "The folder `%s` already holds files; "
                        + "pass `overwrite: true` to replace them.", config.directory()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record ExportResult(
            @Description("The folder, relative to ernie.dir.datasets.") String directory,
            @Description("The folder's absolute path on the server.") String path,
            @Description("Lines of each file written, by its path in the folder.") Map<String, Object> files,
            @Description("Documents in train, dev and test.") Map<String, Object> documents,
            @Description("The typing labels of the training examples.") List<String> typeLabels,
            @Description("The relation labels of the training examples (`no_relation` for unrelated pairs).")
            List<String> relationLabels,
            @Description("Entities in entities.tsv: every entity the files mention.") long entityCount,
            @Description("Mentions left out because the TransE model has no vector for their entity.")
            long mentionsWithoutVector,
            @Description("Dev and test examples left out because their label never occurs in training.")
            long unseenLabelExamples,
            @Description("Milliseconds reading the graph and building the examples.") long preProcessingMillis,
            @Description("Milliseconds writing the files.") long writeMillis,
            @Description("The configuration used.") Map<String, Object> configuration) {}
}
