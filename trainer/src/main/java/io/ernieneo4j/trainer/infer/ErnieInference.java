package io.ernieneo4j.trainer.infer;

import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;

import java.util.List;

/**
 * A fine-tuned model's forward pass for inference, on one engine: the logits of a batch of encoder inputs. The
 * predictor, the evaluator and the plugin's procedures call only this, whichever engine runs the model
 * ({@link PyTorchInference}: DJL's PyTorch engine; {@code OnnxRuntimeInference}: the model's exported ONNX graph on
 * ONNX Runtime). Implementations are safe for concurrent calls.
 */
public interface ErnieInference extends AutoCloseable {

    /** {@value #PYTORCH} or {@value #ONNX_RUNTIME}. */
    String engine();

    String PYTORCH = "pytorch";
    String ONNX_RUNTIME = "onnxruntime";

    ErnieTask task();

    /** The labels, in logit order. */
    List<String> labels();

    ErnieConfig config();

    /** The bytes the engine holds the model's weights in (int8 weights take one byte each). */
    long weightBytes();

    /** The logits of every row of {@code batch}: (batch, labels). */
    float[][] logits(EncoderBatch batch);

    /** Frees what the engine holds for the model (native memory). */
    @Override
    void close();
}
