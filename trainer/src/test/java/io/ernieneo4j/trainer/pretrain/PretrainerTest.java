package io.ernieneo4j.trainer.pretrain;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.ernieneo4j.trainer.data.CorpusDocument;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.finetune.FinetuneFixture;
import io.ernieneo4j.trainer.training.StartingWeights;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.infer.ExampleEncoder;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingParameters;
import io.ernieneo4j.trainer.training.TrainingState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 2-layer ERNIE pretrained for a few steps on 48 WordNet sentences with their aligned synsets. */
class PretrainerTest {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static WordPieceTokenizer tokenizer;
    private static List<SourceLine<TypingExample>> typing;
    private static EntityTable entities;

    @BeforeAll
    static void load() throws IOException {
        MiniLm.startDjl();
        tokenizer = WordPieceTokenizer.open(MiniLm.tokenizerJson(), 64);
        typing = SourceLine.read(FinetuneFixture.resource("typing-train.jsonl"), TypingExample.class)
                .subList(0, 48);
        entities = FinetuneFixture.entities(typing, List.of());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** The typing sentences written as {@code corpus.jsonl}. */
    private static Path corpus(Path directory) throws IOException {
        List<String> lines = new ArrayList<>();
        for (SourceLine<TypingExample> line : typing) {
            TypingExample e = line.record();
            lines.add(JSON.writeValueAsString(new CorpusDocument(e.id(), e.text(), e.entities())));
        }
        Path file = directory.resolve("corpus.jsonl");
        Files.write(file, lines);
        return file;
    }

    private static PretrainParameters parameters() {
        return new PretrainParameters(TrainingParameters.builder().optEpochs(3).optBatchSize(12)
                .optLearningRate(1e-3f).optWarmupFraction(0.1f).optSeed(5).build(), 0.15f, 20, false);
    }

    private static double meanLoss(Pretrainer pretrainer, ErnieModel model, List<EncodedExample> corpus) {
        double sum = 0;
        int batches = 0;
        try (NDManager scope = model.manager().newSubManager()) {
            for (int from = 0; from < corpus.size(); from += 12) {
                Pretrainer.Losses losses = pretrainer.losses(corpus.subList(from, Math.min(corpus.size(), from + 12)),
                        scope, 1000 + from, false);
                sum += losses.total().getFloat();
                batches++;
            }
        }
        return sum / batches;
    }

    @Test
    void lossFallsAndTheEncoderFinetunes(@TempDir Path directory) throws IOException {
        List<EncodedExample> corpus = new ExampleEncoder(tokenizer, null, entities, UnknownEntities.FAIL)
                .corpus(SourceLine.read(corpus(directory), CorpusDocument.class));
        assertEquals(48, corpus.size());
        Path out = directory.resolve("pretrained");
        try (ErnieModel model = FinetuneFixture.tinyModel(ErnieTask.ENCODER, List.of())) {
            Pretrainer pretrainer = new Pretrainer(model, entities, parameters(), TrainingListener.NONE,
                    Termination.ALWAYS);
            double before = meanLoss(pretrainer, model, corpus);
            TrainingState state = pretrainer.fit(corpus,
                    new ModelOutput(out, MiniLm.tokenizerJson(), 64, "test-vectors"), false);
            double after = meanLoss(pretrainer, model, corpus);
            System.out.printf("pretrain loss (MLM + dEA, eval mode, fixed masks): %.3f -> %.3f; epochs %s%n",
                    before, after, state.history());
            assertEquals(12, state.step());
            assertTrue(after < 0.8 * before, "loss " + before + " -> " + after);
        }
        try (ModelDirectory.Loaded loaded = ModelDirectory.load(out, Device.cpu())) {
            assertEquals(ErnieTask.ENCODER, loaded.manifest().task());
            loaded.requireEntities(entities);
        }
        // what `finetune --init DIR` does
        try (ErnieModel typingModel = StartingWeights.load(out, null, ErnieTask.TYPING, List.of("a", "b"),
                Device.cpu(), 1)) {
            assertEquals(ErnieTask.TYPING, typingModel.task());
        }
    }

    @Test
    void headParameterCountIsWhatTheHeadsHold() throws IOException {
        try (ErnieModel model = FinetuneFixture.tinyModel(ErnieTask.ENCODER, List.of())) {
            Pretrainer pretrainer = new Pretrainer(model, entities, parameters(), TrainingListener.NONE,
                    Termination.ALWAYS);
            long heads = pretrainer.parameters().entrySet().stream()
                    .filter(e -> !model.parameters().containsKey(e.getKey()))
                    .mapToLong(e -> e.getValue().getArray().size()).sum();
            assertEquals(heads, Pretrainer.headParameterCount(model.config()));
        }
    }

    @Test
    void freezePretrainedTrainsOnlyWhatTheStartingWeightsLack(@TempDir Path directory) throws IOException {
        List<EncodedExample> corpus = new ExampleEncoder(tokenizer, null, entities, UnknownEntities.FAIL)
                .corpus(SourceLine.read(corpus(directory), CorpusDocument.class)).subList(0, 24);
        PretrainParameters p = new PretrainParameters(TrainingParameters.builder().optEpochs(1).optBatchSize(8)
                .optLearningRate(1e-3f).optSeed(5).build(), 0.15f, 20, true);
        try (ErnieModel model = FinetuneFixture.tinyModel(ErnieTask.ENCODER, List.of())) {
            Map<String, float[]> before = new java.util.HashMap<>();
            model.parameters().forEach((name, w) -> before.put(name, w.getArray().toFloatArray()));
            assertFalse(model.untrainedParameters().isEmpty(), "MiniLM has no entity side");
            new Pretrainer(model, entities, p, TrainingListener.NONE, Termination.ALWAYS).fit(corpus,
                    new ModelOutput(directory.resolve("frozen"), MiniLm.tokenizerJson(), 64, "v"), false);
            int changed = 0;
            for (var entry : model.parameters().entrySet()) {
                boolean same = java.util.Arrays.equals(before.get(entry.getKey()),
                        entry.getValue().getArray().toFloatArray());
                if (!model.untrainedParameters().contains(entry.getKey())) {
                    assertTrue(same, entry.getKey() + " came from MiniLM and must stay as it was");
                } else if (!same) {
                    changed++;
                }
            }
            assertTrue(changed > 0, "the entity side trains");
        }
    }

    @Test
    void resumedRunEqualsUnbrokenRun(@TempDir Path directory) throws IOException {
        List<EncodedExample> corpus = new ExampleEncoder(tokenizer, null, entities, UnknownEntities.FAIL)
                .corpus(SourceLine.read(corpus(directory), CorpusDocument.class)).subList(0, 24);
        PretrainParameters p = new PretrainParameters(TrainingParameters.builder().optEpochs(2).optBatchSize(8)
                .optLearningRate(1e-3f).optSeed(5).optCheckpointSteps(2).build(), 0.15f, 20, false);
        float[] unbroken;
        try (ErnieModel model = FinetuneFixture.tinyModel(ErnieTask.ENCODER, List.of())) {
            new Pretrainer(model, entities, p, TrainingListener.NONE, Termination.ALWAYS).fit(corpus,
                    new ModelOutput(directory.resolve("a"), MiniLm.tokenizerJson(), 64, "v"), false);
            unbroken = model.parameters().get("encoder.layer.1.output.dense.weight").getArray().toFloatArray();
        }
        ModelOutput b = new ModelOutput(directory.resolve("b"), MiniLm.tokenizerJson(), 64, "v");
        try (ErnieModel model = FinetuneFixture.tinyModel(ErnieTask.ENCODER, List.of())) {
            java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
            Termination stopAtFour = () -> checks.incrementAndGet() <= 4;
            assertThrows(Termination.TerminatedException.class, () -> new Pretrainer(model, entities, p,
                    TrainingListener.NONE, stopAtFour)
                    .fit(corpus, b, false));
        }
        try (ErnieModel model = FinetuneFixture.tinyModel(ErnieTask.ENCODER, List.of())) {
            TrainingState state = new Pretrainer(model, entities, p, TrainingListener.NONE, Termination.ALWAYS)
                    .fit(corpus, b, true);
            assertEquals(6, state.step());
            float[] resumed = model.parameters().get("encoder.layer.1.output.dense.weight").getArray()
                    .toFloatArray();
            assertTrue(java.util.Arrays.equals(unbroken, resumed), "a resumed run repeats an unbroken one");
        }
    }

    @Test
    void badCorpusLineNamesFileAndLine(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("corpus.jsonl");
        Files.writeString(file, "{\"id\":\"a\",\"text\":\"a dog\",\"entities\":[]}\n"
                + "{\"id\":\"b\",\"text\":\"a cat\",\"entities\":[{\"start\":2,\"end\":9,\"entity\":\"x\"}]}\n");
        ExampleEncoder encoder = new ExampleEncoder(tokenizer, null, entities, UnknownEntities.SKIP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.corpus(SourceLine.read(file, CorpusDocument.class)));
        assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
    }
}
