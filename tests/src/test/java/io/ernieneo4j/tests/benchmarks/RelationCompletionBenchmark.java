package io.ernieneo4j.tests.benchmarks;

import io.ernieneo4j.tests.classpath.ErnieClasses;
import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;
import io.ernieneo4j.trainer.cli.ErnieTrainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Knowledge-graph completion from text on WordNet, held out end to end, through the procedures:
 * <ol>
 *   <li>all of WordNet; its relationships split by node pair (10% test, 10% dev, the rest train; every edge between
 *       two synsets in the same split, so an inverse edge never gives a held-out fact away);</li>
 *   <li>TransE trained in the database on the training edges only;</li>
 *   <li>documents: every synset's definition as {@code lemma : definition}, linked by ernie.align.write; the
 *       headword at its start re-linked to the synset the definition describes (score 1.0);</li>
 *   <li>ernie.dataset.export with {@code splitProperty: 'split'} (dev and test pairs label nothing) and a relation
 *       model fine-tuned from MiniLM on a sample of its examples, by the trainer's command line;</li>
 *   <li>ernie.relation.evaluate over a seeded sample of the documents: each source of evidence alone and fused,
 *       fitted on the dev facts, ranked on the test facts; hypernymy, part and member holonymy are transitive (a
 *       chain of held-out and training edges states a held-out fact, one of training edges a known one).</li>
 * </ol>
 * {@code ./ernie.sh benchmark RelationCompletionBenchmark [transeEpochs] [trainExamples] [documentEvery]
 * [aggregations]}: evaluation reads the definitions whose node id is 7 modulo {@code documentEvery}, once per text
 * aggregation ({@code max}, or {@code max,noisyOr}).
 */
public final class RelationCompletionBenchmark {

    static final List<String> RELATION_TYPES = List.of("HYPERNYM", "HYPONYM", "INSTANCE_HYPERNYM",
            "INSTANCE_HYPONYM", "PART_MERONYM", "PART_HOLONYM", "MEMBER_MERONYM", "MEMBER_HOLONYM",
            "DERIVATIONALLY_RELATED_FORM", "ANTONYM");

    /** The types whose chains state facts (a dog is a mammal): each names its inverse too. */
    static final List<String> TRANSITIVE_TYPES = List.of("HYPERNYM", "PART_HOLONYM", "MEMBER_HOLONYM");

    /** The demo's statement of the same name, for the benchmark's (:Text {id: synset id}) documents. */
    static final String HEADWORD_GOLD_LINKS = """
            MATCH (t:Text)-[m:MENTIONS {start: 0}]->(linked:Synset)
            MATCH (own:Synset {id: t.id})
            WHERE any(lemma IN linked.lemmas WHERE lemma IN own.lemmas) AND NOT (linked = own AND m.score = 1.0)
            CREATE (t)-[gold:MENTIONS]->(own)
            SET gold = properties(m), gold.score = 1.0
            DELETE m
            RETURN count(gold) AS goldLinks, sum(CASE WHEN linked = own THEN 0 ELSE 1 END) AS relinked""";

    public static void main(String[] args) throws Exception {
        String[] a = BenchmarkReport.arguments(args);
        int transeEpochs = a.length > 0 ? Integer.parseInt(a[0]) : 100;
        int trainExamples = a.length > 1 ? Integer.parseInt(a[1]) : 3000;
        int documentEvery = a.length > 2 ? Integer.parseInt(a[2]) : 50;
        // each aggregation reads the documents again: noisyOr doubles the run
        List<String> aggregations = a.length > 3 ? List.of(a[3].split(",")) : List.of("max");
        BenchmarkReport report = new BenchmarkReport("relation-completion", String.format(
                "./ernie.sh benchmark RelationCompletionBenchmark %d %d %d %s", transeEpochs, trainExamples,
                documentEvery, String.join(",", aggregations)));
        report.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        Path dir = Files.createTempDirectory("relation-benchmark");
        try (EmbeddedNeo4j server = server(dir); Bolt bolt = new Bolt(server.boltUri())) {
            prepare(bolt, report, transeEpochs);

            finetune(dir, "relation", "wn-relation", report, "--train-limit", Integer.toString(trainExamples),
                    "--dev-limit", "500", "--epochs", "2");
            bolt.single("CALL ernie.model.load('wn-relation', {path: 'wn-relation'})");
            List<Object> documents = bolt.single("MATCH (t:Text) WHERE id(t) % $every = 7 "
                    + "RETURN collect(id(t)) AS ids", Map.of("every", documentEvery)).get("ids") instanceof List<?> l
                    ? List.copyOf(l) : List.of();
            for (String aggregation : aggregations) {
                long evaluating = System.nanoTime();
                Map<String, Object> evaluated = bolt.single("CALL ernie.relation.evaluate({modelName: 'wn-relation', "
                        + "documentLabel: 'Text', documents: $documents, transeModel: 'wn-train', "
                        + "typeProperty: 'lexname', textAggregation: $aggregation, precisionAtK: [50, 100, 500], "
                        + "transitiveTypes: $transitive})",
                        Map.of("documents", documents, "aggregation", aggregation, "transitive", TRANSITIVE_TYPES));
                evaluated = new java.util.LinkedHashMap<>(evaluated);
                evaluated.remove("configuration");
                // the errors by name, to read them
                evaluated.put("topFalseCandidates", bolt.rows("""
                        UNWIND $errors AS e
                        MATCH (h) WHERE id(h) = e.headNodeId MATCH (t) WHERE id(t) = e.tailNodeId
                        RETURN h.id AS head, e.relationshipType AS type, t.id AS tail, e.score AS score,
                               e.textScore AS text, e.graphScore AS graph, e.typeScore AS types,
                               e.linkScore AS links""", Map.of("errors", evaluated.get("topFalseCandidates"))));
                report.put(aggregation, evaluated);
                report.put(aggregation + ".seconds", Math.round((System.nanoTime() - evaluating) / 1e9));
            }
        }
        report.write();
    }

