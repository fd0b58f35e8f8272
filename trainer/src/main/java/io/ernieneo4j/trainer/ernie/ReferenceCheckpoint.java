package io.ernieneo4j.trainer.ernie;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.config.LayerType;
import io.ernieneo4j.trainer.ernie.io.CheckpointTensors;
import io.ernieneo4j.trainer.ernie.io.SafetensorsCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An ERNIE saved by the reference implementation (thunlp/ERNIE, {@code code/knowledge_bert/modeling.py}), such as
 * its released {@code ernie_base}: a folder with {@code ernie_config.json} and the weights converted from
 * {@code pytorch_model.bin} to {@code model.safetensors} (see {@code docs/reference-checkpoint.md}).
 *
 * <p>No renaming is needed: the encoder's blocks carry the reference's module names ({@code attention.self_ent},
 * {@code attention.output_ent}, {@code intermediate.dense_ent}, {@code output.dense_ent}, {@code output.LayerNorm_ent},
 * ...), Linear weights are (out, in) in both, and {@link SafetensorsCheckpoint} drops the {@code bert.} prefix and
 * renames old {@code LayerNorm.gamma/beta}. The task heads match too ({@code typing.weight} without bias,
 * {@code classifier.*}).
 */
public final class ReferenceCheckpoint {

    public static final String CONFIG = "ernie_config.json";
    public static final String WEIGHTS = "model.safetensors";
    /** The reference's {@code bert.} module; its pretraining heads ({@code cls.*}) and task heads are left out. */
    private static final List<String> ENCODER = List.of("embeddings.", "encoder.", "pooler.");

    private ReferenceCheckpoint() {}

    /** Whether {@code folder} holds a reference checkpoint (its {@code ernie_config.json}). */
    public static boolean isIn(Path folder) {
        return Files.isRegularFile(folder.resolve(CONFIG));
    }

    /**
     * The architecture a reference config describes: the BERT keys, {@code layer_types} (one per layer), and the
     * entity side the reference hard-codes (100 dimensions, 4 heads), which its config does not state.
     */
    public static ErnieConfig readConfig(Path configJson) throws IOException {
        ErnieConfig bert = SafetensorsCheckpoint.readConfig(configJson);
        JsonNode layerTypes = new ObjectMapper().readTree(configJson.toFile()).path("layer_types");
        List<LayerType> types = new ArrayList<>();
        layerTypes.forEach(type -> types.add(LayerType.of(type.asText())));
        // the reference pads a shorter list with sim layers after it, an order this encoder does not build
        if (types.size() != bert.layers()) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` lists %d `layer_types` for %d layers; one per layer is needed.",
                    configJson, types.size(), bert.layers()));
        }
        return bert.withLayerTypes(types);
    }

    /**
     * A model for {@code task} from a reference folder: every encoder parameter, the entity side included, from the
     * checkpoint; the task head starts fresh from {@code seed}.
     */
    public static ErnieModel load(Path folder, ErnieTask task, List<String> labels, Device device, long seed)
            throws IOException {
        Path weights = folder.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new IOException(String.format(Locale.ROOT,
                    "`%s` has an `%s` but no `%s`: convert its `pytorch_model.bin` with safetensors first "
                            + "(docs/reference-checkpoint.md).", folder, CONFIG, WEIGHTS));
        }
        ErnieConfig config = readConfig(folder.resolve(CONFIG));
        try (CheckpointTensors encoder = SafetensorsCheckpoint.open(weights)
                .only(name -> ENCODER.stream().anyMatch(name::startsWith))) {
            return ErnieModel.fromCheckpoint(config, task, labels, device, encoder, name -> false, seed);
        }
    }
}
