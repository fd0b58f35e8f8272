package io.ernieneo4j.tests.classpath;

import ai.djl.Device;
import io.ernieneo4j.trainer.data.Mention;
import io.ernieneo4j.trainer.data.RelationExample;
import io.ernieneo4j.trainer.data.TypingExample;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import io.ernieneo4j.trainer.ernie.EntityTable;
import io.ernieneo4j.trainer.ernie.ErnieModel;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import io.ernieneo4j.trainer.ernie.ModelDirectory;
import io.ernieneo4j.trainer.ernie.WordPieceTokenizer;
import io.ernieneo4j.trainer.ernie.config.ErnieConfig;
import io.ernieneo4j.trainer.finetune.Finetuner;
import io.ernieneo4j.trainer.infer.EncodedExample;
import io.ernieneo4j.trainer.infer.ErniePredictor;
import io.ernieneo4j.trainer.infer.ExampleEncoder;
import io.ernieneo4j.trainer.infer.LabelSet;
import io.ernieneo4j.trainer.infer.SourceLine;
import io.ernieneo4j.trainer.infer.UnknownEntities;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.training.ModelOutput;
import io.ernieneo4j.trainer.training.TrainingListener;
import io.ernieneo4j.trainer.training.TrainingParameters;
import io.ernieneo4j.trainer.transe.TransEModelFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code ernie.dataset.export} through Bolt on WordNet's mammal and vehicle sub-graphs with a dozen aligned
 * documents and a TransE model trained in the database: the files, read back with the trainer's own readers, hold
 * exactly what the graph says (types from {@code lexname}, relation labels from real edges, {@code no_relation}
 * only for unconnected pairs, ids and vectors of the TransE model); bad input writes nothing; and a model trained
 * on the files by the trainer loads with ernie.model.load and types the same documents as the trainer's predictor.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatasetExportTest extends ClasspathHarness {

    private static final List<String> TEXTS = List.of(
            "The dog is a canine.",
            "A wolf is a wild canine.",
            "The cat is a feline.",
            "The horse is an equine.",
            "A car is a motor vehicle.",
            "The truck is a motor vehicle too.",
            "A bicycle is a wheeled vehicle.",
            "The dog rode in the car with the cat.",
            "A horse pulled the truck past the wolf.",
            "The zorse slept near the horse.",
            "The fox chased the rabbit onto the bicycle.",
            "An elephant is bigger than a car.");
    private static final String EXPORT = "CALL ernie.dataset.export({directory: $directory, documentLabel: "
            + "'Document', modelName: 'kg', typeProperty: 'lexname', seed: $seed, overwrite: $overwrite})";
    private static final List<String> FILES = List.of("typing/train.jsonl", "typing/dev.jsonl", "typing/test.jsonl",
            "relation/train.jsonl", "relation/dev.jsonl", "relation/test.jsonl", "corpus/corpus.jsonl",
            "entities.tsv");

    private static Path datasets;
    private static Path transeModels;
    private static Path ernieModels;
    private static TransEModelFiles.NamedModel transe;

    @BeforeAll
    static void alignDocumentsAndTrainTransE() throws Exception {
        datasets = Files.createTempDirectory("ernie-datasets");
        transeModels = Files.createTempDirectory("transe-models");
        ernieModels = Files.createTempDirectory("ernie-models");
        System.setProperty("ernie.dir.datasets", datasets.toString());
        System.setProperty("ernie.dir.transe", transeModels.toString());
        System.setProperty("ernie.dir.models", ernieModels.toString());
        bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");   // mammal
        bolt.single("CALL ernie.dataset.wordnet.load({root: '04524313-n'})");   // vehicle
        // a synset outside every relationship: the TransE model has no vector for it
        bolt.single("CREATE (:Synset {id: 'zorse', lemmas: ['zorse'], lexname: 'noun.animal', frequency: 1}) RETURN 1");
        bolt.single("UNWIND $texts AS text CREATE (:Document {text: text}) RETURN count(*)", Map.of("texts", TEXTS));
        bolt.single("CALL ernie.align.write({documentLabel: 'Document', textProperty: 'text', "
                + "entityLabels: 'Synset', nameProperties: 'lemmas', priorProperty: 'frequency'})");
        bolt.single("CALL ernie.transe.train({modelName: 'kg', nodeLabels: 'Synset', dimensions: 100, epochs: 5, "
                + "concurrency: 1, randomSeed: 7})");
        transe = TransEModelFiles.read(transeModels.resolve("neo4j").resolve("transe").resolve("kg"));
    }

    @AfterAll
    static void clearSettings() throws Exception {
        bolt.rows("CALL ernie.model.list() YIELD modelName, loaded WHERE loaded "
                + "CALL ernie.model.drop(modelName) YIELD task RETURN task");
        for (String property : List.of("ernie.dir.datasets", "ernie.dir.transe", "ernie.dir.models")) {
            System.clearProperty(property);
        }
        for (Path dir : List.of(datasets, transeModels, ernieModels)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** A mention as the graph holds it. */
    private record GraphMention(long document, String text, int start, int end, String mention, String entity,
                                String lexname) {}

    private static List<GraphMention> graphMentions() {
        return bolt.rows("MATCH (d:Document)-[m:MENTIONS]->(e) RETURN id(d) AS d, d.text AS text, m.start AS start, "
                        + "m.end AS end, m.mention AS mention, elementId(e) AS e, e.lexname AS lexname "
                        + "ORDER BY d, start")
                .stream().map(r -> new GraphMention((Long) r.get("d"), (String) r.get("text"),
                        ((Long) r.get("start")).intValue(), ((Long) r.get("end")).intValue(), (String) r.get("mention"),
                        (String) r.get("e"), (String) r.get("lexname"))).toList();
    }

    @Test
    @Order(1)
    void writesWhatTheGraphSaysInTheTrainersFormats() throws Exception {
        Map<String, Object> row = bolt.single(EXPORT, Map.of("directory", "kg/v1", "seed", 42, "overwrite", false));
        Path folder = datasets.resolve("kg").resolve("v1");
        assertThat(row).containsEntry("directory", "kg/v1").containsEntry("path", folder.toString())
                .containsEntry("mentionsWithoutVector", 1L).containsEntry("unseenLabelExamples", 0L);
        assertThat(row.get("typeLabels")).isEqualTo(List.of("noun.animal", "noun.artifact"));

        Set<String> known = new HashSet<>(transe.entities());
        List<GraphMention> all = graphMentions();
        GraphMention zorse = all.stream().filter(m -> m.mention().equals("zorse")).findFirst().orElseThrow();
        assertThat(known).doesNotContain(zorse.entity());
        List<GraphMention> kept = all.stream().filter(m -> known.contains(m.entity())).toList();
        assertThat(kept).hasSize(all.size() - 1);
        Map<Long, List<Mention>> mentionsOf = new LinkedHashMap<>();
        for (GraphMention m : kept) {
            mentionsOf.computeIfAbsent(m.document(), d -> new ArrayList<>())
                    .add(new Mention(m.start(), m.end(), m.entity()));
        }

        // typing: one example per kept mention, labelled with its entity's lexname, every kept mention as input
        // 12 documents: dev and test get round(12 x 0.1) = 1 each, train the rest
        assertThat(mentionsOf).hasSize(TEXTS.size());
        assertThat(row.get("documents")).isEqualTo(Map.of("train", 10L, "dev", 1L, "test", 1L));
        Map<String, String> partOf = new HashMap<>();
        List<TypingExample> typing = new ArrayList<>();
        Map<String, Long> lines = new LinkedHashMap<>();
        for (String part : List.of("train", "dev", "test")) {
            for (var line : SourceLine.read(folder.resolve("typing").resolve(part + ".jsonl"), TypingExample.class)) {
                TypingExample t = line.record();
                typing.add(t);
                String document = t.id().substring(0, t.id().indexOf('#'));
                assertThat(partOf.putIfAbsent(document, part)).as("a document's examples stay in one part")
                        .isIn(null, part);
                lines.merge("typing/" + part + ".jsonl", 1L, Long::sum);
            }
        }
        assertThat(typing).hasSize(kept.size());
        for (TypingExample t : typing) {
            long document = Long.parseLong(t.id().substring(0, t.id().indexOf('#')));
            GraphMention m = kept.stream().filter(g -> g.document() == document && g.start() == t.mention().start())
                    .findFirst().orElseThrow();
            assertThat(t.text()).isEqualTo(m.text());
            assertThat(t.mention()).isEqualTo(new Mention(m.start(), m.end(), m.entity()));
            assertThat(t.text().substring(t.mention().start(), t.mention().end())).isEqualTo(m.mention());
            assertThat(t.labels()).containsExactly(m.lexname());
            assertThat(t.entities()).isEqualTo(mentionsOf.get(document));
        }

        // relations: every ordered pair an edge connects, labelled with the edge's type; no_relation only for pairs
        // not connected at all, at most one per related pair
        Set<String> expectedRelated = new TreeSet<>();
        for (var r : bolt.rows("MATCH (d:Document)-[:MENTIONS]->(h:Synset)-[r]->(t:Synset)<-[:MENTIONS]-(d) "
                + "WHERE h <> t RETURN id(d) AS d, elementId(h) AS h, type(r) AS type, elementId(t) AS t")) {
            expectedRelated.add(r.get("d") + " " + r.get("h") + " " + r.get("type") + " " + r.get("t"));
        }
        assertThat(expectedRelated).as("the documents state some WordNet facts").hasSizeGreaterThan(4);
        Set<String> related = new TreeSet<>();
        int unrelated = 0;
        for (String part : List.of("train", "dev", "test")) {
            for (var line : SourceLine.read(folder.resolve("relation").resolve(part + ".jsonl"),
                    RelationExample.class)) {
                RelationExample r = line.record();
                String document = r.id().substring(0, r.id().indexOf('#'));
                assertThat(partOf.putIfAbsent(document, part)).as("a document's examples stay in one part")
                        .isIn(null, part);
                assertThat(r.entities()).isEqualTo(mentionsOf.get(Long.parseLong(document)));
                assertThat(r.text().substring(r.head().start(), r.head().end())).isNotBlank();
                lines.merge("relation/" + part + ".jsonl", 1L, Long::sum);
                if (r.label().equals(LabelSet.NO_RELATION)) {
                    unrelated++;
                    assertThat(bolt.single("MATCH (h), (t) WHERE elementId(h) = $h AND elementId(t) = $t "
                            + "RETURN count { (h)-[r]-(t) WHERE type(r) <> 'MENTIONS' } AS links",
                            Map.of("h", r.head().entity(), "t", r.tail().entity())))
                            .containsEntry("links", 0L);
                } else {
                    related.add(document + " " + r.head().entity() + " " + r.label() + " " + r.tail().entity());
                }
            }
        }
        assertThat(related).isEqualTo(expectedRelated);
        assertThat(unrelated).isPositive().isLessThanOrEqualTo(related.size());

        // the corpus: every document with a kept mention, all its kept mentions
        var corpus = SourceLine.read(folder.resolve("corpus").resolve("corpus.jsonl"),
                io.ernieneo4j.trainer.data.CorpusDocument.class);
        assertThat(corpus).hasSize(mentionsOf.size());
        for (var line : corpus) {
            assertThat(line.record().entities()).isEqualTo(mentionsOf.get(Long.parseLong(line.record().id())));
        }

        // entities.tsv: the TransE model's ids (elementIds) and vectors, for exactly the entities the files mention
        EntityTable entities = EntityTable.load(folder.resolve("entities.tsv"));
        Set<String> mentioned = new TreeSet<>();
        kept.forEach(m -> mentioned.add(m.entity()));
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < entities.size(); i++) {
            ids.add(entities.id(i));
            int index = transe.entities().indexOf(entities.id(i));
            assertThat(entities.vector(i)).isEqualTo(transe.model().entity(index));
        }
        assertThat(ids).isEqualTo(mentioned);

        lines.put("corpus/corpus.jsonl", (long) corpus.size());
        lines.put("entities.tsv", (long) entities.size());
        lines.putIfAbsent("typing/test.jsonl", 0L);
        lines.putIfAbsent("relation/test.jsonl", 0L);
        @SuppressWarnings("unchecked") Map<String, Object> files = (Map<String, Object>) row.get("files");
        assertThat(files.keySet()).containsExactlyInAnyOrderElementsOf(FILES);
        for (String file : FILES) {
            assertThat(files.get(file)).as(file).isEqualTo(lines.getOrDefault(file, 0L));
        }
        assertThat(row.get("entityCount")).isEqualTo((long) entities.size());
    }

    @Test
    @Order(2)
    void theSameSeedWritesTheSameFilesAndAFullFolderIsReplacedOnlyWhenAsked() throws Exception {
        bolt.single(EXPORT, Map.of("directory", "kg/v2", "seed", 42, "overwrite", false));
        for (String file : FILES) {
            assertThat(Files.readString(datasets.resolve("kg/v2").resolve(file)))
                    .isEqualTo(Files.readString(datasets.resolve("kg/v1").resolve(file)));
        }
        assertThatThrownBy(() -> bolt.single(EXPORT, Map.of("directory", "kg/v2", "seed", 1, "overwrite", false)))
                .hasMessageContaining("The folder `kg/v2` already holds files; pass `overwrite: true`");
        assertThat(Files.readString(datasets.resolve("kg/v2/corpus/corpus.jsonl")))
                .isEqualTo(Files.readString(datasets.resolve("kg/v1/corpus/corpus.jsonl")));
        Map<String, Object> replaced = bolt.single(EXPORT, Map.of("directory", "kg/v2", "seed", 1, "overwrite", true));
        assertThat(replaced.get("documents")).isEqualTo(Map.of("train", 10L, "dev", 1L, "test", 1L));
        assertThat(Files.readString(datasets.resolve("kg/v2/corpus/corpus.jsonl")))
                .isEqualTo(Files.readString(datasets.resolve("kg/v1/corpus/corpus.jsonl")));
        try (Stream<Path> left = Files.list(datasets.resolve("kg"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("v1", "v2");
        }
    }

    @Test
    @Order(3)
    void typingMinLinkScoreKeepsOnlyTheConfidentLinksAsTypingExamples() throws Exception {
        List<Double> scores = bolt.rows("MATCH (:Document)-[m:MENTIONS]->(e) WHERE e.id <> 'zorse' "
                + "RETURN m.score AS score ORDER BY score").stream().map(r -> (Double) r.get("score")).toList();
        double median = scores.get(scores.size() / 2);
        assertThat(scores.get(0)).as("the linker scores differ").isLessThan(median);
        bolt.single("CALL ernie.dataset.export({directory: 'kg/confident', documentLabel: 'Document', "
                + "modelName: 'kg', typeProperty: 'lexname', seed: 42, typingMinLinkScore: $min})",
                Map.of("min", median));
        Path all = datasets.resolve("kg").resolve("v1");
        Path confident = datasets.resolve("kg").resolve("confident");
        // the same documents, relations and entity inputs; typing only from the links scored at least the median
        for (String file : FILES) {
            if (!file.startsWith("typing/")) {
                assertThat(Files.readString(confident.resolve(file))).as(file)
                        .isEqualTo(Files.readString(all.resolve(file)));
            }
        }
        Set<String> expected = new TreeSet<>();
        for (var r : bolt.rows("MATCH (d:Document)-[m:MENTIONS]->(e) WHERE e.id <> 'zorse' AND m.score >= $min "
                + "RETURN id(d) AS d, m.start AS start", Map.of("min", median))) {
            expected.add(r.get("d") + "@" + r.get("start"));
        }
        Map<String, TypingExample> allExamples = new HashMap<>();
        Set<String> kept = new TreeSet<>();
        for (String part : List.of("train", "dev", "test")) {
            SourceLine.read(all.resolve("typing").resolve(part + ".jsonl"), TypingExample.class)
                    .forEach(l -> allExamples.put(l.record().id(), l.record()));
            Path file = confident.resolve("typing").resolve(part + ".jsonl");
            if (Files.size(file) > 0) {
                for (var line : SourceLine.read(file, TypingExample.class)) {
                    TypingExample t = line.record();
                    assertThat(t).as("the same example as without the option").isEqualTo(allExamples.get(t.id()));
                    kept.add(t.id().substring(0, t.id().indexOf('#')) + "@" + t.mention().start());
                }
            }
        }
        assertThat(kept).isEqualTo(expected).hasSizeLessThan(allExamples.size());
    }

    @Test
    @Order(4)
    void badInputIsAClearErrorAndWritesNothing() throws Exception {
        bolt.single("CREATE (:Marker)-[:NEVER_BETWEEN_MENTIONS]->(:Marker) RETURN 1");
        String base = "directory: 'bad', documentLabel: 'Document', modelName: 'kg', typeProperty: 'lexname'";
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("{" + base + ", seeds: 1}", "Unexpected configuration key: `seeds` (Did you mean [seed]?)");
        errors.put("{directory: 'bad', modelName: 'kg', typeProperty: 'lexname'}",
                "mandatory configuration parameter `documentLabel`");
        errors.put("{" + base.replace("'Document'", "'Doc'") + "}",
                "`documentLabel`: no node label `Doc` exists in the database.");
        errors.put("{" + base + ", textProperty: 'body'}", "`textProperty`: no property key `body` exists");
        errors.put("{" + base.replace("'lexname'", "'supersense'") + "}",
                "`typeProperty`: no property key `supersense` exists");
        errors.put("{" + base.replace("'lexname'", "'frequency'") + "}",
                "`typeProperty`: property `frequency` of node");
        errors.put("{" + base.replace("'kg'", "'nope'") + "}", "No TransE model `nope` exists");
        errors.put("{" + base + ", relationshipTypes: ['HYPERNYM', 'IS_A']}",
                "`relationshipTypes`: no relationship type `IS_A` exists in the database.");
        errors.put("{" + base + ", relationshipTypes: 'NEVER_BETWEEN_MENTIONS'}",
                "No two entities mentioned in one training document are connected by a relationship of "
                        + "[NEVER_BETWEEN_MENTIONS]");
        errors.put("{" + base + ", splitRatios: [0.8, 0.3, 0.1]}",
                "Value for `splitRatios` was `[0.8, 0.3, 0.1]`, but must be three numbers");
        errors.put("{" + base + ", splitRatios: [0.9, 0.1]}", "Value for `splitRatios` was `[0.9, 0.1]`");
        errors.put("{" + base + ", splitRatios: [0.0, 0.5, 0.5]}", "train above 0");
        errors.put("{" + base + ", splitRatios: 'random'}", "Value for `splitRatios` was `random`");
        errors.put("{" + base + ", minLinkScore: 0.5, typingMinLinkScore: 0.4}",
                "Value for `typingMinLinkScore` was 0.4, but must be at least `minLinkScore` (0.5)");
        errors.put("{" + base + ", typingMinLinkScore: 1.5}", "Value for `typingMinLinkScore` was `1.5`");
        errors.put("{" + base + ", negativeRatio: -1}", "Value for `negativeRatio` was `-1.0`, but must be within");
        errors.put("{" + base.replace("'Document'", "'Marker'") + ", minLinkScore: 0.5}",
                "No `Marker` node has a non-empty `text` and MENTIONS with a score of at least 0.5; align the "
                        + "documents with ernie.align.write first.");
        errors.put("{" + base.replace("'bad'", "'../bad'") + "}",
                "Value for `directory` was `../bad`, but must name a folder inside the configured datasets folder");
        errors.put("{" + base.replace("'bad'", "'/tmp/bad'") + "}",
                "Value for `directory` was `/tmp/bad`, but must name a folder inside");
        for (var error : errors.entrySet()) {
            assertThatThrownBy(() -> bolt.single("CALL ernie.dataset.export(" + error.getKey() + ")"))
                    .as(error.getKey()).hasMessageContaining(error.getValue());
        }
        assertThat(datasets.resolve("bad")).doesNotExist();
        assertThat(datasets.resolveSibling("bad")).doesNotExist();
        assertThat(Path.of("/tmp/bad")).doesNotExist();
        try (Stream<Path> left = Files.list(datasets)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("kg");
        }
    }

    @Test
    @Order(5)
    void aModelTrainedOnTheFilesTypesTheSameDocumentsInTheDatabase() throws Exception {
        Path folder = datasets.resolve("kg").resolve("v1");
        Path tokenizerJson = ernieModels.resolve("tokenizer.json");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizerJson);
        }
        Path modelDir = ernieModels.resolve("typing-from-export");
        List<SourceLine<TypingExample>> train = SourceLine.read(folder.resolve("typing/train.jsonl"),
                TypingExample.class);
        List<SourceLine<TypingExample>> dev = SourceLine.read(folder.resolve("typing/dev.jsonl"), TypingExample.class);
        EntityTable entities = EntityTable.load(folder.resolve("entities.tsv"));
        LabelSet labels = new LabelSet(train.stream().flatMap(l -> l.record().labels().stream()).toList());
        DjlRuntime.start(Path.of("target", "djl-cache"));
        Finetuner.Result result = DjlRuntime.call(() -> {
            try (WordPieceTokenizer tokenizer = WordPieceTokenizer.open(tokenizerJson, 64);
                 ErnieModel model = ErnieModel.random(ErnieConfig.bert(32, 2, 64, 2), ErnieTask.TYPING,
                         labels.names(), Device.cpu(), 3)) {
                // every mention's entity is in entities.tsv: an unknown one would fail here
                ExampleEncoder encoder = new ExampleEncoder(tokenizer, labels, entities, UnknownEntities.FAIL);
                List<EncodedExample> trainExamples = encoder.typing(train);
                List<EncodedExample> devExamples = encoder.typing(dev);
                assertThat(encoder.counts().unknownEntities()).isZero();
                TrainingParameters parameters = TrainingParameters.builder().optEpochs(3).optBatchSize(4)
                        .optLearningRate(1e-3f).optSeed(5).build();
                return new Finetuner(model, entities, labels, parameters, TrainingListener.NONE, Termination.ALWAYS)
                        .fit(trainExamples, devExamples, new ModelOutput(modelDir, tokenizerJson, 64, "kg"), false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(result.state().history()).hasSize(3);

        assertThat(bolt.single("CALL ernie.model.load('exported', {path: 'typing-from-export'})"))
                .containsEntry("task", "typing").containsEntry("labels", labels.names())
                .containsEntry("transeModel", "kg");
        Map<String, Double> scores = new HashMap<>();
        for (var r : bolt.rows("CALL ernie.type.stream({modelName: 'exported', documentLabel: 'Document', "
                + "threshold: 0.0}) YIELD documentId, mentionStart, type, score "
                + "RETURN documentId, mentionStart, type, score")) {
            scores.put(r.get("documentId") + "@" + r.get("mentionStart") + " " + r.get("type"),
                    (Double) r.get("score"));
        }
        // every exported example, scored by the trainer's predictor, gets the database's scores
        List<TypingExample> examples = new ArrayList<>();
        for (String part : List.of("train", "dev", "test")) {
            SourceLine.read(folder.resolve("typing").resolve(part + ".jsonl"), TypingExample.class)
                    .forEach(l -> examples.add(l.record()));
        }
        List<ErniePredictor.Prediction<TypingExample>> expected = DjlRuntime.call(() -> {
            try (ModelDirectory.Loaded loaded = ModelDirectory.load(modelDir, Device.cpu())) {
                return new ErniePredictor(loaded.model(), loaded.tokenizer(), entities).typing(examples, "test", 8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(expected).hasSize(examples.size());
        for (var prediction : expected) {
            TypingExample t = prediction.example();
            String key = t.id().substring(0, t.id().indexOf('#')) + "@" + t.mention().start();
            for (int l = 0; l < labels.size(); l++) {
                assertThat(scores.get(key + " " + labels.name(l))).as(key).isNotNull()
                        .isCloseTo(prediction.probabilities()[l], within(1e-6));
            }
        }
    }

    @Test
    @Order(6)
    void listTypesAreLabelsAndPredictedRelationshipsAreNoFacts() throws Exception {
        bolt.single("MATCH (s:Synset) WHERE s.lexname = 'noun.artifact' SET s.tags = ['made', 'thing'] "
                + "RETURN count(s)");
        Map<String, Object> pair = bolt.single("MATCH (d:Document {text: 'The dog rode in the car with the cat.'})"
                + "-[:MENTIONS {mention: 'dog'}]->(dog), (d)-[:MENTIONS {mention: 'car'}]->(car) "
                + "CREATE (dog)-[:HYPERNYM {predicted: true}]->(car) "
                + "RETURN elementId(dog) AS dog, elementId(car) AS car");
        Map<String, Object> row = bolt.single("CALL ernie.dataset.export({directory: 'kg/tags', "
                + "documentLabel: 'Document', modelName: 'kg', typeProperty: 'tags'})");
        assertThat(row.get("typeLabels")).isEqualTo(List.of("made", "thing"));
        Path folder = datasets.resolve("kg").resolve("tags");
        List<TypingExample> typing = new ArrayList<>();
        List<RelationExample> relations = new ArrayList<>();
        for (String part : List.of("train", "dev", "test")) {
            Path file = folder.resolve("typing").resolve(part + ".jsonl");
            if (Files.size(file) > 0) {
                SourceLine.read(file, TypingExample.class).forEach(l -> typing.add(l.record()));
            }
            file = folder.resolve("relation").resolve(part + ".jsonl");
            if (Files.size(file) > 0) {
                SourceLine.read(file, RelationExample.class).forEach(l -> relations.add(l.record()));
            }
        }
        long artifacts = graphMentions().stream().filter(m -> "noun.artifact".equals(m.lexname())).count();
        assertThat(typing).hasSize((int) artifacts)
                .allSatisfy(t -> assertThat(t.labels()).containsExactly("made", "thing"));
        String dog = pair.get("dog").toString();
        String car = pair.get("car").toString();
        assertThat(relations).noneMatch(r -> Set.of(dog, car).equals(Set.of(r.head().entity(), r.tail().entity())));
    }

    @Test
    @Order(7)
    void heldOutEdgesLabelNoPairAndTheModelRecordsIt() throws Exception {
        // "The dog is a canine.": dog HYPERNYM canine is a relation example, until that edge is a test edge
        Map<String, Object> pair = bolt.single("MATCH (d:Document {text: 'The dog is a canine.'})"
                + "-[:MENTIONS {mention: 'dog'}]->(dog)-[h:HYPERNYM]->(canine)<-[:MENTIONS {mention: 'canine'}]-(d) "
                + "SET h.split = 'test' RETURN elementId(dog) AS dog, elementId(canine) AS canine");
        Set<String> held = Set.of(pair.get("dog").toString(), pair.get("canine").toString());
        for (String split : List.of("none", "split")) {
            String directory = "kg/held-out-" + split;
            bolt.single("CALL ernie.dataset.export({directory: $directory, documentLabel: 'Document', modelName: "
                    + "'kg', typeProperty: 'lexname', splitRatios: [1.0, 0.0, 0.0]"
                    + (split.equals("split") ? ", splitProperty: 'split'" : "") + "})", Map.of("directory", directory));
            Path folder = datasets.resolve(directory);
            List<RelationExample> relations = SourceLine.read(folder.resolve("relation").resolve("train.jsonl"),
                    RelationExample.class).stream().map(SourceLine::record).toList();
            boolean labelled = relations.stream()
                    .anyMatch(r -> held.equals(Set.of(r.head().entity(), r.tail().entity())));
            Map<String, Object> training = io.ernieneo4j.trainer.data.DatasetFiles.provenance(
                    folder.resolve("relation").resolve("train.jsonl"));
            if (split.equals("none")) {
                assertThat(labelled).isTrue();
                assertThat(training).containsOnlyKeys("dataset");
            } else {
                // neither a HYPERNYM example nor a no_relation one
                assertThat(labelled).isFalse();
                assertThat(training).containsEntry("dataset", "held-out-split").containsEntry("splitProperty", "split")
                        .containsEntry("trainSplit", "train");
            }
        }
    }
}
