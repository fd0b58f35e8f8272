package io.ernieneo4j.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.infer.onnx.OnnxRuntimeCheck;
import io.ernieneo4j.trainer.infer.onnx.OnnxRuntimeInference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CheckDeviceCommandTest {

    @Test
    void onTheCpuTheComparisonIsExactAndTheLossFalls(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("check.json");
        int exit = ErnieTrainer.run("check-device", "--device", "cpu", "--architecture", "tiny",
                "--batch-size", "8", "--length", "16", "--steps", "5", "--warmup", "1", "--iterations", "2",
                "--learning-rate", "1e-3", "--json", json.toString());
        assertThat(exit).isZero();

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(report.path("failures")).isEmpty();
        assertThat(report.path("engine").path("device").asText()).isEqualTo("cpu()");
        JsonNode comparison = report.path("comparison");
        for (String diff : List.of("sequenceMaxAbsDiff", "pooledMaxAbsDiff", "logitsMaxAbsDiff",
                "gradientNormRelativeDiff")) {
            assertThat(comparison.path(diff).asDouble()).as(diff).isZero();
        }
        assertThat(comparison.path("sequenceMaxAbs").asDouble()).isPositive();
        assertThat(comparison.path("gradientNormCpu").asDouble()).isPositive();

        JsonNode training = report.path("training");
        List<Double> losses = new ArrayList<>();
        training.path("losses").forEach(loss -> losses.add(loss.asDouble()));
        assertThat(losses).hasSize(5).allSatisfy(loss -> assertThat(loss).isFinite().isPositive());
        assertThat(losses.get(4)).isLessThan(losses.get(0));
        assertThat(training.path("falling").asBoolean()).isTrue();
        assertThat(training.path("timedSteps").asInt()).isEqualTo(4);

        assertThat(report.path("tensorsOnDevice").path("ok").asBoolean()).isTrue();
        assertThat(report.path("throughput").path("inferenceSequencesPerSecond").asDouble()).isPositive();
        assertThat(report.path("throughput").path("trainingSequencesPerSecond").asDouble()).isPositive();

        // the same model exported as ONNX, on ONNX Runtime's CPU provider, against PyTorch's logits
        JsonNode onnxRuntime = report.path("onnxRuntime");
        assertThat(onnxRuntime.path("passed").asBoolean()).isTrue();
        assertThat(onnxRuntime.path("problem").isNull()).isTrue();
        assertThat(onnxRuntime.path("version").asText()).isEqualTo(OnnxRuntimeCheck.VERSION);
        assertThat(onnxRuntime.path("availableProviders")).extracting(JsonNode::asText)
                .contains("CPUExecutionProvider");
        assertThat(onnxRuntime.path("device").asText()).isEqualTo("cpu");
        assertThat(onnxRuntime.path("provider").asText()).isEqualTo("CPUExecutionProvider");
        assertThat(onnxRuntime.path("logitsMaxAbsDiff").asDouble()).isLessThan(1e-3);
        assertThat(onnxRuntime.path("logitsMaxAbs").asDouble()).isPositive();
        assertThat(onnxRuntime.path("graphBytes").asLong()).isPositive();
        assertThat(onnxRuntime.path("timedPasses").asInt()).isEqualTo(2);
        assertThat(onnxRuntime.path("sequencesPerSecond").asDouble()).isPositive();
    }

    @Test
    void onnxRuntimeAloneReportsAMissingCudaProviderAsAFailedCheck(@TempDir Path dir) throws Exception {
        assumeFalse(OnnxRuntimeInference.hasCuda(), "ONNX Runtime's GPU build is on the class path");
        Path json = dir.resolve("check.json");
        int exit = ErnieTrainer.run("check-device", "--engines", "onnxruntime", "--device", "gpu",
                "--architecture", "tiny", "--batch-size", "4", "--length", "8", "--json", json.toString());
        assertThat(exit).as("a failed check, not bad options").isEqualTo(1);

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.path("passed").asBoolean()).isFalse();
        assertThat(report.has("comparison")).as("no PyTorch device check").isFalse();
        JsonNode onnxRuntime = report.path("onnxRuntime");
        assertThat(onnxRuntime.path("passed").asBoolean()).isFalse();
        assertThat(onnxRuntime.path("device").asText()).isEqualTo("gpu");
        assertThat(onnxRuntime.path("provider").isNull()).isTrue();
        assertThat(onnxRuntime.path("availableProviders")).extracting(JsonNode::asText)
                .contains("CPUExecutionProvider").doesNotContain("CUDAExecutionProvider");
        assertThat(onnxRuntime.path("problem").asText())
                .contains("CPU build", "CUDAExecutionProvider", OnnxRuntimeCheck.GPU_JAR, OnnxRuntimeCheck.GPU_ARTIFACT);
        assertThat(report.path("failures")).extracting(JsonNode::asText)
                .singleElement().asString().startsWith("ONNX Runtime did not run on gpu");
    }

    @Test
    void onnxRuntimeAloneOnTheCpuPasses() {
        assertThat(ErnieTrainer.run("check-device", "--engines", "onnxruntime", "--device", "cpu",
                "--architecture", "tiny", "--batch-size", "4", "--length", "8", "--warmup", "0",
                "--iterations", "1")).isZero();
    }

    @Test
    void theBatchPadsEveryFourthRowAndAlignsEntities() {
        var batch = CheckDeviceCommand.batch(CheckDeviceCommand.architecture("tiny"), 8, 16, 7);
        assertThat(batch.hasEntities()).isTrue();
        long full = 0;
        long padded = 0;
        for (int t = 0; t < 16; t++) {
            full += batch.attentionMask()[t];
            padded += batch.attentionMask()[3 * 16 + t];
        }
        assertThat(full).isEqualTo(16);
        assertThat(padded).isBetween(3L, 15L);
        long entities = java.util.Arrays.stream(batch.entityPositions()).filter(position -> position > 0).count();
        assertThat(entities).as("aligned pieces 1, 6 and 11 of 8 rows, fewer in the shorter rows").isBetween(9L, 24L);
        assertThat(batch.entityPositions()[0]).as("[CLS] slot").isZero();
        assertThat(CheckDeviceCommand.batch(CheckDeviceCommand.architecture("tiny"), 8, 16, 7).ids())
                .isEqualTo(batch.ids());
    }

    @Test
    void badOptionsAndAMissingGpuAreClearErrors() {
        assertThatThrownBy(() -> CheckDeviceCommand.architecture("bert-bse"))
                .hasMessageContaining("--architecture must be minilm, bert-base or tiny, got `bert-bse`");
        assertThat(ErnieTrainer.run("check-device", "--architecture", "bert-bse")).isEqualTo(2);
        assertThat(ErnieTrainer.run("check-device", "--steps", "1")).isEqualTo(2);
        assertThat(ErnieTrainer.run("check-device", "--engines", "pytorch,tensorflow")).isEqualTo(2);
        assertThat(ErnieTrainer.run("check-device", "--help")).isZero();

        DjlRuntime.start(Path.of("target", "djl-cache"));
        assumeTrue(DjlRuntime.started().orElseThrow().gpuCount() == 0, "a GPU is visible");
        assertThat(ErnieTrainer.run("check-device", "--device", "gpu", "--architecture", "tiny")).isEqualTo(2);
    }
}
