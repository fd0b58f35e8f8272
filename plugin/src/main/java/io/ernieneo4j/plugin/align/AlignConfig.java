package io.ernieneo4j.plugin.align;

import io.ernieneo4j.plugin.common.ConfigMap;
import io.ernieneo4j.trainer.align.AlignParameters;
import io.ernieneo4j.trainer.align.AlignParameters.Inflection;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of {@code ernie.align.stream}, {@code ernie.align.write}, {@code ernie.align.evaluate} and
 * {@code ernie.align.dictionary.refresh}:
 * the dictionary, how mentions are matched and linked, and (write only) which documents to align.
 *
 * @param maxTextLength the longest text (in UTF-16 characters) aligned; longer ones are refused, not truncated
 * @param documentLabel nodes with this label are the documents (write and evaluate only)
 * @param textProperty  the string property holding a document's text (write and evaluate only)
 * @param onlyNew       skip documents that already have a {@code MENTIONS} relationship (write only)
 * @param batchSize     documents per write transaction (write only)
 */
public record AlignConfig(
        DictionaryConfig dictionary,
        AlignParameters parameters,
        int maxTextLength,
        Optional<String> documentLabel,
        Optional<String> textProperty,
        boolean onlyNew,
        int batchSize,
        Optional<SentenceModel> sentenceModel,
        Map<String, Object> toMap) {

    /**
     * Linking that reads the sentence: a loaded linking model and the property holding each entity's description.
     *
     * @param modelName           a model loaded with {@code ernie.model.load} from a folder written by
     *                            {@code ernie.sh trainer linking-model}
     * @param descriptionProperty a string property of the entities (a definition, a description, a comment)
     */
    public record SentenceModel(String modelName, String descriptionProperty) {}

    /** Keys every aligning mode accepts: the model that reads the sentence. */
    static final Set<String> MODEL_KEYS = Set.of("model", "descriptionProperty");

    /** A million characters: a long book. Bolt has already carried a text into the heap when it arrives here. */
    public static final int DEFAULT_MAX_TEXT_LENGTH = 1_000_000;
    public static final int MAX_TEXT_LENGTH_LIMIT = 10_000_000;
    public static final int DEFAULT_BATCH_SIZE = 1_000;

    /** The procedures, each with the keys it accepts beyond the dictionary's. */
    public enum Mode {
        STREAM(Set.of("minLength", "stopWords", "minScore", "contextWeight", "maxCandidates", "inflection",
                "maxTextLength")),
        WRITE(Set.of("minLength", "stopWords", "minScore", "contextWeight", "maxCandidates", "inflection",
                "maxTextLength", "documentLabel", "textProperty", "onlyNew", "batchSize")),
        EVALUATE(Set.of("minLength", "stopWords", "minScore", "contextWeight", "inflection", "maxTextLength",
                "documentLabel", "textProperty", "goldRelationshipType", "gold", "maxConfusions")),
        TRAIN(Set.of("minLength", "stopWords", "inflection", "maxTextLength", "documentLabel", "textProperty",
                "goldRelationshipType", "gold", "testFraction", "randomSeed")),
        REFRESH(Set.of());

        private final Set<String> extraKeys;

        Mode(Set<String> extraKeys) {
            this.extraKeys = extraKeys;
        }
    }

    public static AlignConfig from(Map<String, Object> configuration, Mode mode) {
        Set<String> keys = new HashSet<>(DictionaryConfig.KEYS);
        keys.addAll(mode.extraKeys);
        if (mode != Mode.REFRESH) {
            keys.addAll(MODEL_KEYS);
        }
        ConfigMap config = ConfigMap.of(configuration, keys);
        DictionaryConfig dictionary = DictionaryConfig.from(config);
        AlignParameters parameters = new AlignParameters(
                config.intValue("minLength", AlignParameters.DEFAULT_MIN_LENGTH, 1, 1_000),
                config.bool("stopWords", true),
                config.doubleValue("minScore", 0.0, 0.0, 1.0),
                config.doubleValue("contextWeight", AlignParameters.DEFAULT_CONTEXT_WEIGHT, 0.0, 1.0),
                config.intValue("maxCandidates", AlignParameters.DEFAULT_MAX_CANDIDATES, 1, 1_000),
                inflection(config));
        int maxTextLength = config.intValue("maxTextLength", DEFAULT_MAX_TEXT_LENGTH, 1, MAX_TEXT_LENGTH_LIMIT);
        Optional<String> documentLabel = Optional.empty();
        Optional<String> textProperty = Optional.empty();
        if (mode == Mode.WRITE || mode == Mode.EVALUATE || mode == Mode.TRAIN) {
            documentLabel = Optional.of(config.requireString("documentLabel"));
            textProperty = Optional.of(config.requireString("textProperty"));
        }
        Optional<String> model = config.optionalString("model");
        Optional<String> description = config.optionalString("descriptionProperty");
        if (model.isPresent() != description.isPresent()) {
            throw new IllegalArgumentException(model.isPresent()
                    ? "`model` reads each candidate's description: name the property that holds it in "
                    + "`descriptionProperty`."
                    : "`descriptionProperty` is read by a linking model: name one in `model`.");
        }
        return new AlignConfig(dictionary, parameters, maxTextLength, documentLabel, textProperty,
                config.bool("onlyNew", false), config.intValue("batchSize", DEFAULT_BATCH_SIZE, 1, 1_000_000),
                model.map(m -> new SentenceModel(m, description.orElseThrow())), config.toMap());
    }

    /** {@code inflection}: 'none', 'plural' or 'all', in any case. */
    private static Inflection inflection(ConfigMap config) {
        List<String> allowed = Arrays.stream(Inflection.values()).map(i -> i.name().toLowerCase(Locale.ROOT)).toList();
        String value = config.oneOf("inflection", AlignParameters.DEFAULT_INFLECTION.name().toLowerCase(Locale.ROOT),
                allowed);
        return Inflection.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
