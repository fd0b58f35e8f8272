package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.BundledMiniLm;

import java.io.IOException;
import java.nio.file.Path;

/** The {@code --init} and {@code --architecture} options of the training commands. */
final class InitOption {

    private InitOption() {}

    /** The weights a training command starts from: {@code --init}, or the bundled MiniLM. */
    static Path of(Path init) throws IOException {
        return init != null ? init : BundledMiniLm.onnx();
    }

    /** The shape of an ONNX {@code --init}: {@code minilm} (6 x 384) or {@code bert-base} (12 x 768). */
    static ErnieConfig architecture(String name) {
        return switch (name) {
            case "minilm" -> ErnieConfig.miniLm();
            case "bert-base" -> ErnieConfig.bertBase();
            default -> throw new IllegalArgumentException(
                    "--architecture must be minilm or bert-base, got `" + name + "`.");
        };
    }
}
