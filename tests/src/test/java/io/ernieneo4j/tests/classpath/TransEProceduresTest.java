package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.support.TrainingRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * TransE end to end through Bolt on WordNet's mammal sub-graph (1,182 synsets): train on the `train` split, evaluate
 * on the held-out `test` hypernyms, predict and write missing links, the GDS KGE recipe, and bad input.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransEProceduresTest extends ClasspathHarness {

    private static final String DOG = "02084071-n";
    private static final String TRAIN = "CALL ernie.transe.train({modelName: 'mammal', relationshipTypes: "
            + "['HYPERNYM', 'HYPONYM'], splitProperty: 'split', writeProperty: 'transe', dimensions: 50, epochs: 300, "
            + "learningRate: 0.01, margin: 2.0, norm: 'L2', concurrency: 1, randomSeed: 7})";

    private static long trainRelationships;

    @BeforeAll
    static void loadMammals() {
        bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");
        // a deterministic held-out tenth of the hypernym edges
        bolt.single("MATCH ()-[r:HYPERNYM|HYPONYM]->() "
                + "SET r.split = CASE WHEN type(r) = 'HYPERNYM' AND id(r) % 10 = 3 THEN 'test' ELSE 'train' END "
                + "RETURN count(r)");
        trainRelationships = bolt.count("MATCH ()-[r {split: 'train'}]->() RETURN count(r)");
    }

    @Test
    @Order(1)
    void badInputIsAClearErrorAndWritesNothing() {
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({modelName: 'x', nodeLabels: ['Sinset']})"))
                .hasMessageContaining("No node label `Sinset` exists in the database");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({modelName: 'x', relationshipTypes: ['IS_A']})"))
                .hasMessageContaining("No relationship type `IS_A` exists in the database");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({modelName: 'x', dimensions: 0})"))
                .hasMessageContaining("Value for `dimensions` was `0`, but must be within the range [1, 4096]");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({modelName: 'x', epoch: 3})"))
                .hasMessageContaining("Unexpected configuration key: `epoch` (Did you mean [epochs]?)");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({epochs: 3})"))
                .hasMessageContaining("mandatory configuration parameter `modelName`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({modelName: 'x', epochs: 1, writeProperty: 'lexname'})"))
                .hasMessageContaining("`writeProperty` `lexname` clashes with an existing property");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train({modelName: 'x', splitProperty: 'split', trainSplit: 'none'})"))
                .hasMessageContaining("The selected graph has no relationships to learn from (none has `split` = 'none')");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.transe.predict.stream({modelName: 'nope', relationshipType: 'HYPERNYM', heads: [0]})"))
                .hasMessageContaining("No TransE model `nope` exists");
        assertThat(bolt.count("MATCH (n) WHERE n.transe IS NOT NULL RETURN count(n)")).isZero();
        assertThat(bolt.count("MATCH (n:Synset) WHERE n.lexname IS :: STRING RETURN count(n)")).isEqualTo(1_182);
        assertThat(bolt.rows("CALL ernie.transe.model.list()")).isEmpty();
    }

    @Test
    @Order(2)
    void estimateCountsTheSelection() {
        Map<String, Object> row = bolt.single("CALL ernie.transe.train.estimate({nodeLabels: 'Synset', "
                + "relationshipTypes: ['HYPERNYM', 'HYPONYM'], dimensions: 100})");
        long relationships = bolt.count("MATCH ()-[r:HYPERNYM|HYPONYM]->() RETURN count(r)");
        assertThat(row).containsEntry("nodeCount", 1_182L).containsEntry("relationshipCount", relationships);
        assertThat((Long) row.get("bytesMin")).isGreaterThan(1_182L * 400).isLessThanOrEqualTo((Long) row.get("bytesMax"));
    }

    @Test
    @Order(3)
    void trainsWritesEmbeddingsAndKeepsTheModel() {
        Map<String, Object> row = bolt.single(TRAIN);
        long nodes = bolt.count("MATCH (n:Synset) WHERE EXISTS { (n)-[{split: 'train'}]-() } RETURN count(n)");
        assertThat(row).containsEntry("modelName", "mammal")
                .containsEntry("nodeCount", nodes)
                .containsEntry("relationshipCount", trainRelationships)
                .containsEntry("relationshipTypeCount", 2L)
                .containsEntry("epochs", 300L)
                .containsEntry("nodePropertiesWritten", nodes)
                .containsEntry("predictedRelationshipsLeftOut", 0L)
                .containsEntry("warnings", List.of());
        assertThat((Double) row.get("finalLoss")).isLessThan(0.5);
        Map<String, Object> dog = bolt.single("MATCH (d:Synset {id: $id}) RETURN d.transe AS embedding", Map.of("id", DOG));
        assertThat((List<?>) dog.get("embedding")).hasSize(50);
        List<Map<String, Object>> models = bolt.rows("CALL ernie.transe.model.list()");
        assertThat(models).singleElement().satisfies(m -> assertThat(m)
                .containsEntry("modelName", "mammal").containsEntry("entityCount", nodes)
                .containsEntry("dimensions", 50L).containsEntry("norm", "L2"));
    }

    @Test
    @Order(4)
    void evaluationOnHeldOutHypernymsIsFarAboveChance() {
        Map<String, Object> row = bolt.single("CALL ernie.transe.evaluate({modelName: 'mammal', perRelation: true})");
        long test = bolt.count("MATCH ()-[r {split: 'test'}]->() RETURN count(r)");
        assertThat(row).containsEntry("testTriples", test).containsEntry("skippedTriples", 0L);
        @SuppressWarnings("unchecked") Map<String, Object> filtered = (Map<String, Object>) row.get("filtered");
        System.out.println("mammal filtered: " + filtered + " raw: " + row.get("raw"));
        // chance over 1,182 entities: MRR ≈ 0.006, Hits@10 ≈ 0.008
        assertThat((Double) filtered.get("mrr")).isGreaterThan(0.15);
        assertThat((Double) filtered.get("hitsAt10")).isGreaterThan(0.4);
        @SuppressWarnings("unchecked") Map<String, Object> perRelation = (Map<String, Object>) row.get("perRelation");
        assertThat(perRelation).containsOnlyKeys("HYPERNYM");
    }

    @Test
    @Order(5)
    void predictsMissingLinksAndWritesThemOnce() {
        List<Map<String, Object>> predictions = bolt.rows("MATCH (d:Synset {id: $id}) "
                + "CALL ernie.transe.predict.stream({modelName: 'mammal', relationshipType: 'HYPERNYM', heads: [d], topK: 5}) "
                + "YIELD tailNodeId, score, rank RETURN tailNodeId, score, rank", Map.of("id", DOG));
        assertThat(predictions).hasSize(5);
        assertThat(predictions).extracting(p -> (Long) p.get("rank")).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(predictions).extracting(p -> (Double) p.get("score")).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        long existingHypernym = bolt.count("MATCH (:Synset {id: '" + DOG + "'})-[:HYPERNYM]->(c) RETURN id(c)");
        assertThat(predictions).extracting(p -> (Long) p.get("tailNodeId")).doesNotContain(existingHypernym);

        long before = bolt.count("MATCH ()-[r:HYPERNYM]->() RETURN count(r)");
        String write = "MATCH (d:Synset) WHERE d.id IN ['02084071-n', '02121620-n'] WITH collect(d) AS heads "
                + "CALL ernie.transe.predict.write({modelName: 'mammal', relationshipType: 'HYPERNYM', heads: heads, "
                + "topK: 3, writeRelationshipType: 'PREDICTED_HYPERNYM'}) YIELD relationshipsCreated, relationshipsUpdated "
                + "RETURN relationshipsCreated, relationshipsUpdated";
        assertThat(bolt.single(write)).containsEntry("relationshipsCreated", 6L).containsEntry("relationshipsUpdated", 0L);
        assertThat(bolt.single(write)).containsEntry("relationshipsCreated", 0L).containsEntry("relationshipsUpdated", 6L);
        assertThat(bolt.count("MATCH ()-[r:PREDICTED_HYPERNYM {predicted: true, model: 'mammal'}]->() RETURN count(r)")).isEqualTo(6);
        assertThat(bolt.count("MATCH ()-[r:HYPERNYM]->() RETURN count(r)")).isEqualTo(before);
    }

    @Test
    @Order(6)
    void gdsKgeScoringOnTheWrittenEmbeddingsAgrees() {
        // GDS scores every target of the filter: only nodes with an embedding can be targets
        bolt.single("MATCH (n:Synset) WHERE n.transe IS NOT NULL SET n:Embedded RETURN count(n)");
        bolt.single("CALL gds.graph.project('mammal', 'Embedded', 'HYPERNYM', {nodeProperties: ['transe']}) "
                + "YIELD graphName RETURN graphName");
        String ours = "MATCH (d:Synset {id: $id}) CALL ernie.transe.predict.stream({modelName: 'mammal', "
                + "relationshipType: 'HYPERNYM', heads: [d], topK: 5}) YIELD tailNodeId, distance "
                + "RETURN tailNodeId, distance";
        // GDS ranks every target, linked or not, by the L2 distance (its `score`); ours leaves out existing links
        String gds = "MATCH (d:Synset {id: $id}) "
                + "CALL gds.ml.kge.predict.stream('mammal', {sourceNodeFilter: [id(d)], targetNodeFilter: 'Embedded', "
                + "nodeEmbeddingProperty: 'transe', relationshipTypeEmbedding: ernie.transe.relationEmbedding('mammal', 'HYPERNYM'), "
                + "scoringFunction: 'TransE', topK: 10}) YIELD targetNodeId, score "
                + "WHERE NOT EXISTS { (d)-[:HYPERNYM]->(t) WHERE id(t) = targetNodeId } "
                + "RETURN targetNodeId, score ORDER BY score LIMIT 5";
        List<Map<String, Object>> ourRows = bolt.rows(ours, Map.of("id", DOG));
        List<Map<String, Object>> gdsRows = bolt.rows(gds, Map.of("id", DOG));
        assertThat(gdsRows.stream().map(r -> (Long) r.get("targetNodeId")).toList())
                .containsExactlyElementsOf(ourRows.stream().map(r -> (Long) r.get("tailNodeId")).toList());
        for (int i = 0; i < 5; i++) {
            assertThat((Double) gdsRows.get(i).get("score")).isCloseTo((Double) ourRows.get(i).get("distance"),
                    org.assertj.core.api.Assertions.within(1e-5));
        }
    }

    @Test
    @Order(7)
    void readsAGraphProjectedInGdssCatalog() {
        long relationships = bolt.count("CALL gds.graph.list('mammal') YIELD relationshipCount RETURN relationshipCount");
        Map<String, Object> stats = bolt.single("CALL ernie.transe.stats({graphName: 'mammal', epochs: 5, concurrency: 1})");
        assertThat(stats).containsEntry("relationshipCount", relationships).containsEntry("relationshipTypeCount", 1L);
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.stats({graphName: 'nope'})"))
                .hasMessageContaining("No graph `nope` in GDS's graph catalog");
    }

    @Test
    @Order(7)
    void aProjectionWithASplitIsRefusedNamingBothKeys() {
        // a GDS projection keeps only numeric relationship properties: the split would be silently dropped
        for (String procedure : List.of("ernie.transe.train", "ernie.transe.stream", "ernie.transe.stats",
                "ernie.transe.train.estimate")) {
            String modelName = procedure.endsWith("train") ? "modelName: 'leaky', " : "";
            assertThatThrownBy(() -> bolt.rows("CALL " + procedure + "({" + modelName + "graphName: 'mammal', "
                    + "splitProperty: 'split', epochs: 1, concurrency: 1})"))
                    .as(procedure)
                    .hasMessageContaining("`graphName`").hasMessageContaining("`splitProperty`")
                    .hasMessageContaining("project only the training relationships");
        }
        assertThat(bolt.rows("CALL ernie.transe.model.list()")).extracting(m -> m.get("modelName"))
                .doesNotContain("leaky");
    }

    @Test
    @Order(7)
    void estimateOnAProjectionCountsTheProjection() {
        Map<String, Object> listed = bolt.single("CALL gds.graph.list('mammal') YIELD nodeCount, relationshipCount "
                + "RETURN nodeCount, relationshipCount");
        Map<String, Object> row = bolt.single("CALL ernie.transe.train.estimate({graphName: 'mammal', dimensions: 100})");
        assertThat(row).containsEntry("nodeCount", listed.get("nodeCount"))
                .containsEntry("relationshipCount", listed.get("relationshipCount"));
        Map<String, Object> typed = bolt.single("CALL ernie.transe.train.estimate({graphName: 'mammal', "
                + "relationshipTypes: ['HYPERNYM']})");
        assertThat(typed).containsEntry("relationshipCount", listed.get("relationshipCount"));
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train.estimate({graphName: 'mammal', "
                + "relationshipTypes: ['HYPONYM']})"))
                .hasMessageContaining("No relationship type `HYPONYM` in graph `mammal`");
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.train.estimate({graphName: 'nope'})"))
                .hasMessageContaining("No graph `nope` in GDS's graph catalog");
    }

    @Test
    @Order(8)
    void streamAndStatsWriteNothing() {
        long properties = bolt.count("MATCH (n) WHERE n.transe IS NOT NULL RETURN count(n)");
        List<Map<String, Object>> rows = bolt.rows("CALL ernie.transe.stream({relationshipTypes: 'HYPERNYM', "
                + "dimensions: 8, epochs: 5, concurrency: 1})");
        long nodes = bolt.count("MATCH (n:Synset) WHERE EXISTS { (n)-[:HYPERNYM]-() } RETURN count(n)");
        assertThat(rows).hasSize((int) nodes).allSatisfy(r -> assertThat((List<?>) r.get("embedding")).hasSize(8));
        Map<String, Object> stats = bolt.single("CALL ernie.transe.stats({relationshipTypes: 'HYPERNYM', epochs: 20, concurrency: 2})");
        assertThat((List<?>) stats.get("lossPerEpoch")).hasSize(20);
        // the initialisation reaches the trainer: with a negligible learning rate the vectors keep their start,
        // ≈ 0.35 (σ = 1/8 per component) with Fast-TransX's, the default, and length 1 with the norm-1 start
        String start = "CALL ernie.transe.stream({relationshipTypes: 'HYPERNYM', dimensions: 8, epochs: 1, "
                + "learningRate: 1e-9, concurrency: 1%s}) YIELD embedding "
                + "RETURN avg(sqrt(reduce(s = 0.0, x IN embedding | s + x * x))) AS length";
        assertThat((Double) bolt.single(start.formatted(", initialisation: 'uniform_unit'")).get("length"))
                .isCloseTo(1.0, within(1e-3));
        assertThat((Double) bolt.single(start.formatted("")).get("length")).isBetween(0.2, 0.5);
        assertThatThrownBy(() -> bolt.rows(start.formatted(", initialisation: 'gaussian'")))
                .hasMessageContaining("Value for `initialisation` was `gaussian`");
        assertThat(bolt.count("MATCH (n) WHERE n.transe IS NOT NULL RETURN count(n)")).isEqualTo(properties);
        assertThat(bolt.rows("CALL ernie.transe.model.list()")).hasSize(1);
    }

    @Test
    @Order(9)
    void predictionsInTheSameTypeChangeNeitherTrainingNorEvaluation() {
        String evaluate = "CALL ernie.transe.evaluate({modelName: 'mammal', perRelation: true}) "
                + "YIELD testTriples, skippedTriples, predictedRelationshipsLeftOut, filtered, raw, filteredHead, "
                + "filteredTail, perRelation RETURN *";
        String stats = "CALL ernie.transe.stats({relationshipTypes: ['HYPERNYM'], epochs: 1, concurrency: 1})";
        Map<String, Object> before = bolt.single(evaluate);
        Map<String, Object> statsBefore = bolt.single(stats);
        assertThat(before).containsEntry("predictedRelationshipsLeftOut", 0L);
        assertThat(statsBefore).containsEntry("predictedRelationshipsLeftOut", 0L);

        // the model's best missing tails of every head with a test hypernym: as a filter, they would be skipped
        // ahead of the true test tails and lift the filtered figures
        long written = (Long) bolt.single("MATCH (h)-[:HYPERNYM {split: 'test'}]->() WITH collect(DISTINCT h) AS heads "
                + "CALL ernie.transe.predict.write({modelName: 'mammal', relationshipType: 'HYPERNYM', heads: heads, "
                + "topK: 3}) YIELD relationshipsCreated RETURN relationshipsCreated").get("relationshipsCreated");
        assertThat(written).isGreaterThan(100);
        assertThat(bolt.count("MATCH ()-[r:HYPERNYM {predicted: true}]->() RETURN count(r)")).isEqualTo(written);

        Map<String, Object> after = new HashMap<>(bolt.single(evaluate));
        assertThat(after.remove("predictedRelationshipsLeftOut")).isEqualTo(written);
        Map<String, Object> figuresBefore = new HashMap<>(before);
        figuresBefore.remove("predictedRelationshipsLeftOut");
        assertThat(after).isEqualTo(figuresBefore);

        Map<String, Object> statsAfter = bolt.single(stats);
        assertThat(statsAfter).containsEntry("relationshipCount", statsBefore.get("relationshipCount"))
                .containsEntry("nodeCount", statsBefore.get("nodeCount"))
                .containsEntry("predictedRelationshipsLeftOut", written);

        // a projection cannot carry `predicted`; its triples only predictions state are matched in the store
        bolt.single("CALL gds.graph.project('withPredictions', 'Synset', 'HYPERNYM') YIELD relationshipCount "
                + "RETURN relationshipCount");
        long projected = bolt.count("CALL gds.graph.list('withPredictions') YIELD relationshipCount "
                + "RETURN relationshipCount");
        assertThat(projected).isEqualTo((Long) statsBefore.get("relationshipCount") + written);
        Map<String, Object> fromProjection = bolt.single("CALL ernie.transe.stats({graphName: 'withPredictions', "
                + "epochs: 1, concurrency: 1})");
        assertThat(fromProjection).containsEntry("relationshipCount", statsBefore.get("relationshipCount"))
                .containsEntry("predictedRelationshipsLeftOut", written);

        bolt.single("CALL gds.graph.drop('withPredictions') YIELD graphName RETURN graphName");
        bolt.single("MATCH ()-[r:HYPERNYM {predicted: true}]->() DELETE r RETURN count(r)");
    }

    @Test
    @Order(9)
    void aRunThatLearntNothingSaysSoAndWhatToTry() {
        String config = "relationshipTypes: ['HYPERNYM', 'HYPONYM'], splitProperty: 'split', dimensions: 20, "
                + "epochs: 5, learningRate: 1e-9, concurrency: 1";
        Map<String, Object> row = bolt.single("CALL ernie.transe.train({modelName: 'untrained', " + config + "})");
        // lr 1e-9: the vectors keep their random start, so the loss stays at the margin (the default, 2.0)
        assertThat((Double) row.get("finalLoss")).isGreaterThan(1.8);
        assertThat((List<?>) row.get("warnings")).singleElement().asString()
                .contains("learnt little or nothing").contains("`epochs` (ran 5)")
                .contains("`learningRate` (was 1.0E-9").contains("`margin` (was 2)");
        assertThat((List<?>) bolt.single("CALL ernie.transe.stats({" + config + "})").get("warnings")).hasSize(1);
        assertThat((List<?>) bolt.single("CALL ernie.transe.stats({relationshipTypes: ['HYPERNYM', 'HYPONYM'], "
                + "splitProperty: 'split', dimensions: 20, epochs: 50, concurrency: 1})").get("warnings")).isEmpty();
        bolt.single("CALL ernie.transe.model.drop('untrained')");
    }

    /**
     * ernie.progress() lists a TransE run with its epochs as steps; a second run of the same model is refused while
     * it trains; terminated, it stores and writes nothing and leaves the list.
     */
    @Test
    @Order(9)
    void aTrainingRunIsListedInProgressAndStopsCleanly() {
        // many epochs, so that it is seen running (polled, not timed) and then stopped
        String train = "CALL ernie.transe.train({modelName: 'watched', nodeLabels: 'Synset', dimensions: 16, "
                + "epochs: 1000000, writeProperty: 'watchedVector', concurrency: 1, randomSeed: 3})";
        CompletableFuture<Map<String, Object>> running = CompletableFuture.supplyAsync(() -> bolt.single(train));
        Map<String, Object> progress = TrainingRuns.awaitProgress(bolt, "watched", 2, running);
        assertThat(progress).containsEntry("procedure", "ernie.transe.train")
                .containsEntry("phase", "training").containsEntry("totalSteps", 1_000_000L);
        assertThat(progress.get("loss")).isNotNull();
        assertThatThrownBy(() -> bolt.single(train)).hasMessageContaining("`watched` is being trained by another call");

        TrainingRuns.terminate(bolt, "watchedVector");
        assertThatThrownBy(running::join).hasMessageContaining("terminated");
        assertThat(bolt.rows("CALL ernie.progress()")).isEmpty();
        assertThat(bolt.count("CALL ernie.transe.model.list() YIELD modelName WHERE modelName = 'watched' "
                + "RETURN count(*)")).isZero();
        assertThat(bolt.count("MATCH (n) WHERE n.watchedVector IS NOT NULL RETURN count(n)")).isZero();
    }

    @Test
    @Order(10)
    void droppingAModelRemovesIt() {
        assertThat(bolt.single("CALL ernie.transe.model.drop('mammal')")).containsEntry("modelName", "mammal");
        assertThat(bolt.rows("CALL ernie.transe.model.list()")).isEmpty();
        assertThatThrownBy(() -> bolt.single("CALL ernie.transe.model.drop('mammal')"))
                .hasMessageContaining("No TransE model `mammal` exists");
    }
}
