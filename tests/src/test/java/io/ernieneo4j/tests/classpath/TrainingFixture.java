package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.support.Bolt;
import io.ernieneo4j.trainer.ernie.ErnieTask;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the training tests start from: WordNet's mammal sub-graph with a dozen documents about animals, aligned, and
 * a TransE model `kg` trained on it; and a tiny random ERNIE folder `tiny-start` (2 layers of 32, MiniLM's
 * tokenizer) to fine-tune from.
 */
final class TrainingFixture {

    private static final List<String> TEXTS = List.of(
            "The dog is a canine.",
            "A wolf is a wild canine.",
            "The cat is a feline.",
            "The horse is an equine.",
            "The dog chased the cat.",
            "A horse kicked the wolf.",
            "The fox is a canine too.",
            "The fox chased the rabbit.",
            "An elephant is bigger than a horse.",
            "The lion is a big feline.",
            "A dog and a wolf are canines.",
            "The tiger is a feline.");

    private TrainingFixture() {}

    /** The mammals, twelve (:Document {text}) aligned to them, and TransE `kg` (100 dimensions, seeded). */
    static void mammalsWithAlignedDocumentsAndTransE(Bolt bolt) {
        bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");   // mammal
        bolt.single("UNWIND $texts AS text CREATE (:Document {text: text}) RETURN count(*)", Map.of("texts", TEXTS));
        bolt.single("CALL ernie.align.write({documentLabel: 'Document', textProperty: 'text', "
                + "entityLabels: 'Synset', nameProperties: 'lemmas', priorProperty: 'frequency'})");
        bolt.single("CALL ernie.transe.train({modelName: 'kg', nodeLabels: 'Synset', dimensions: 100, epochs: 5, "
                + "concurrency: 1, randomSeed: 7})");
    }

    /** MiniLM's tokenizer.json in {@code models}, and beside it the folder {@code tiny-start}: a seeded random ERNIE. */
    static void tinyStartingModel(Path models) throws IOException {
        Path tokenizer = TinyErnie.miniLmTokenizer(models.resolve("tokenizer.json"));
        TinyErnie.save(ErnieTask.TYPING, List.of("start"), 7, tokenizer, "kg", models.resolve("tiny-start"));
    }
}
