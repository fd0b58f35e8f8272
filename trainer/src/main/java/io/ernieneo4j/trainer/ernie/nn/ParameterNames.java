package io.ernieneo4j.trainer.ernie.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checkpoint name of every parameter of a block tree: child names joined with dots, then the parameter's own
 * name, e.g. {@code encoder.layer.3.attention.self_ent.query.weight}. DJL prefixes each child with its position
 * ({@code 01embeddings}); that prefix is dropped, so the names are Hugging Face's and the reference's.
 */
public final class ParameterNames {

    private static final Pattern CHILD_INDEX = Pattern.compile("^\\d{2,}");

    private ParameterNames() {}

    /** Parameters by checkpoint name, in the block's order. */
    public static Map<String, Parameter> of(Block block) {
        return of("", block);
    }

    /** As {@link #of(Block)}, every name under {@code prefix} (e.g. {@code cls.predictions}); empty for none. */
    public static Map<String, Parameter> of(String prefix, Block block) {
        Map<String, Parameter> names = new LinkedHashMap<>();
        collect(prefix, block, names);
        return Collections.unmodifiableMap(names);
    }

    private static void collect(String prefix, Block block, Map<String, Parameter> names) {
        for (Pair<String, Parameter> parameter : block.getDirectParameters()) {
            names.put(join(prefix, parameter.getValue().getName()), parameter.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            String name = CHILD_INDEX.matcher(child.getKey()).replaceFirst("");
            collect(join(prefix, name), child.getValue(), names);
        }
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
