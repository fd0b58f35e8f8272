package io.ernieneo4j.plugin.common;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigMapTest {

    private static final Set<String> KEYS = Set.of("epochs", "learningRate", "norm", "writeProperty", "seed");

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(Map.of("epoch", 3), (Consumer<ConfigMap>) c -> {},
                        "Unexpected configuration key: `epoch` (Did you mean [epochs]?)"),
                Arguments.of(Map.of("colour", 3), (Consumer<ConfigMap>) c -> {},
                        "Unexpected configuration key: `colour`. Allowed keys: [epochs, learningRate, norm, seed, writeProperty]"),
                Arguments.of(Map.of("epochs", 0L), (Consumer<ConfigMap>) c -> c.intValue("epochs", 10, 1, 1000),
                        "Value for `epochs` was `0`, but must be within the range [1, 1000]"),
                Arguments.of(Map.of("epochs", 2.5), (Consumer<ConfigMap>) c -> c.intValue("epochs", 10, 1, 1000),
                        "The value of `epochs` must be of type `Integer` but was `2.5` (Float)"),
                Arguments.of(Map.of("learningRate", "fast"), (Consumer<ConfigMap>) c -> c.doubleValue("learningRate", 0.01, 0, 1),
                        "The value of `learningRate` must be of type `Float` but was `fast` (String)"),
                Arguments.of(Map.of("learningRate", -0.1), (Consumer<ConfigMap>) c -> c.doubleValue("learningRate", 0.01, 0, 1),
                        "Value for `learningRate` was `-0.1`, but must be within the range [0.0, 1.0]"),
                Arguments.of(Map.of("norm", "L3"), (Consumer<ConfigMap>) c -> c.oneOf("norm", "L1", List.of("L1", "L2")),
                        "Value for `norm` was `L3`, but must be one of [L1, L2]"),
                Arguments.of(Map.of("writeProperty", " "), (Consumer<ConfigMap>) c -> c.optionalString("writeProperty"),
                        "Value for `writeProperty` must not be blank"),
                Arguments.of(Map.of(), (Consumer<ConfigMap>) c -> c.requireString("writeProperty"),
                        "No value specified for the mandatory configuration parameter `writeProperty`"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsBadInputNamingTheKey(Map<String, Object> config, Consumer<ConfigMap> read, String message) {
        assertThatThrownBy(() -> read.accept(ConfigMap.of(config, KEYS)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void readsValidValuesAndDefaults() {
        ConfigMap config = ConfigMap.of(Map.of("epochs", 5L, "norm", "l2", "learningRate", 1L), KEYS);
        assertThat(config.intValue("epochs", 10, 1, 1000)).isEqualTo(5);
        assertThat(config.oneOf("norm", "L1", List.of("L1", "L2"))).isEqualTo("L2");
        assertThat(config.doubleValue("learningRate", 0.01, 0, 1)).isEqualTo(1.0);
        assertThat(config.longValue("seed", 42, 0, Long.MAX_VALUE)).isEqualTo(42);
        assertThat(config.optionalString("writeProperty")).isEmpty();
        assertThat(ConfigMap.of(null, KEYS).bool("seed", true)).isTrue();
    }
}
