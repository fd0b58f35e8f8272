package io.ernieneo4j.trainer.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's file formats: JSON Lines for texts with mentions (one record a line), TSV for triples. These files
 * are the contract between the graph and the trainer; docs/datasets.md documents them.
 */
public final class DatasetFiles {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private DatasetFiles() {}

    public static void writeJsonLines(Path file, List<?> records) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ObjectWriter writer = JSON.writer();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Object record : records) {
                out.write(writer.writeValueAsString(record));
                out.write('\n');
            }
        }
    }

    public static <T> List<T> readJsonLines(Path file, Class<T> type) throws IOException {
        ObjectReader reader = JSON.readerFor(type);
        List<T> records = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    records.add(reader.readValue(line));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException(file + " line " + number + ": not a " + type.getSimpleName() + ": "
                            + e.getMessage(), e);
                }
            }
        }
        return records;
    }

    public static void writeTriples(Path file, List<Triple> triples) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Triple t : triples) {
                out.write(t.head() + '\t' + t.relation() + '\t' + t.tail() + '\n');
            }
        }
    }

    public static List<Triple> readTriples(Path file) throws IOException {
        List<Triple> triples = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                throw new IOException(file + ":" + number + ": expected head<TAB>relation<TAB>tail (three fields "
                        + "separated by tabs), got `" + (line.length() > 120 ? line.substring(0, 120) + "..." : line)
                        + "`");
            }
            triples.add(new Triple(f[0], f[1], f[2]));
        }
        return triples;
    }

    /** Writes any value as pretty JSON (manifests, metrics). */
    public static void writeJson(Path file, Object value) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
    }

    /**
     * What the training file came from, for the model's manifest: an ernie.dataset.export folder (its
     * {@code manifest.json} two levels up) and, when that export took relation labels from one split of the graph's
     * edges, the split ({@code splitProperty}, {@code trainSplit}). Null for files from elsewhere.
     */
    public static Map<String, Object> provenance(Path trainFile) throws IOException {
        Path folder = trainFile.toAbsolutePath().getParent() == null ? null
                : trainFile.toAbsolutePath().getParent().getParent();
        if (folder == null || !Files.isRegularFile(folder.resolve("manifest.json"))) {
            return null;
        }
        Map<?, ?> manifest = JSON.readValue(folder.resolve("manifest.json").toFile(), Map.class);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("dataset", folder.getFileName().toString());
        if (manifest.get("splitProperty") instanceof String splitProperty
                && manifest.get("trainSplit") instanceof String trainSplit) {
            training.put("splitProperty", splitProperty);
            training.put("trainSplit", trainSplit);
        }
        return training;
    }
}
