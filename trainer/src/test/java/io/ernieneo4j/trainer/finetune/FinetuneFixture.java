package io.ernieneo4j.trainer.finetune;

import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.MiniLm;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.ernie.io.CheckpointTensors;
import io.ernieneo4j.trainer.ernie.io.OnnxCheckpoint;
import io.ernieneo4j.trainer.infer.SourceLine;
import ai.djl.Device;
import java.io.IOException;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Tiny real data and a tiny real model: 240 + 60 WordNet typing sentences and 160 + 40 definition relations (the four largest classes of
 * each task, drawn from {@code datasets wordnet}), a 2-layer ERNIE and seeded random entity vectors.
 */
public final class FinetuneFixture {

    /** MiniLM's width cut to two layers, [mix, norm]: a step takes a fraction of a second. */
    public static final ErnieConfig TINY = ErnieConfig.bert(384, 12, 1536, 2);

    /**
     * A 2-layer ERNIE for {@code task} whose text side is MiniLM's embeddings and first two layers; the entity side,
     * pooler and head start fresh. Real pretrained weights make a few steps enough to see the loss fall.
     */
    public static ErnieModel tinyModel(ErnieTask task, List<String> labels) throws IOException {
        try (OnnxCheckpoint miniLm = OnnxCheckpoint.open(MiniLm.onnx())) {
            return ErnieModel.fromCheckpoint(TINY, task, labels, Device.cpu(), new FirstLayers(miniLm, 2),
                    ErnieModel.ENTITY_SIDE.or(name -> name.startsWith("pooler.")), 1);
        }
    }

    /** A checkpoint seen without the layers from {@code layers} on. */
    private record FirstLayers(CheckpointTensors all, int layers) implements CheckpointTensors {
        @Override
        public String source() {
            return all.source() + " (first " + layers + " layers)";
        }

        @Override
        public List<String> names() {
            return all.names().stream().filter(this::kept).toList();
        }

        private boolean kept(String name) {
            if (!name.startsWith("encoder.layer.")) {
                return true;
            }
            int layer = Integer.parseInt(name.substring("encoder.layer.".length()).split("\\.")[0]);
            return layer < layers;
        }

        @Override
        public long[] shape(String name) {
            return all.shape(name);
        }

        @Override
        public float[] read(String name) throws IOException {
            return all.read(name);
        }

        @Override
        public void close() {}
    }

    private FinetuneFixture() {}

    public static Path resource(String name) {
        try {
            return Path.of(FinetuneFixture.class.getResource("/finetune/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A seeded random vector for every entity the given typing and relation records mention. */
    public static EntityTable entities(List<SourceLine<TypingExample>> typing, List<SourceLine<RelationExample>> relation) {
        Set<String> ids = new LinkedHashSet<>();
        Stream.concat(typing.stream().flatMap(l -> l.record().entities().stream()),
                        relation.stream().flatMap(l -> l.record().entities().stream()))
                .map(Mention::entity).forEach(ids::add);
        Random random = new Random(5);
        List<float[]> vectors = new ArrayList<>();
        for (String ignored : ids) {
            float[] vector = new float[TINY.entityDim()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) random.nextGaussian() * 0.1f;
            }
            vectors.add(vector);
        }
        return EntityTable.of(new ArrayList<>(ids), vectors.toArray(new float[0][]));
    }
}
