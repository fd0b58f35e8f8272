package io.ernieneo4j.plugin.dataset;

import io.ernieneo4j.plugin.common.ConfigMap;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of {@code ernie.dataset.wordnet.load}.
 *
 * @param root      a synset id such as {@code 01861778-n} (mammal): load only its closure under hyponymy;
 *                  empty loads all of WordNet
 * @param batchSize rows per write transaction
 */
public record WordNetLoadConfig(Optional<String> root, int batchSize, Map<String, Object> toMap) {

    public static final int DEFAULT_BATCH_SIZE = 10_000;
    static final Set<String> KEYS = Set.of("root", "batchSize");

    public static WordNetLoadConfig from(Map<String, Object> configuration) {
        ConfigMap config = ConfigMap.of(configuration, KEYS);
        return new WordNetLoadConfig(
                config.optionalString("root"),
                config.intValue("batchSize", DEFAULT_BATCH_SIZE, 1, 1_000_000),
                config.toMap());
    }
}
