package io.ernieneo4j.plugin.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.infer.SourceLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a stopped run must be resumed with, kept beside its checkpoint ({@code run.json}): the configuration as
 * given (less {@code resume} and {@code replace}) and a digest of the examples read from the graph. A resumed run
 * repeats an unbroken one only on the same examples and schedule, so anything else is refused.
 *
 * @param configuration the configuration, keys sorted
 * @param examples      SHA-256 of the records read from the graph (train and dev, or the corpus), in order
 */
record RunRecord(Map<String, Object> configuration, String examples) {

    static final String FILE = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keys that may differ between a terminated run and the call that resumes it. */
    static final Set<String> RESUME_KEYS = Set.of("resume", "replace", "sudo");

    /**
     * @param configuration the configuration as given
     * @param records       the records read from the graph, one list a split, in order
     */
    static RunRecord of(Map<String, Object> configuration, List<? extends List<? extends SourceLine<?>>> records) {
        Map<String, Object> sorted = new TreeMap<>(configuration);
        sorted.keySet().removeAll(RESUME_KEYS);
        try {
            // written and read back, so that it compares equal to the record read from run.json (numbers, lists)
            @SuppressWarnings("unchecked")
            Map<String, Object> normalised = JSON.readValue(JSON.writeValueAsBytes(sorted), TreeMap.class);
            return new RunRecord(normalised, digest(records));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RunRecord read(Path staging) {
        try {
            return JSON.readValue(staging.resolve(FILE).toFile(), RunRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the stopped run's " + staging.resolve(FILE) + ": "
                    + e.getMessage(), e);
        }
    }

    void write(Path staging) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(staging.resolve(FILE).toFile(), this);
    }

    /** Refuses to resume {@code stopped} with another configuration or other examples, naming what differs. */
    void requireSameAs(RunRecord stopped, String modelName) {
        TreeSet<String> keys = new TreeSet<>(configuration.keySet());
        keys.addAll(stopped.configuration.keySet());
        keys.removeIf(key -> Objects.equals(configuration.get(key), stopped.configuration.get(key)));
        if (!keys.isEmpty()) {
            String key = keys.first();
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`resume`: the stopped run of `%s` was started with `%s` %s, not %s; resume it with the "
                            + "configuration it was started with (differs in %s), or start again without `resume`.",
                    modelName, key, describe(stopped.configuration.get(key)), describe(configuration.get(key)),
                    keys));
        }
        if (!examples.equals(stopped.examples)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`resume`: the graph gives other examples than when the stopped run of `%s` started (documents, "
                            + "MENTIONS, types or relationships changed); start again without `resume`.",
                    modelName));
        }
    }

    private static String describe(Object value) {
        return value == null ? "unset" : "`" + value + "`";
    }

    private static String digest(List<? extends List<? extends SourceLine<?>>> records) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (var split : records) {
                for (var line : split) {
                    sha.update(JSON.writeValueAsBytes(line.record()));
                }
                sha.update((byte) '|');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("Cannot digest the examples: " + e.getMessage(), e);
        }
    }
}
