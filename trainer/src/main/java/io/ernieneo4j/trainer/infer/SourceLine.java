package io.ernieneo4j.trainer.infer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A record read from one line of a JSON Lines file, with where it came from, so every problem found later (a span
 * outside the text, an unknown entity or label) names the file and line.
 *
 * @param file   the file
 * @param line   1-based line number
 * @param record the parsed record
 */
public record SourceLine<T>(Path file, int line, T record) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** Every non-blank line of {@code file} as a {@code type}; fails on the first bad line, or if there is none. */
    public static <T> List<SourceLine<T>> read(Path file, Class<T> type) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(String.format(Locale.ROOT, "Data file `%s` does not exist.", file));
        }
        ObjectReader reader = JSON.readerFor(type);
        List<SourceLine<T>> records = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int number = 0;
            while ((text = in.readLine()) != null) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    records.add(new SourceLine<>(file, number, reader.readValue(text)));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException(String.format(Locale.ROOT, "%s:%d: not a %s record: %s",
                            file, number, type.getSimpleName(), e.getMessage().lines().findFirst().orElse("")), e);
                }
            }
        }
        if (records.isEmpty()) {
            throw new IOException(String.format(Locale.ROOT, "%s:1: the file holds no %s records.",
                    file, type.getSimpleName()));
        }
        return records;
    }

    /** {@code file:line}, for messages. */
    public String where() {
        return file + ":" + line;
    }

    /** An exception for bad input on this line. */
    public IllegalArgumentException problem(String format, Object... args) {
        return new IllegalArgumentException(where() + ": " + String.format(Locale.ROOT, format, args));
    }
}