    /** An embedded server with every procedure, its database and the plugin's folders under {@code dir}. */
    static EmbeddedNeo4j server(Path dir) {
        for (String folder : List.of("models", "transe", "datasets")) {
            System.setProperty("ernie.dir." + folder, dir.resolve(folder).toString());
        }
        return EmbeddedNeo4j.builder(dir.resolve("db")).procedures(ErnieClasses.PROCEDURES)
                .functions(ErnieClasses.FUNCTIONS).start();
    }

    /**
     * Fine-tunes {@code task} from MiniLM on the files {@link #prepare} exported, by the trainer's command line, into
     * the models folder's {@code model} (learning rate 1e-4, head 1e-3, batch 32, length 64, then {@code options});
     * the seconds it took go into {@code report} as {@code finetuneSeconds}.
     */
    static void finetune(Path dir, String task, String model, BenchmarkReport report, String... options) {
        Path data = dir.resolve("datasets").resolve("wn");
        List<String> arguments = new java.util.ArrayList<>(List.of("finetune", task,
                "--train", data.resolve(task + "/train.jsonl").toString(),
                "--dev", data.resolve(task + "/dev.jsonl").toString(),
                "--entities", data.resolve("entities.tsv").toString(), "--transe-model", "wn-train",
                "--out", dir.resolve("models").resolve(model).toString(), "--learning-rate", "1e-4",
                "--head-learning-rate", "1e-3", "--batch-size", "32", "--max-length", "64"));
        arguments.addAll(List.of(options));
        long tuning = System.nanoTime();
        int code = ErnieTrainer.run(arguments.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("finetune failed with exit code " + code);
        }
        report.put("finetuneSeconds", Math.round((System.nanoTime() - tuning) / 1e9));
    }

    /**
     * Steps 1 to 4 up to the export (into the datasets folder's {@code wn}): WordNet loaded and split, TransE
     * {@code wn-train} on the training edges, every definition as a linked {@code (:Text {id})} with its headword's
     * gold link; what each step did goes into {@code report}.
     */
    static void prepare(Bolt bolt, BenchmarkReport report, int transeEpochs) {
        long start = System.nanoTime();
        bolt.single("CALL ernie.dataset.wordnet.load({})");
        Map<String, Object> split = bolt.single("""
                MATCH (a:Synset)-[r]->(b:Synset)
                WITH r, CASE WHEN id(a) < id(b) THEN id(a) * 1000003 + id(b) ELSE id(b) * 1000003 + id(a) END AS pair
                SET r.split = CASE pair % 10 WHEN 0 THEN 'test' WHEN 1 THEN 'dev' ELSE 'train' END
                RETURN sum(CASE r.split WHEN 'train' THEN 1 ELSE 0 END) AS train,
                       sum(CASE r.split WHEN 'dev' THEN 1 ELSE 0 END) AS dev,
                       sum(CASE r.split WHEN 'test' THEN 1 ELSE 0 END) AS test""");
        report.put("edges", split);
        Map<String, Object> transe = bolt.single("CALL ernie.transe.train({modelName: 'wn-train', "
                + "splitProperty: 'split', trainSplit: 'train', writeProperty: 'transe', epochs: $epochs, "
                + "margin: 4.0, norm: 'L1', randomSeed: 42}) YIELD relationshipCount, computeMillis "
                + "RETURN relationshipCount, computeMillis", Map.of("epochs", transeEpochs));
        report.put("transe", transe);
        bolt.single("""
                MATCH (s:Synset)
                CREATE (:Text {id: s.id, text: replace(s.lemmas[0], '_', ' ') + ' : ' + s.definition})
                RETURN count(*)""");
        Map<String, Object> aligned = bolt.single("CALL ernie.align.write({documentLabel: 'Text', "
                + "textProperty: 'text', entityLabels: 'Synset', nameProperties: 'lemmas', priorProperty: 'frequency', "
                + "embeddingProperty: 'transe', inflection: 'all', batchSize: 5000}) "
                + "YIELD documents, relationshipsWritten RETURN documents, relationshipsWritten");
        report.put("aligned", aligned);
        // a definition describes its own synset: the headword the linker found at its start is that synset (a
        // gold link, as a description attached to its entity is in any KG); every other mention stays the linker's
        Map<String, Object> headwords = bolt.single(HEADWORD_GOLD_LINKS);
        report.put("headwords", headwords);
        Map<String, Object> exported = bolt.single("CALL ernie.dataset.export({directory: 'wn', documentLabel: "
                + "'Text', modelName: 'wn-train', typeProperty: 'lexname', splitProperty: 'split', "
                + "negativeRatio: 0.5, typingMinLinkScore: 1.0, relationshipTypes: $types}) "
                + "YIELD files, relationLabels "
                + "RETURN files, relationLabels", Map.of("types", RELATION_TYPES));
        report.put("exported", exported);
        report.put("preparationSeconds", Math.round((System.nanoTime() - start) / 1e9));
    }
}
