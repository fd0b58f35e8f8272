package io.ernieneo4j.trainer.infer.engines;

import ai.djl.Device;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.onnx.OnnxExport;
import io.ernieneo4j.trainer.finetune.FinetuneFixture;
import io.ernieneo4j.trainer.infer.ErnieInference;
import io.ernieneo4j.trainer.infer.ErniePredictor;
import io.ernieneo4j.trainer.infer.InferenceModel;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.engines.EngineChoice.GraphPlace;
import io.ernieneo4j.trainer.infer.engines.EngineChoice.Request;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One model folder, two engines: a small random ERNIE (2 layers, [mix, norm], the entity side on) saved by the
 * trainer, loaded on PyTorch and on ONNX Runtime, predicts the same through the one predictor for the WordNet dev
 * sentences of {@link FinetuneFixture} with their entities.
 */
class EngineChoiceTest {

    private static final double TOLERANCE = 1e-4;
    private static final ErnieConfig SMALL = ErnieConfig.bert(64, 4, 128, 2);

    private static List<TypingExample> typing;
    private static List<RelationExample> relation;
    private static EntityTable entities;

    @TempDir
    Path folder;

    @BeforeAll
    static void load() throws IOException {
        MiniLm.startDjl();
        List<SourceLine<TypingExample>> typingDev =
                SourceLine.read(FinetuneFixture.resource("typing-dev.jsonl"), TypingExample.class);
        List<SourceLine<RelationExample>> relationDev =
                SourceLine.read(FinetuneFixture.resource("relation-dev.jsonl"), RelationExample.class);
        entities = FinetuneFixture.entities(typingDev, relationDev);
        typing = typingDev.subList(0, 12).stream().map(SourceLine::record).toList();
        relation = relationDev.subList(0, 12).stream().map(SourceLine::record).toList();
    }

