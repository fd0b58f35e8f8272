package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.trainer.ernie.ErnieManifest;
import io.ernieneo4j.trainer.ernie.ErnieTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Knowledge-graph completion a curator can trust, on a small graph that is not WordNet: 24 people, each working for
 * one of 4 companies and living in one of 5 cities, their edges split train/dev/test by person; one document per
 * person names the person, their company, their city and a company they do not work for. The relation model is a
 * small random-weight ERNIE model (its text evidence is noise), TransE is trained in the database on the training
 * edges, and the node labels are the types. What the held-out evaluation counts is known by construction, and the
 * type evidence alone must rule out what no person-company-city graph states (a company working for a person).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelationCompletionTest extends ClasspathHarness {

    private static final List<String> RELATIONS = List.of("LIVES_IN", "WORKS_FOR", "no_relation");
    private static final int PEOPLE = 24;
    /** The entities each document mentions: person, company, city, the other company. */
    private static final List<List<String>> MENTIONED = new ArrayList<>();
    private static Path models;
    private static Path transeModels;

    @BeforeAll
    static void graphAndModels() throws Exception {
        models = Files.createTempDirectory("ernie-models");
        transeModels = Files.createTempDirectory("transe-models");
        System.setProperty("ernie.dir.models", models.toString());
        System.setProperty("ernie.dir.transe", transeModels.toString());
        List<Map<String, Object>> people = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            String person = "Person" + (char) ('A' + i);
            int company = (i / 4) % 4;
            int city = i % 5;
            int other = (company + 1) % 4;
            MENTIONED.add(List.of(person, "Company" + company, "City" + city, "Company" + other));
            String text = person + " works for Company" + company + " in City" + city + ", not for Company" + other + ".";
            people.add(Map.of("name", person, "company", company, "city", city, "other", other, "text", text,
                    "split", switch (i % 4) { case 2 -> "dev"; case 3 -> "test"; default -> "train"; }));
        }
        bolt.single("""
                UNWIND range(0, 3) AS c CREATE (:Company {name: 'Company' + c})
                WITH count(*) AS companies UNWIND range(0, 4) AS c CREATE (:City {name: 'City' + c})
                RETURN count(*)""");
        bolt.single("""
                UNWIND $people AS p
                MATCH (company:Company {name: 'Company' + p.company}), (city:City {name: 'City' + p.city}),
                      (other:Company {name: 'Company' + p.other})
                CREATE (person:Person {name: p.name}),
                       (person)-[:WORKS_FOR {split: p.split}]->(company),
                       (person)-[:LIVES_IN {split: p.split}]->(city),
                       (d:Document {text: p.text}),
                       (d)-[:MENTIONS {start: 0, end: size(p.name), score: 1.0}]->(person)
                WITH d, p, company, city, other, size(p.name) + 11 AS c
                CREATE (d)-[:MENTIONS {start: c, end: c + 8, score: 1.0}]->(company),
                       (d)-[:MENTIONS {start: c + 12, end: c + 17, score: 1.0}]->(city),
                       (d)-[:MENTIONS {start: c + 27, end: c + 35, score: 1.0}]->(other)
                RETURN count(*)""", Map.of("people", people));
        bolt.single("CALL ernie.transe.train({modelName: 'jobs-train', nodeLabels: ['Person', 'Company', 'City'], "
                + "splitProperty: 'split', trainSplit: 'train', dimensions: 16, epochs: 50, concurrency: 1, "
                + "randomSeed: 3})");
        bolt.single("CALL ernie.transe.train({modelName: 'jobs-all', nodeLabels: ['Person', 'Company', 'City'], "
                + "dimensions: 16, epochs: 5, concurrency: 1, randomSeed: 3})");
        Path tokenizer = TinyErnie.miniLmTokenizer(models.resolve("tokenizer.json"));
        // as finetune records a dataset exported with splitProperty: 'split' (this model learnt nothing)
        TinyErnie.save(ErnieTask.RELATION, RELATIONS, 17, tokenizer, ErnieManifest.EntityEmbeddings.NONE,
                Map.of("dataset", "jobs", "splitProperty", "split", "trainSplit", "train"),
                models.resolve("jobs-relation"));
        // and as one fine-tuned on every edge (the same weights)
        TinyErnie.save(ErnieTask.RELATION, RELATIONS, 17, tokenizer, ErnieManifest.EntityEmbeddings.NONE,
                models.resolve("jobs-relation-every-edge"));
        bolt.single("CALL ernie.model.load('jobs', {path: 'jobs-relation'})");
        bolt.single("CALL ernie.model.load('jobs-every-edge', {path: 'jobs-relation-every-edge'})");
    }

    @AfterAll
    static void clearSettings() throws Exception {
        bolt.single("CALL ernie.model.drop('jobs')");
        bolt.single("CALL ernie.model.drop('jobs-every-edge')");
        System.clearProperty("ernie.dir.models");
        System.clearProperty("ernie.dir.transe");
        for (Path dir : List.of(models, transeModels)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static final String EVALUATE = "CALL ernie.relation.evaluate({modelName: 'jobs', documentLabel: "
            + "'Document', transeModel: 'jobs-train', precisionAtK: [5, 10], seed: 7})";

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void countsTheHeldOutFactsAndRanksEachSourceOnTest() {
        Map<String, Object> result = bolt.single(EVALUATE);
        // per document 4 entities: 12 ordered pairs x 2 types; pairs of companies and cities recur across documents
        java.util.Set<String> facts = new java.util.HashSet<>();
        for (List<String> entities : MENTIONED) {
            for (String head : entities) {
                for (String tail : entities) {
                    if (!head.equals(tail)) {
                        facts.add(head + " LIVES_IN " + tail);
                        facts.add(head + " WORKS_FOR " + tail);
                    }
                }
            }
        }
        long distinct = (long) result.get("candidates");
        assertThat(distinct).isEqualTo(facts.size());
        // 12 training people x 2 true facts are known, left out; 6 dev and 6 test people x 2 are the positives
        assertThat(result).containsEntry("knownFacts", 24L).containsEntry("devPositives", 12L)
                .containsEntry("testPositives", 12L).containsEntry("testFacts", 12L)
                .containsEntry("testFactsMentioned", 12L).containsEntry("documents", (long) PEOPLE)
                .containsEntry("examples", 12L * PEOPLE);
        assertThat((long) result.get("devCandidates") + (long) result.get("testCandidates") + 24L).isEqualTo(distinct);

        Map<String, Map<String, Object>> bySource = (Map<String, Map<String, Object>>) result.get("bySource");
        assertThat(bySource).containsOnlyKeys("text", "graph", "types", "links", "fused");
        double types = (double) bySource.get("types").get("averagePrecision");
        double text = (double) bySource.get("text").get("averagePrecision");
        // the labels rule out a company working for a person, a city living in anything, ...: only the
        // person-company and person-city pairs stay, a third (the other company) or none of them false
        assertThat(types).isGreaterThan(0.4);
        assertThat(types).isGreaterThan(text);
        assertThat((double) bySource.get("fused").get("averagePrecision")).isGreaterThan(text);
        assertThat(bySource.get("fused")).containsKeys("P@5", "P@10", "precision", "recall", "f1", "calibrationError");

        List<Map<String, Object>> byType = (List<Map<String, Object>>) result.get("byRelationshipType");
        assertThat(byType).extracting(m -> m.get("relationshipType")).containsExactly("LIVES_IN", "WORKS_FOR");
        assertThat(byType).extracting(m -> m.get("positives")).containsExactly(6L, 6L);

        // the highest-scored errors, for review: false facts, best first, with what each source said
        List<Map<String, Object>> errors = (List<Map<String, Object>>) result.get("topFalseCandidates");
        assertThat(errors).hasSize(20);
        assertThat(errors).extracting(e -> (double) e.get("score")).isSortedAccordingTo(Comparator.reverseOrder());
        for (Map<String, Object> error : errors) {
            assertThat(error).containsKeys("textScore", "typeScore", "linkScore", "sentences");
            assertThat(bolt.single("MATCH (h)-[r]->(t) WHERE id(h) = $head AND id(t) = $tail AND type(r) = $type "
                    + "RETURN count(r) AS n", Map.of("head", error.get("headNodeId"), "tail", error.get("tailNodeId"),
                    "type", error.get("relationshipType")))).containsEntry("n", 0L);
        }

        Map<String, Object> fusion = (Map<String, Object>) result.get("fusion");
        assertThat(fusion).containsEntry("evidence", List.of("text", "graph", "types", "links"))
                .containsEntry("transeModel", "jobs-train").containsEntry("textAggregation", "max");
        assertThat((Map<String, Object>) fusion.get("weights")).containsOnlyKeys("text", "graph", "types", "links");
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void refusesModelsThatReadTheHeldOutEdgesAndNamesBadKeys() {
        String everyEdge = EVALUATE.replace("modelName: 'jobs'", "modelName: 'jobs-every-edge'");
        assertThatThrownBy(() -> bolt.single(everyEdge))
                .hasMessageContaining("Relation model `jobs-every-edge` was fine-tuned on relation labels from every "
                        + "edge")
                .hasMessageContaining("ernie.dataset.export({..., splitProperty: 'split', trainSplit: 'train'})");
        // without its text evidence, the graph and the types are still evaluated
        Map<String, Object> withoutText = bolt.single(everyEdge.replace("seed: 7", "evidence: ['graph', 'types']"));
        assertThat((Map<String, Object>) withoutText.get("bySource")).containsOnlyKeys("graph", "types", "fused");
        assertThatThrownBy(() -> bolt.single(EVALUATE.replace("jobs-train", "jobs-all")))
                .hasMessageContaining("TransE model `jobs-all` was trained on every relationship (no `splitProperty`)")
                .hasMessageContaining("splitProperty: 'split', trainSplit: 'train'");
        assertThatThrownBy(() -> bolt.single(EVALUATE.replace("seed: 7", "evidence: ['text', 'vibes']")))
                .hasMessageContaining("Value for `evidence` was `vibes`, but must be one of [text, graph, types, links]");
        assertThatThrownBy(() -> bolt.single(EVALUATE.replace("seed: 7", "relationshipTypes: ['OWNS']")))
                .hasMessageContaining("`relationshipTypes` names `OWNS`, which the relation model does not predict");
        assertThatThrownBy(() -> bolt.single(EVALUATE.replace("seed: 7", "devSplit: 'test'")))
                .hasMessageContaining("`trainSplit`, `devSplit` and `testSplit` must differ");
        assertThatThrownBy(() -> bolt.single(EVALUATE.replace("seed: 7", "textAggregation: 'mean'")))
                .hasMessageContaining("textAggregation");
        assertThatThrownBy(() -> bolt.single("CALL ernie.relation.write({modelName: 'jobs', documentLabel: "
                + "'Document', fusion: {evidence: ['text']}})"))
                .hasMessageContaining("`fusion`.`textAggregation` must be one of [max, noisyOr]");
    }

    @Test
    @Order(3)
    void writesFusedFactsWithTheirEvidenceOnlyBetweenTypesTheRelationConnects() {
        Map<String, Object> written = bolt.single(EVALUATE + " YIELD fusion "
                + "CALL ernie.relation.write({modelName: 'jobs', documentLabel: 'Document', fusion: fusion, "
                + "threshold: 0.3, status: 'candidate'}) YIELD predictions, relationshipsCreated, alreadyKnown, rejected "
                + "RETURN predictions, relationshipsCreated, alreadyKnown, rejected");
        assertThat((long) written.get("relationshipsCreated")).isPositive();
        assertThat(written).containsEntry("rejected", 0L);
        List<Map<String, Object>> edges = bolt.rows("""
                MATCH (h)-[r {predicted: true}]->(t)
                RETURN labels(h)[0] AS head, type(r) AS type, labels(t)[0] AS tail, r.score AS score,
                       r.status AS status, r.textScore AS text, r.graphScore AS graph, r.typeScore AS types,
                       r.sentences AS sentences, r.evidence AS evidence, r.headStart AS headStart,
                       r.linkScore AS links""");
        assertThat(edges).hasSize(((Long) written.get("relationshipsCreated")).intValue());
        for (Map<String, Object> edge : edges) {
            String shape = edge.get("head") + " " + edge.get("type") + " " + edge.get("tail");
            assertThat(shape).isIn("Person WORKS_FOR Company", "Person LIVES_IN City");
            assertThat((double) edge.get("score")).isGreaterThanOrEqualTo(0.3);
            assertThat(edge).containsEntry("status", "candidate").containsKeys("text", "graph", "types", "evidence")
                    .containsEntry("links", 1.0); // every mention here was linked with score 1.0
            assertThat((long) edge.get("sentences")).isPositive();
        }
        // a curator rejects one; it is not proposed again, and a second write changes nothing else
        bolt.single("MATCH ()-[r {predicted: true}]->() WITH r LIMIT 1 SET r.status = 'rejected' RETURN count(r)");
        Map<String, Object> again = bolt.single(EVALUATE + " YIELD fusion "
                + "CALL ernie.relation.write({modelName: 'jobs', documentLabel: 'Document', fusion: fusion, "
                + "threshold: 0.3, status: 'candidate'}) YIELD relationshipsCreated, relationshipsUpdated, rejected "
                + "RETURN relationshipsCreated, relationshipsUpdated, rejected");
        assertThat(again).containsEntry("relationshipsCreated", 0L).containsEntry("rejected", 1L)
                .containsEntry("relationshipsUpdated", (long) edges.size() - 1);
        assertThat(bolt.single("MATCH ()-[r {status: 'rejected'}]->() RETURN count(r) AS n")).containsEntry("n", 1L);
    }

    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void explainsAFactWithItsSentencesSourcesAndHowTheGraphStatesIt() {
        // PersonA works for Company0 (a training edge) and is mentioned with it in one document
        Map<String, Object> explained = bolt.single(EVALUATE + " YIELD fusion "
                + "MATCH (p:Person {name: 'PersonA'}), (c:Company {name: 'Company0'}) "
                + "CALL ernie.relation.explain(p, 'WORKS_FOR', c, {modelName: 'jobs', documentLabel: 'Document', "
                + "fusion: fusion}) YIELD headNodeId, relationshipType, tailNodeId, score, fused, textScore, "
                + "graphScore, typeScore, linkScore, documents, sentences, evidence, statedBy "
                + "RETURN *, id(p) AS person, id(c) AS company");
        assertThat(explained).containsEntry("relationshipType", "WORKS_FOR").containsEntry("fused", true)
                .containsEntry("linkScore", 1.0)
                .containsEntry("documents", 1L).containsEntry("sentences", 1L)
                .containsEntry("headNodeId", explained.get("person")).containsEntry("tailNodeId", explained.get("company"));
        assertThat((double) explained.get("score")).isBetween(0.0, 1.0);
        assertThat(explained.get("graphScore")).isNotNull();
        assertThat(explained.get("typeScore")).isNotNull();
        List<Map<String, Object>> evidence = (List<Map<String, Object>>) explained.get("evidence");
        assertThat(evidence).singleElement().satisfies(e -> {
            String text = (String) e.get("text");
            assertThat(text.substring(((Long) e.get("headStart")).intValue(), ((Long) e.get("headEnd")).intValue()))
                    .isEqualTo("PersonA");
            assertThat(text.substring(((Long) e.get("tailStart")).intValue(), ((Long) e.get("tailEnd")).intValue()))
                    .isEqualTo("Company0");
        });
        assertThat((List<Map<String, Object>>) explained.get("statedBy")).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("relationshipType", "WORKS_FOR")
                        .containsEntry("predicted", false));
        // without a fusion: the text alone
        Map<String, Object> textOnly = bolt.single("MATCH (p:Person {name: 'PersonA'}), (c:Company {name: 'Company0'}) "
                + "CALL ernie.relation.explain(p, 'WORKS_FOR', c, {modelName: 'jobs', documentLabel: 'Document'}) "
                + "YIELD score, fused, textScore, typeScore RETURN *");
        assertThat(textOnly).containsEntry("fused", false).containsEntry("typeScore", null)
                .containsEntry("score", textOnly.get("textScore"));
        assertThatThrownBy(() -> bolt.single("MATCH (p:Person {name: 'PersonA'}), (c:Company {name: 'Company0'}) "
                + "CALL ernie.relation.explain(p, 'OWNS', c, {modelName: 'jobs', documentLabel: 'Document'}) "
                + "YIELD score RETURN score"))
                .hasMessageContaining("`relationshipType` `OWNS` is not a relation the model predicts");
    }

    @Test
    @Order(5)
    void aFusionSavedWithTheModelIsUsedByDefault() throws Exception {
        Path saved = models.resolve("jobs-relation").resolve("fusion.json");
        String explain = "MATCH (p:Person {name: 'PersonA'}), (c:Company {name: 'Company0'}) "
                + "CALL ernie.relation.explain(p, 'WORKS_FOR', c, {modelName: 'jobs', documentLabel: 'Document'%s}) "
                + "YIELD score, fused, textScore, graphScore, typeScore RETURN score, fused, textScore, graphScore, "
                + "typeScore";
        try {
            Map<String, Object> given = bolt.single(EVALUATE.replace("seed: 7}", "seed: 7, save: true}")
                    + " YIELD fusion " + String.format(explain, ", fusion: fusion").replace("MATCH", "WITH fusion MATCH"));
            assertThat(saved).isRegularFile();
            assertThat(given).containsEntry("fused", true);
            assertThat(bolt.single(String.format(explain, ""))).isEqualTo(given);
        } finally {
            Files.deleteIfExists(saved);
        }
        assertThat(bolt.single(String.format(explain, ""))).containsEntry("fused", false);
    }
}
