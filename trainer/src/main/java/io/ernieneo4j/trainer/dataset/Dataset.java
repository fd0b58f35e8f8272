package io.ernieneo4j.trainer.dataset;

import io.ernieneo4j.trainer.data.DatasetFiles;
import io.ernieneo4j.trainer.data.Folders;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.transe.TransEModelFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A built dataset: the records of every file, the TransE rows of the entities they name, and what was left out.
 *
 * @param files                 records by file path in the folder ({@code typing/train.jsonl}, ...)
 * @param entityRows            the TransE model's rows of every entity the files name, ascending
 * @param documents             documents in train, dev and test
 * @param mentionsWithoutVector mentions left out because the TransE model has no vector for their entity
 * @param unseenLabelExamples   dev and test examples left out because their label never occurs in training
 */
public record Dataset(Map<String, List<?>> files, List<Integer> entityRows, Map<String, Long> documents,
                      List<String> typeLabels, List<String> relationLabels, long mentionsWithoutVector,
                      long unseenLabelExamples) {

    /**
     * The records of one file ({@code typing/train.jsonl}, ...) as the trainer reads them from disk, each named by
     * the file and its line, so a problem found while encoding them names the same place an exported file would.
     */
    public <T> List<SourceLine<T>> records(String file, Class<T> type) {
        List<?> records = files.get(file);
        if (records == null) {
            throw new IllegalArgumentException("The dataset has no file `" + file + "`.");
        }
        List<SourceLine<T>> lines = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            lines.add(new SourceLine<>(Path.of(file), i + 1, type.cast(records.get(i))));
        }
        return lines;
    }

    /**
     * Writes the files, {@code entities.tsv} (each entity's key and vector) and {@code manifest.json} into
     * {@code folder}: first into a fresh sibling folder, which then replaces {@code folder}, so an error writes nothing.
     *
     * @return the lines of each file, by its path in the folder
     */
    public Map<String, Long> write(Path folder, TransEModelFiles.NamedModel transe, Map<String, Object> manifest)
            throws IOException {
        Path parent = folder.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempDirectory(parent, "." + folder.getFileName() + ".partial-");
        try {
            Map<String, Long> lines = new LinkedHashMap<>();
            for (var file : files.entrySet()) {
                DatasetFiles.writeJsonLines(partial.resolve(file.getKey()), file.getValue());
                lines.put(file.getKey(), (long) file.getValue().size());
            }
            try (BufferedWriter out = Files.newBufferedWriter(partial.resolve("entities.tsv"), StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                for (int row : entityRows) {
                    line.setLength(0);
                    line.append(transe.entities().get(row)).append('\t');
                    float[] vector = transe.model().entity(row);
                    for (int i = 0; i < vector.length; i++) {
                        if (i > 0) {
                            line.append(' ');
                        }
                        line.append(vector[i]);
                    }
                    out.write(line.append('\n').toString());
                }
            }
            lines.put("entities.tsv", (long) entityRows.size());
            Map<String, Object> withFiles = new LinkedHashMap<>(manifest);
            withFiles.put("files", lines);
            DatasetFiles.writeJson(partial.resolve("manifest.json"), withFiles);
            if (Files.exists(folder)) {
                Folders.delete(folder);
            }
            Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
            return lines;
        } finally {
            if (Files.exists(partial)) {
                Folders.delete(partial);
            }
        }
    }
}