    @Test
    void typingOnOnnxRuntimeFromATemporaryGraphMatchesPyTorchAndLeavesTheFolderAsItWas() throws Exception {
        Path model = save(ErnieTask.TYPING, typing.stream().flatMap(e -> e.labels().stream()).distinct().sorted()
                .toList(), 7);
        try (InferenceModel pytorch = load(model, ErnieInference.PYTORCH, GraphPlace.MODEL_FOLDER);
             InferenceModel onnx = load(model, ErnieInference.ONNX_RUNTIME, GraphPlace.TEMPORARY)) {
            assertThat(pytorch.engine()).isEqualTo("pytorch");
            assertThat(onnx.engine()).isEqualTo("onnxruntime");
            assertThat(onnx.detail()).contains("ONNX Runtime 1.29.0 on cpu").contains("temporary file")
                    .contains("file writes are off");
            double diff = maxDiff(
                    predictor(pytorch).typing(typing, "typing-dev.jsonl", 4),
                    predictor(onnx).typing(typing, "typing-dev.jsonl", 4));
            System.out.printf("typing, PyTorch vs ONNX Runtime: max probability/logit difference %.3g%n", diff);
            assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
        }
        assertThat(model.resolve(OnnxExport.FILE)).doesNotExist();
        assertThat(ModelDirectory.readManifest(model).onnx()).isNull();
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("ernie-") && n.endsWith(".onnx"))).as("the temporary graph is gone")
                    .isEmpty();
        }
    }

    @Test
    void relationOnOnnxRuntimeExportsIntoTheFolderOnceAndAutoTakesIt() throws Exception {
        Path model = save(ErnieTask.RELATION, relation.stream().map(RelationExample::label).distinct().sorted()
                .toList(), 11);
        try (InferenceModel pytorch = load(model, ErnieInference.PYTORCH, GraphPlace.MODEL_FOLDER);
             InferenceModel onnx = load(model, ErnieInference.ONNX_RUNTIME, GraphPlace.MODEL_FOLDER)) {
            assertThat(onnx.detail()).contains("exported at load into the model folder");
            assertThat(ModelDirectory.readManifest(model).onnx().file()).isEqualTo(OnnxExport.FILE);
            double diff = maxDiff(
                    predictor(pytorch).relation(relation, "relation-dev.jsonl", 5),
                    predictor(onnx).relation(relation, "relation-dev.jsonl", 5));
            System.out.printf("relation, PyTorch vs ONNX Runtime: max probability/logit difference %.3g%n", diff);
            assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
        }
        try (InferenceModel again = load(model, EngineChoice.AUTO, GraphPlace.MODEL_FOLDER)) {
            assertThat(again.engine()).isEqualTo("onnxruntime");
            assertThat(again.detail()).contains("its exported graph `model.onnx`");
        }
    }

    /**
     * {@code quantization: 'int8'}: a graph of its own ({@code model.int8.onnx}, recorded beside the float one),
     * predictions close to PyTorch's float ones (random weights: probabilities within 0.02), PyTorch refused.
     */
    @Test
    void int8LoadsItsOwnGraphOnOnnxRuntimeOnly() throws Exception {
        Path model = save(ErnieTask.RELATION, relation.stream().map(RelationExample::label).distinct().sorted()
                .toList(), 13);
        try (InferenceModel pytorch = load(model, ErnieInference.PYTORCH, GraphPlace.MODEL_FOLDER);
             InferenceModel int8 = load(model, ErnieInference.ONNX_RUNTIME, GraphPlace.MODEL_FOLDER,
                     Quantization.INT8)) {
            assertThat(int8.quantization()).isEqualTo(Quantization.INT8);
            assertThat(int8.detail()).contains("int8 encoder weights").contains("`model.int8.onnx`");
            assertThat(ModelDirectory.readManifest(model).onnx(Quantization.INT8).file())
                    .isEqualTo("model.int8.onnx");
            assertThat(ModelDirectory.readManifest(model).onnx()).as("no float graph was asked for").isNull();
            assertThat(int8.inference().weightBytes()).isLessThan(pytorch.inference().weightBytes());
            List<ErniePredictor.Prediction<RelationExample>> expected =
                    predictor(pytorch).relation(relation, "relation-dev.jsonl", 5);
            List<ErniePredictor.Prediction<RelationExample>> actual =
                    predictor(int8).relation(relation, "relation-dev.jsonl", 5);
            double diff = 0;
            for (int i = 0; i < expected.size(); i++) {
                float[] p = expected.get(i).probabilities();
                for (int j = 0; p != null && j < p.length; j++) {
                    diff = Math.max(diff, Math.abs(p[j] - actual.get(i).probabilities()[j]));
                }
            }
            System.out.printf("relation, PyTorch float vs ONNX Runtime int8: max probability difference %.3g%n", diff);
            assertThat(diff).isGreaterThan(0).isLessThanOrEqualTo(0.02);
        }
        assertThatThrownBy(() -> load(model, ErnieInference.PYTORCH, GraphPlace.MODEL_FOLDER, Quantization.INT8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("`quantization` 'int8' runs on ONNX Runtime only")
                .hasMessageContaining("engine: 'onnxruntime'");
        try (InferenceModel auto = load(model, EngineChoice.AUTO, GraphPlace.MODEL_FOLDER, Quantization.INT8)) {
            assertThat(auto.engine()).isEqualTo("onnxruntime");
            assertThat(auto.detail()).contains("its exported graph `model.int8.onnx`");
        }
    }

    @Test
    void anEncoderStaysOnPyTorchAndBadSettingsNameTheKey() throws Exception {
        Path model = folder.resolve("encoder");
        DjlRuntime.call(() -> {
            try (ErnieModel encoder = ErnieModel.random(SMALL, ErnieTask.ENCODER, List.of(), Device.cpu(), 3)) {
                return ModelDirectory.save(encoder, MiniLm.tokenizerJson(), 64, "test", model);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThatThrownBy(() -> load(model, ErnieInference.ONNX_RUNTIME, GraphPlace.MODEL_FOLDER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("`engine` 'onnxruntime' cannot run this model: an `encoder` model")
                .hasMessageContaining("engine: 'pytorch'");
        try (InferenceModel auto = load(model, EngineChoice.AUTO, GraphPlace.MODEL_FOLDER)) {
            assertThat(auto.engine()).isEqualTo("pytorch");
            assertThat(auto.detail()).contains("chosen by `auto`: an `encoder` model");
            assertThat(auto.pytorchModel("Sentence vectors").task()).isEqualTo(ErnieTask.ENCODER);
        }
        Path typingModel = save(ErnieTask.TYPING, List.of("a", "b"), 5);
        assertThatThrownBy(() -> load(typingModel,
                new Request(ErnieInference.ONNX_RUNTIME, "gpu", GraphPlace.MODEL_FOLDER, 1)))
                .hasMessageContaining("the `device` setting asks for a GPU, and the ONNX Runtime jar here is its CPU "
                        + "build")
                .hasMessageContaining("onnxruntime_gpu-1.29.0.jar")
                .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime_gpu:1.29.0");
        assertThatThrownBy(() -> load(model, "tensorflow", GraphPlace.MODEL_FOLDER))
                .hasMessageContaining("Value for `engine` was `tensorflow`, but must be one of [auto, pytorch, "
                        + "onnxruntime]");
    }

    private Path save(ErnieTask task, List<String> labels, long seed) throws Exception {
        Path model = folder.resolve(task.code());
        DjlRuntime.call(() -> {
            try (ErnieModel random = ErnieModel.random(SMALL, task, labels, Device.cpu(), seed)) {
                return ModelDirectory.save(random, MiniLm.tokenizerJson(), 64, "test", model);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return model;
    }

    private static InferenceModel load(Path model, String engine, GraphPlace place) throws Exception {
        return load(model, engine, place, Quantization.NONE);
    }

    private static InferenceModel load(Path model, String engine, GraphPlace place, Quantization quantization)
            throws Exception {
        return load(model, new Request(engine, "cpu", place, 1, quantization));
    }

    private static InferenceModel load(Path model, Request request) throws Exception {
        return DjlRuntime.call(() -> {
            try {
                return EngineChoice.load(model, request);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static ErniePredictor predictor(InferenceModel model) {
        return new ErniePredictor(model.inference(), model.tokenizer(), entities);
    }

    private static <T> double maxDiff(List<ErniePredictor.Prediction<T>> expected,
                                      List<ErniePredictor.Prediction<T>> actual) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        int compared = 0;
        for (int i = 0; i < expected.size(); i++) {
            float[] p = expected.get(i).probabilities();
            float[] q = actual.get(i).probabilities();
            assertThat(q == null).isEqualTo(p == null);
            if (p == null) continue;
            compared++;
            for (int j = 0; j < p.length; j++) {
                max = Math.max(max, Math.abs(p[j] - q[j]));
                max = Math.max(max, Math.abs(expected.get(i).logits()[j] - actual.get(i).logits()[j]));
            }
        }
        assertThat(compared).as("examples predicted").isGreaterThan(expected.size() / 2);
        return max;
    }
}
