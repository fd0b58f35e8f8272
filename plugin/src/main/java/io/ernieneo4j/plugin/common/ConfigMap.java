package io.ernieneo4j.plugin.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A procedure's configuration map, read strictly: unknown keys, wrong types and values out of range are errors that
 * name the key, the value and what is allowed (GDS's wording).
 */
public final class ConfigMap {

    private final Map<String, Object> values;

    private ConfigMap(Map<String, Object> values) {
        this.values = values;
    }

    /**
     * Wraps {@code config} after checking that every key is one of {@code allowedKeys}.
     *
     * @throws IllegalArgumentException for an unknown key, suggesting the nearest allowed ones
     */
    public static ConfigMap of(Map<String, Object> config, Collection<String> allowedKeys) {
        Map<String, Object> values = config == null ? Map.of() : config;
        for (String key : values.keySet()) {
            if (!allowedKeys.contains(key)) {
                List<String> similar = similar(key, allowedKeys);
                throw new IllegalArgumentException(similar.isEmpty()
                        ? format("Unexpected configuration key: `%s`. Allowed keys: %s.", key, new TreeSet<>(allowedKeys))
                        : format("Unexpected configuration key: `%s` (Did you mean %s?).", key, similar));
            }
        }
        return new ConfigMap(values);
    }

    public boolean containsKey(String key) {
        return values.get(key) != null;
    }

    public Optional<String> optionalString(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            throw typeError(key, "String", value);
        }
        if (s.isBlank()) {
            throw new IllegalArgumentException(format("Value for `%s` must not be blank.", key));
        }
        return Optional.of(s);
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    public String requireString(String key) {
        return optionalString(key).orElseThrow(() -> missing(key));
    }

    /** One of {@code allowed}, compared ignoring case, returned as written in {@code allowed}. */
    public String oneOf(String key, String defaultValue, Collection<String> allowed) {
        String value = string(key, defaultValue);
        return allowed.stream().filter(a -> a.equalsIgnoreCase(value)).findFirst().orElseThrow(() ->
                new IllegalArgumentException(format("Value for `%s` was `%s`, but must be one of %s.", key, value, allowed)));
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        long value = longValue(key, defaultValue, min, max);
        return (int) value;
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Object raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            value = ((Number) raw).longValue();
        } else if (raw instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            value = d.longValue();
        } else {
            throw typeError(key, "Integer", raw);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(format(
                    "Value for `%s` was `%d`, but must be within the range [%d, %d].", key, value, min, max));
        }
        return value;
    }

    public double doubleValue(String key, double defaultValue, double min, double max) {
        Object raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        if (!(raw instanceof Number n)) {
            throw typeError(key, "Float", raw);
        }
        double value = n.doubleValue();
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(format(
                    "Value for `%s` was `%s`, but must be within the range [%s, %s].", key, value, min, max));
        }
        return value;
    }

    /** A string or a list of strings; empty when the key is absent. */
    public List<String> stringList(String key) {
        Object raw = values.get(key);
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof String s) {
            return List.of(s);
        }
        if (raw instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw typeError(key, "String or List of String", raw);
    }

    /** A list of maps (e.g. records a caller lists in Cypher); empty when the key is absent. */
    @SuppressWarnings("unchecked") // Cypher maps arrive with string keys
    public List<Map<String, Object>> mapList(String key) {
        Object raw = values.get(key);
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof List<?> list && list.stream().allMatch(x -> x instanceof Map<?, ?>)) {
            return list.stream().map(x -> (Map<String, Object>) x).toList();
        }
        throw typeError(key, "List of Map", raw);
    }

    public boolean bool(String key, boolean defaultValue) {
        Object raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        if (!(raw instanceof Boolean b)) {
            throw typeError(key, "Boolean", raw);
        }
        return b;
    }

    /** The map as given, with keys in order, for a result's {@code configuration} column. */
    public Map<String, Object> toMap() {
        return new LinkedHashMap<>(values);
    }

    private static IllegalArgumentException typeError(String key, String expected, Object value) {
        return new IllegalArgumentException(format("The value of `%s` must be of type `%s` but was `%s` (%s).",
                key, expected, value, cypherType(value)));
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException(
                format("No value specified for the mandatory configuration parameter `%s`.", key));
    }

    private static String cypherType(Object value) {
        if (value instanceof String) return "String";
        if (value instanceof Long || value instanceof Integer) return "Integer";
        if (value instanceof Number) return "Float";
        if (value instanceof Boolean) return "Boolean";
        if (value instanceof List) return "List";
        if (value instanceof Map) return "Map";
        return value.getClass().getSimpleName();
    }

    /** Allowed keys within edit distance 3 of {@code key} (case-insensitive), nearest first. */
    static List<String> similar(String key, Collection<String> allowed) {
        List<String> candidates = new ArrayList<>();
        for (String a : new TreeSet<>(allowed)) {
            if (editDistance(key.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT)) <= 3) {
                candidates.add(a);
            }
        }
        candidates.sort(Comparator.comparingInt(a -> editDistance(key.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT))));
        return candidates;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous; previous = current; current = swap;
        }
        return previous[b.length()];
    }

    private static String format(String template, Object... args) {
        return String.format(Locale.ROOT, template, args);
    }

    /** Key names as a set, for a config record's {@code KEYS} constant. */
    public static Set<String> keys(String... keys) {
        return Set.of(keys);
    }
}
