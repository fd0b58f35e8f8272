package io.ernieneo4j.spark;

import io.ernieneo4j.trainer.align.AlignParameters;
import io.ernieneo4j.trainer.align.AlignmentDictionary;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the Spark job does, with the keys and defaults of {@code ernie.align.write} and {@code ernie.type.write} (and
 * of {@code ernie.relation.write}, prefixed {@code relation} where typing has the same key), so
 * that a configuration moves between the plugin and the job unchanged. Given as {@code --key value} pairs on the
 * {@code spark-submit} line, or as a map by a caller that uses the job as a library. Unknown keys, missing required
 * ones and values out of range are refused before Spark reads anything, naming the key.
 *
 * @param url               the Bolt URL of the Neo4j server (or cluster routing URL: {@code neo4j://...})
 * @param user              the user, or empty for a server without authentication
 * @param password          the password of {@code user}
 * @param database          the database, or empty for the server's default
 * @param documentLabel     documents are the nodes with this label
 * @param textProperty      the property holding a document's text
 * @param onlyNew           skip documents that already have MENTIONS
 * @param maxTextLength     longer texts are refused, as ernie.align.write refuses them
 * @param entityLabels      entities are the nodes with any of these labels
 * @param nameProperties    an entity's names: a string or list of strings each; the first property's first name is
 *                          primary
 * @param priorProperty     a numeric prior, or empty for the degree without MENTIONS
 * @param embeddingProperty a float-list property for context coherence, or empty
 * @param acronymCase       acronyms match only text in capitals
 * @param primaryNameWeight how much more an entity counts for its primary name than for a synonym
 * @param align             how mentions are found and ranked (the trainer's parameters, defaults included)
 * @param model             an ERNIE typing model folder (as the trainer or ernie.type.train wrote it), or empty to
 *                          link only; every executor must be able to read it (a shared store)
 * @param transeModel       the folder of the TransE model the ERNIE model was trained with (a folder under the
 *                          plugin's {@code ernie.dir.transe}), or empty for a model trained without entities
 * @param modelName         what {@code <writeProperty>Model} records, as ernie.type.write records the loaded
 *                          model's name; default the model folder's name
 * @param writeProperty     the entity property the types go to (also {@code Scores} and {@code Model} after it)
 * @param threshold         types scored under this are not written
 * @param minLinkScore      mentions linked with a lower score are neither typed, nor paired for relations, nor fed
 *                          in as entities
 * @param batchSize         examples per model call (typing and relations)
 * @param temperature       a calibration temperature (ernie.type.evaluate's), or empty for the one saved with the
 *                          model ({@code calibration.json}), if any
 * @param partitions        Spark partitions the documents are spread over; 0: Spark's default parallelism
 * @param inferenceSlots    model calls at once in one executor JVM (each uses all its intra-op threads)
 * @param inferenceThreads  PyTorch's intra-op threads per executor JVM; 0: one per core
 * @param djlCache          where DJL unpacks its natives on each executor, or empty for ernie.dir.djl / a
 *                          temporary folder
 * @param relationModel     an ERNIE relation model folder (as the trainer or ernie.relation.train wrote it), or empty
 *                          to classify no relations; every executor must be able to read it
 * @param relationTranseModel the folder of the TransE model the relation model was trained with, or empty for a
 *                          model trained without entities
 * @param relationModelName what the written relationships' {@code model} records, as ernie.relation.write records
 *                          the loaded model's name; default the relation model folder's name
 * @param relationThreshold relations scored under this are not written (ernie.relation.write's {@code threshold})
 * @param relationStatus    a review state written on each created or updated relationship
 *                          (ernie.relation.write's {@code status}), or empty
 */
public record SparkJobConfig(String url, String user, String password, String database, String documentLabel,
                             String textProperty, boolean onlyNew, int maxTextLength, List<String> entityLabels,
                             List<String> nameProperties, Optional<String> priorProperty,
                             Optional<String> embeddingProperty, boolean acronymCase, double primaryNameWeight,
                             AlignParameters align, Optional<String> model, Optional<String> transeModel,
                             Optional<String> modelName, String writeProperty, double threshold,
                             double minLinkScore, int batchSize, Optional<Double> temperature, int partitions,
                             int inferenceSlots, int inferenceThreads, Optional<String> djlCache,
                             Optional<String> relationModel, Optional<String> relationTranseModel,
                             Optional<String> relationModelName, double relationThreshold,
                             Optional<String> relationStatus) {

    /** ernie.align.write's limit on one text. */
    public static final int DEFAULT_MAX_TEXT_LENGTH = 1_000_000;
    public static final String DEFAULT_NAME_PROPERTY = "name";
    public static final String DEFAULT_WRITE_PROPERTY = "ernieTypes";
    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final int DEFAULT_BATCH_SIZE = 32;

    static final Set<String> KEYS = Set.of("url", "user", "password", "database", "documentLabel", "textProperty",
            "onlyNew", "maxTextLength", "entityLabels", "nameProperties", "priorProperty", "embeddingProperty",
            "acronymCase", "primaryNameWeight", "minLength", "stopWords", "minScore", "contextWeight",
            "maxCandidates", "inflection", "model", "transeModel", "modelName", "writeProperty", "threshold",
            "minLinkScore", "batchSize", "temperature", "partitions", "inferenceSlots", "inferenceThreads",
            "djlCache", "relationModel", "relationTranseModel", "relationModelName", "relationThreshold",
            "relationStatus");

    /** From {@code --key value} pairs, as spark-submit passes the arguments after the jar. */
    public static SparkJobConfig fromArguments(String... arguments) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < arguments.length; i++) {
            String key = arguments[i];
            if (!key.startsWith("--") || key.length() == 2) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Expected `--key value` pairs, but argument %d is `%s`.", i + 1, key));
            }
            if (i + 1 == arguments.length) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`%s` has no value.", key));
            }
            map.put(key.substring(2), arguments[++i]);
        }
        return from(map);
    }

    /** From a map of keys to values; lists are comma-separated. */
    public static SparkJobConfig from(Map<String, String> values) {
        Values v = new Values(values);
        List<String> entityLabels = v.list("entityLabels");
        if (entityLabels.isEmpty()) {
            throw new IllegalArgumentException(
                    "No value specified for the mandatory configuration parameter `entityLabels`.");
        }
        List<String> names = v.list("nameProperties");
        AlignParameters align = new AlignParameters(
                v.integer("minLength", AlignParameters.DEFAULT_MIN_LENGTH, 1, 1_000),
                v.bool("stopWords", true),
                v.decimal("minScore", 0.0, 0.0, 1.0),
                v.decimal("contextWeight", AlignParameters.DEFAULT_CONTEXT_WEIGHT, 0.0, 1.0),
                v.integer("maxCandidates", AlignParameters.DEFAULT_MAX_CANDIDATES, 1, 1_000),
                AlignParameters.Inflection.valueOf(v.oneOf("inflection",
                        AlignParameters.DEFAULT_INFLECTION.name().toLowerCase(Locale.ROOT),
                        Arrays.stream(AlignParameters.Inflection.values())
                                .map(i -> i.name().toLowerCase(Locale.ROOT)).toList()).toUpperCase(Locale.ROOT)));
        Optional<String> model = v.optional("model");
        Optional<String> relationModel = v.optional("relationModel");
        for (String typingKey : List.of("transeModel", "modelName", "writeProperty", "threshold", "temperature")) {
            if (model.isEmpty() && values.containsKey(typingKey)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "`%s` is a typing setting: name the ERNIE typing model folder in `model`.", typingKey));
            }
        }
        for (String relationKey : List.of("relationTranseModel", "relationModelName", "relationThreshold",
                "relationStatus")) {
            if (relationModel.isEmpty() && values.containsKey(relationKey)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`%s` is a relation setting: name the "
                        + "ERNIE relation model folder in `relationModel`.", relationKey));
            }
        }
        for (String modelKey : List.of("minLinkScore", "batchSize", "inferenceSlots", "inferenceThreads")) {
            if (model.isEmpty() && relationModel.isEmpty() && values.containsKey(modelKey)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "`%s` is a model setting: name an ERNIE "
                        + "typing model folder in `model` or a relation model folder in `relationModel`.", modelKey));
            }
        }
        Optional<Double> temperature = v.optional("temperature").map(t -> v.decimal("temperature", 1.0, 0.01, 100.0));
        SparkJobConfig config = new SparkJobConfig(v.required("url"), v.string("user", ""), v.string("password", ""),
                v.string("database", ""), v.required("documentLabel"), v.required("textProperty"),
                v.bool("onlyNew", false),
                v.integer("maxTextLength", DEFAULT_MAX_TEXT_LENGTH, 1, 10_000_000), entityLabels,
                names.isEmpty() ? List.of(DEFAULT_NAME_PROPERTY) : names, v.optional("priorProperty"),
                v.optional("embeddingProperty"), v.bool("acronymCase", true),
                v.decimal("primaryNameWeight", AlignmentDictionary.DEFAULT_PRIMARY_NAME_WEIGHT, 1,
                        AlignmentDictionary.MAX_PRIMARY_NAME_WEIGHT), align, model, v.optional("transeModel"),
                v.optional("modelName"), v.string("writeProperty", DEFAULT_WRITE_PROPERTY),
                v.decimal("threshold", DEFAULT_THRESHOLD, 0.0, 1.0), v.decimal("minLinkScore", 0.0, 0.0, 1.0),
                v.integer("batchSize", DEFAULT_BATCH_SIZE, 1, 4096), temperature,
                v.integer("partitions", 0, 0, 1_000_000), v.integer("inferenceSlots", 1, 1, 64),
                v.integer("inferenceThreads", 0, 0, 1_024), v.optional("djlCache"), relationModel,
                v.optional("relationTranseModel"), v.optional("relationModelName"),
                v.decimal("relationThreshold", DEFAULT_THRESHOLD, 0.0, 1.0), v.optional("relationStatus"));
        v.rejectUnknown();
        return config;
    }

    /** The name {@code <writeProperty>Model} records: {@code modelName}, else the model folder's own name. */
    public String recordedModelName() {
        return modelName.orElseGet(() -> java.nio.file.Path.of(model.orElseThrow()).getFileName().toString());
    }

    /** What the relationships' {@code model} records: {@code relationModelName}, else the folder's own name. */
    public String recordedRelationModelName() {
        return relationModelName.orElseGet(() -> java.nio.file.Path.of(relationModel.orElseThrow()).getFileName()
                .toString());
    }

    /** Reads typed values out of the string map, each error naming its key. */
    private static final class Values {
        private final Map<String, String> values;

        Values(Map<String, String> values) {
            this.values = values;
        }

        void rejectUnknown() {
            Set<String> unknown = new TreeSet<>(values.keySet());
            unknown.removeAll(KEYS);
            if (!unknown.isEmpty()) {
                String key = unknown.iterator().next();
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Unexpected configuration key: `%s`%s (known keys: %s).", key,
                        nearest(key).map(k -> " (did you mean `" + k + "`?)").orElse(""), new TreeSet<>(KEYS)));
            }
        }

        private static Optional<String> nearest(String key) {
            return KEYS.stream().filter(k -> k.equalsIgnoreCase(key) || distance(k.toLowerCase(Locale.ROOT),
                    key.toLowerCase(Locale.ROOT)) <= 2).findFirst();
        }

        private static int distance(String a, String b) {
            int[] row = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) row[j] = j;
            for (int i = 1; i <= a.length(); i++) {
                int diagonal = row[0];
                row[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int above = row[j];
                    row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
                            diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                    diagonal = above;
                }
            }
            return row[b.length()];
        }

        String required(String key) {
            return optional(key).orElseThrow(() -> new IllegalArgumentException(String.format(Locale.ROOT,
                    "No value specified for the mandatory configuration parameter `%s`.", key)));
        }

        Optional<String> optional(String key) {
            String value = values.get(key);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String string(String key, String fallback) {
            return optional(key).orElse(fallback);
        }

        List<String> list(String key) {
            return optional(key).map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                    .toList()).orElse(List.of());
        }

        boolean bool(String key, boolean fallback) {
            Optional<String> value = optional(key);
            if (value.isEmpty()) return fallback;
            return switch (value.get().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Value for `%s` was `%s`, but must be `true` or `false`.", key, value.get()));
            };
        }

        int integer(String key, int fallback, int min, int max) {
            Optional<String> value = optional(key);
            if (value.isEmpty()) return fallback;
            try {
                int parsed = Integer.parseInt(value.get());
                if (parsed >= min && parsed <= max) return parsed;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%s`, but must be an integer within the range [%d, %d].", key, value.get(),
                    min, max));
        }

        double decimal(String key, double fallback, double min, double max) {
            Optional<String> value = optional(key);
            if (value.isEmpty()) return fallback;
            try {
                double parsed = Double.parseDouble(value.get());
                if (parsed >= min && parsed <= max) return parsed;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Value for `%s` was `%s`, but must be a number within the range [%s, %s].", key, value.get(),
                    min, max));
        }

        String oneOf(String key, String fallback, List<String> allowed) {
            String value = string(key, fallback).toLowerCase(Locale.ROOT);
            if (!allowed.contains(value)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "Value for `%s` was `%s`, but must be one of %s.", key, value, allowed));
            }
            return value;
        }
    }
}
