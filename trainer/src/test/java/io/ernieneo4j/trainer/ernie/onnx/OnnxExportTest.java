package io.ernieneo4j.trainer.ernie.onnx;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EncoderBatch;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.Quantization;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import io.ernieneo4j.trainer.finetune.FinetuneFixture;
import io.ernieneo4j.trainer.infer.Batches;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.infer.ExampleEncoder;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.ernieneo4j.trainer.ernie.config.LayerType.MIX;
import static io.ernieneo4j.trainer.ernie.config.LayerType.NORM;
import static io.ernieneo4j.trainer.ernie.config.LayerType.SIM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exported graph, run by ONNX Runtime, reproduces the DJL model's logits on real WordNet sentences with their
 * entities aligned (FinetuneFixture's dev files and seeded entity vectors), batched with padding, rows without any
 * entity among them.
 */
class OnnxExportTest {

    /** The bound on the logits' max abs difference. */
    private static final double TOLERANCE = 1e-4;

    private static List<SourceLine<TypingExample>> typingDev;
    private static List<SourceLine<RelationExample>> relationDev;
    private static EntityTable entities;
    private static WordPieceTokenizer tokenizer;
    private static OrtEnvironment environment;

    @TempDir
    Path directory;

    @BeforeAll
    static void load() throws IOException {
        MiniLm.startDjl();
        typingDev = SourceLine.read(FinetuneFixture.resource("typing-dev.jsonl"), TypingExample.class);
        relationDev = SourceLine.read(FinetuneFixture.resource("relation-dev.jsonl"), RelationExample.class);
        entities = FinetuneFixture.entities(typingDev, relationDev);
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 128);
        environment = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void miniLmTypingMatchesDjlWithEntitiesPaddingAndRowsWithoutEntities() throws Exception {
        LabelSet labels = labels(typingDev.stream().flatMap(l -> l.record().labels().stream()).toList());
        List<EncodedExample> examples = withARowWithoutEntities(
                encoder(labels).typing(typingDev.subList(0, 8)));
        try (ErnieModel model = miniLm(ErnieTask.TYPING, labels)) {
            Path file = directory.resolve("typing.onnx");
            OnnxExport.write(model, file, Quantization.NONE);
            EncoderBatch batch = Batches.inputs(model.config(), examples, entities);
            assertThat(batch.entitySlots()).as("entity slots beyond [CLS]").isGreaterThan(1);
            double withEntities = compare("MiniLM-shaped ERNIE, typing", model, file, batch);

            // the --no-entities inputs: only the [CLS] slot in every row
            double withoutEntities = compare("MiniLM-shaped ERNIE, typing, no entity in the batch", model, file,
                    Batches.inputs(model.config(), examples, null));
            assertThat(withEntities).isLessThanOrEqualTo(TOLERANCE);
            assertThat(withoutEntities).isLessThanOrEqualTo(TOLERANCE);
            double entityEffect = maxAbsDiff(logits(model, batch),
                    logits(model, Batches.inputs(model.config(), examples, null)));
            System.out.printf("entity input moves the typing logits by up to %.3g%n", entityEffect);
            assertThat(entityEffect).as("the entities matter, so the comparison covers their path")
                    .isGreaterThan(10 * TOLERANCE);
        }
    }

    @Test
    void miniLmRelationMatchesDjl() throws Exception {
        LabelSet labels = labels(relationDev.stream().map(l -> l.record().label()).toList());
        List<EncodedExample> examples = withARowWithoutEntities(encoder(labels).relation(relationDev.subList(0, 8)));
        try (ErnieModel model = miniLm(ErnieTask.RELATION, labels)) {
            Path file = directory.resolve("relation.onnx");
            OnnxExport.write(model, file, Quantization.NONE);
            EncoderBatch batch = Batches.inputs(model.config(), examples, entities);
            assertThat(batch.entitySlots()).isGreaterThanOrEqualTo(3);
            assertThat(compare("MiniLM-shaped ERNIE, relation", model, file, batch)).isLessThanOrEqualTo(TOLERANCE);
            // the same graph on one row: batch, sequence and slot axes are all dynamic
            assertThat(compare("MiniLM-shaped ERNIE, relation, one row", model, file,
                    Batches.inputs(model.config(), examples.subList(0, 1), entities))).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    /**
     * BERT-base's width (hidden 768, 12 heads, feed-forward 3,072, the real vocabulary) with three layers instead of
     * twelve, one of each type, and seeded random weights, so the test stays fast; entity scale 10 (√100).
     */
    @Test
    void bertBaseShapedThreeRandomLayersWithEntityScaleMatchDjlForBothHeads() throws Exception {
        ErnieConfig config = ErnieConfig.bertBase().withLayerTypes(List.of(SIM, MIX, NORM)).withEntityScale(10f);
        LabelSet typingLabels = labels(typingDev.stream().flatMap(l -> l.record().labels().stream()).toList());
        try (ErnieModel model = ErnieModel.random(config, ErnieTask.TYPING, typingLabels.names(), Device.cpu(), 11)) {
            Path file = directory.resolve("typing.onnx");
            OnnxExport.write(model, file, Quantization.NONE);
            List<EncodedExample> examples = withARowWithoutEntities(
                    encoder(typingLabels).typing(typingDev.subList(8, 14)));
            assertThat(compare("BERT-base-shaped ERNIE (3 random layers), typing, entity scale 10", model, file,
                    Batches.inputs(config, examples, entities))).isLessThanOrEqualTo(TOLERANCE);
        }
        LabelSet relationLabels = labels(relationDev.stream().map(l -> l.record().label()).toList());
        try (ErnieModel model = ErnieModel.random(config, ErnieTask.RELATION, relationLabels.names(), Device.cpu(),
                12)) {
            Path file = directory.resolve("relation.onnx");
            OnnxExport.write(model, file, Quantization.NONE);
            List<EncodedExample> examples = encoder(relationLabels).relation(relationDev.subList(8, 14));
            assertThat(compare("BERT-base-shaped ERNIE (3 random layers), relation, entity scale 10", model, file,
                    Batches.inputs(config, examples, entities))).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    /**
     * An encoder exports its token states and pooled [CLS]: the MiniLM-shaped ERNIE on the bundled weights, whose
     * token states are of order 1 (the heads' fresh logits above are of order 0.1), and a plain BERT, which takes
     * the three token inputs only.
     */
    @Test
    void encoderOutputsAndPlainBertInputs() throws Exception {
        List<EncodedExample> examples = encoder(null).corpus(typingDev.subList(0, 4).stream()
                .map(l -> new SourceLine<>(l.file(), l.line(),
                        new CorpusDocument(l.record().id(), l.record().text(), l.record().entities())))
                .toList());
        try (ErnieModel model = miniLm(ErnieTask.ENCODER, null)) {
            compareEncoder("MiniLM-shaped ERNIE encoder", model, examples);
        }
        try (ErnieModel model = ErnieModel.random(SMALL.plainBert(), Device.cpu(), 3)) {
            compareEncoder("small plain BERT encoder", model, examples);
        }
    }

    private void compareEncoder(String what, ErnieModel model, List<EncodedExample> examples) throws Exception {
        ErnieConfig config = model.config();
        Path file = directory.resolve("encoder.onnx");
        OnnxExport.write(model, file, Quantization.NONE);
        EncoderBatch batch = Batches.inputs(config, examples, entities);
        try (OrtSession session = session(file); NDManager scope = model.manager().newSubManager()) {
            assertThat(session.getInputNames()).containsExactlyElementsOf(OnnxExport.inputNames(config));
            NDList djl = model.predict(batch.toNDList(scope));
            Map<String, OnnxTensor> inputs = inputs(batch, scope);
            try (OrtSession.Result result = session.run(inputs)) {
                double states = maxAbsDiff(djl.get(0).toFloatArray(),
                        flatten(result.get(OnnxExport.LAST_HIDDEN_STATE).orElseThrow().getValue()));
                double pooled = maxAbsDiff(djl.get(1).toFloatArray(),
                        flatten(result.get(OnnxExport.POOLER_OUTPUT).orElseThrow().getValue()));
                System.out.printf("ONNX export vs DJL, %s: %d rows of %d pieces, %d entity slots: max abs diff %.3g "
                        + "(token states, largest |value| %.3g), %.3g (pooled)%n", what, batch.batch(), batch.length(),
                        batch.entitySlots(), states, largest(djl.get(0).toFloatArray()), pooled);
                assertThat(states).isLessThanOrEqualTo(TOLERANCE);
                assertThat(pooled).isLessThanOrEqualTo(TOLERANCE);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    /**
     * int8 encoder weights: the MiniLM-shaped ERNIE on the bundled weights stays close to its float self, entity rows
     * included: every row's pooled vector at cosine ≥ 0.99 (0.994 measured) and every real token's state ≥ 0.95
     * (0.976: the input of each quantized MatMul is quantized per batch, whose largest activation sets the step), in
     * a file at most 70% of the float one's (the word table stays float32).
     */
    @Test
    void int8EncoderWeightsStayCloseToTheFloatModelInASmallerFile() throws Exception {
        List<EncodedExample> examples = encoder(null).corpus(typingDev.subList(0, 8).stream()
                .map(l -> new SourceLine<>(l.file(), l.line(),
                        new CorpusDocument(l.record().id(), l.record().text(), l.record().entities())))
                .toList());
        try (ErnieModel model = miniLm(ErnieTask.ENCODER, null)) {
            Path float32 = directory.resolve("float32.onnx");
            Path int8 = directory.resolve("int8.onnx");
            OnnxExport.write(model, float32, Quantization.NONE);
            OnnxExport.write(model, int8, Quantization.INT8);
            assertThat(Files.size(int8)).isLessThanOrEqualTo((long) (0.7 * Files.size(float32)));
            EncoderBatch batch = Batches.inputs(model.config(), examples, entities);
            assertThat(batch.entitySlots()).isGreaterThan(1);
            try (OrtSession session = session(int8); NDManager scope = model.manager().newSubManager()) {
                NDList djl = model.predict(batch.toNDList(scope));
                Map<String, OnnxTensor> inputs = inputs(batch, scope);
                try (OrtSession.Result result = session.run(inputs)) {
                    double states = smallestTokenCosine(djl.get(0).toFloatArray(),
                            flatten(result.get(OnnxExport.LAST_HIDDEN_STATE).orElseThrow().getValue()), batch);
                    double pooled = smallestRowCosine(djl.get(1).toFloatArray(),
                            flatten(result.get(OnnxExport.POOLER_OUTPUT).orElseThrow().getValue()), batch.batch());
                    System.out.printf("int8 export vs DJL float, MiniLM-shaped ERNIE encoder: smallest row cosine "
                            + "%.5f (token states), %.5f (pooled); file %,d vs %,d bytes%n", states, pooled,
                            Files.size(int8), Files.size(float32));
                    assertThat(states).isGreaterThanOrEqualTo(0.95);
                    assertThat(pooled).isGreaterThanOrEqualTo(0.99);
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    /** The smallest cosine between the states (batch, sequence, hidden) of the same token, padding left out. */
    private static double smallestTokenCosine(float[] a, float[] b, EncoderBatch batch) {
        assertThat(b).hasSameSizeAs(a);
        int hidden = a.length / (batch.batch() * batch.length());
        long[] mask = batch.attentionMask();
        double smallest = 1;
        for (int token = 0; token < mask.length; token++) {
            if (mask[token] == 0) {
                continue;
            }
            smallest = Math.min(smallest, smallestRowCosine(
                    Arrays.copyOfRange(a, token * hidden, (token + 1) * hidden),
                    Arrays.copyOfRange(b, token * hidden, (token + 1) * hidden), 1));
        }
        return smallest;
    }

    /** The smallest cosine between the matching rows of two (rows, …) arrays. */
    private static double smallestRowCosine(float[] a, float[] b, int rows) {
        assertThat(b).hasSameSizeAs(a);
        int width = a.length / rows;
        double smallest = 1;
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int i = r * width; i < (r + 1) * width; i++) {
                dot += (double) a[i] * b[i];
                na += (double) a[i] * a[i];
                nb += (double) b[i] * b[i];
            }
            smallest = Math.min(smallest, dot / Math.sqrt(na * nb));
        }
        return smallest;
    }

    /** PyTorch's naming of the dense weights lets the project's own ONNX reader take an export as a checkpoint. */
    @Test
    void theExportReadsBackAsACheckpointOfTheSameParameters() throws Exception {
        try (ErnieModel model = ErnieModel.random(SMALL, ErnieTask.RELATION, List.of("a", "b"), Device.cpu(), 4)) {
            Path file = directory.resolve("small.onnx");
            OnnxExport.write(model, file, Quantization.NONE);
            try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(file)) {
                Set<String> unused = model.parameters().keySet().stream()
                        .filter(SMALL.unusedEntityOutput()).collect(Collectors.toSet());
                assertThat(unused).isNotEmpty();
                List<String> expected = model.parameters().keySet().stream().filter(n -> !unused.contains(n))
                        .toList();
                assertThat(checkpoint.names()).containsExactlyInAnyOrderElementsOf(expected);
                for (String name : expected) {
                    // Arrays.equals: AssertJ's containsExactly is quadratic on the 30,522-row word table
                    assertThat(Arrays.equals(checkpoint.read(name),
                            model.parameters().get(name).getArray().toFloatArray())).as(name).isTrue();
                }
            }
        }
    }

    /** A small ERNIE on the real vocabulary: 3 layers of 32, the paper's entity side. */
    static final ErnieConfig SMALL = new ErnieConfig(ErnieConfig.BERT_UNCASED_VOCAB, 32, 2, 64,
            List.of(SIM, MIX, NORM), 64, 2, 100, 4, 0.1f, 1e-12f, 1f);

    /** all-MiniLM-L6-v2's text side as [sim, sim, mix, norm, norm, norm]; entity side, pooler and head seeded. */
    private static ErnieModel miniLm(ErnieTask task, LabelSet labels) throws IOException {
        try (OnnxCheckpoint checkpoint = OnnxCheckpoint.open(MiniLm.onnx())) {
            return ErnieModel.fromCheckpoint(ErnieConfig.miniLm(), task, labels == null ? List.of() : labels.names(),
                    Device.cpu(), checkpoint,
                    ErnieModel.ENTITY_SIDE.or(name -> name.startsWith("pooler.")), 21);
        }
    }

    private static LabelSet labels(List<String> names) {
        return new LabelSet(names);
    }

    private static ExampleEncoder encoder(LabelSet labels) {
        return new ExampleEncoder(tokenizer, labels, entities, UnknownEntities.FAIL);
    }

    /** The examples, the second one with its entities taken away. */
    private static List<EncodedExample> withARowWithoutEntities(List<EncodedExample> examples) {
        List<EncodedExample> changed = new ArrayList<>(examples);
        EncodedExample second = changed.get(1);
        assertThat(Arrays.stream(second.entityRows()).anyMatch(row -> row >= 0)).as("the row loses entities").isTrue();
        int[] none = new int[second.length()];
        Arrays.fill(none, -1);
        changed.set(1, new EncodedExample(second.pieces(), none, second.labels(), second.where()));
        assertThat(changed.stream().mapToInt(EncodedExample::length).distinct().count())
                .as("rows of different lengths, so the batch is padded").isGreaterThan(1);
        return changed;
    }

    /** Runs the DJL model and ONNX Runtime on {@code batch}; returns the logits' max abs difference. */
    private static double compare(String what, ErnieModel model, Path file, EncoderBatch batch) throws OrtException {
        try (OrtSession session = session(file); NDManager scope = model.manager().newSubManager()) {
            float[] djl = model.classify(batch.toNDList(scope)).toFloatArray();
            Map<String, OnnxTensor> inputs = inputs(batch, scope);
            try (OrtSession.Result result = session.run(inputs)) {
                float[] onnx = flatten(result.get(OnnxExport.LOGITS).orElseThrow().getValue());
                assertThat(onnx).hasSameSizeAs(djl).hasSize(batch.batch() * model.labels().size());
                double diff = maxAbsDiff(djl, onnx);
                System.out.printf("ONNX export vs DJL, %s: %d rows of %d pieces, %d entity slots: max abs diff %.3g "
                        + "(largest |logit| %.3g)%n", what, batch.batch(), batch.length(), batch.entitySlots(), diff,
                        largest(djl));
                return diff;
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static float[] logits(ErnieModel model, EncoderBatch batch) {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.classify(batch.toNDList(scope)).toFloatArray();
        }
    }

    private static OrtSession session(Path file) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        return environment.createSession(file.toString(), options);
    }

    /** The graph's inputs, from the same arrays the DJL model gets. */
    private static Map<String, OnnxTensor> inputs(EncoderBatch batch, NDManager scope) throws OrtException {
        long[] tokens = {batch.batch(), batch.length()};
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        inputs.put(OnnxExport.INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.ids()), tokens));
        inputs.put(OnnxExport.TOKEN_TYPE_IDS,
                OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.tokenTypes()), tokens));
        inputs.put(OnnxExport.ATTENTION_MASK,
                OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.attentionMask()), tokens));
        if (batch.hasEntities()) {
            NDList list = batch.toNDList(scope);
            String[] names = {OnnxExport.ENTITY_VECTORS, OnnxExport.ENTITY_MASK, OnnxExport.ENTITY_PLACEMENT};
            for (int i = 0; i < names.length; i++) {
                inputs.put(names[i], OnnxTensor.createTensor(environment,
                        FloatBuffer.wrap(list.get(3 + i).toFloatArray()), list.get(3 + i).getShape().getShape()));
            }
        }
        return inputs;
    }

    private static float[] flatten(Object value) {
        List<Float> values = new ArrayList<>();
        collect(value, values);
        float[] flat = new float[values.size()];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = values.get(i);
        }
        return flat;
    }

    private static void collect(Object value, List<Float> values) {
        if (value instanceof float[] row) {
            for (float v : row) {
                values.add(v);
            }
        } else {
            for (Object inner : (Object[]) value) {
                collect(inner, values);
            }
        }
    }

    private static double largest(float[] values) {
        double largest = 0;
        for (float value : values) {
            largest = Math.max(largest, Math.abs(value));
        }
        return largest;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertThat(b).hasSameSizeAs(a);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
