package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.ernie.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ernie-trainer export-onnx}: a model folder's ERNIE as one ONNX graph. */
@Command(name = "export-onnx",
        mixinStandardHelpOptions = true,
        description = {"Writes a model folder's ERNIE (embeddings, T-Encoder, K-Encoder with the entity scale, "
                + "pooler, typing or relation head) as one ONNX graph (opset " + OnnxExport.OPSET + ") that ONNX "
                + "Runtime runs: inputs input_ids, token_type_ids, attention_mask and, for ERNIE, entity_vectors, "
                + "entity_mask, entity_placement; output logits (an encoder: last_hidden_state, pooler_output).",
                "A file inside the folder is recorded in its ernie.json. Models over 2 GB are not supported."})
final class ExportOnnxCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The ERNIE model folder.")
    Path model;

    @Option(names = "--out", paramLabel = "FILE",
            description = "The ONNX file to write (default: DIR/model.onnx; with int8, "
                    + "DIR/model.int8.onnx).")
    Path out;

    @Option(names = "--quantization", paramLabel = "none|int8", defaultValue = "none",
            description = "How the encoder's weights are stored: none (float32, default) or int8 (dynamic "
                    + "quantization of the encoder's token-side Linear layers, for ONNX Runtime's integer kernels).")
    String quantization;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(model)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`--model` must be an ERNIE model folder; `%s` is not a folder.", model));
        }
        if (out != null && Files.isDirectory(out)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "`--out` must name a file; `%s` is a folder.", out));
        }
        Quantization weights = Quantization.of("--quantization", quantization);
        DjlRuntime.start(Path.of("target", "djl-cache"));
        OnnxExport.Result result;
        try {
            result = DjlRuntime.call(() -> {
                try {
                    return OnnxExport.export(model, out, weights);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause(); // a missing or broken model file: its message, without a stack trace
        }
        System.out.printf(Locale.ROOT, "ONNX graph written to %s (opset %d; encoder weights %s; inputs %s; "
                        + "outputs %s)%s.%n", result.file(), result.graph().opset(), weights.code(),
                String.join(", ", result.graph().inputs()),
                String.join(", ", result.graph().outputs()),
                result.recorded() ? "; recorded in " + model.resolve("ernie.json")
                        : "; outside the model folder, so not recorded in its ernie.json");
        return 0;
    }
}
