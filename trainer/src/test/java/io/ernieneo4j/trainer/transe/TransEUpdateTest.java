package io.ernieneo4j.trainer.transe;

import io.ernieneo4j.trainer.data.Triple;
import io.ernieneo4j.trainer.run.Progress;
import io.ernieneo4j.trainer.run.Termination;
import io.ernieneo4j.trainer.transe.TransEParameters.Initialisation;
import io.ernieneo4j.trainer.transe.TransEParameters.NegativeSampling;
import io.ernieneo4j.trainer.transe.TransEParameters.Norm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransEUpdateTest {

    private static final TransEParameters PARAMETERS =
            new TransEParameters(20, 300, 0.01, 1.0, Norm.L1, NegativeSampling.BERN, 1, 1000, 1, 7, Initialisation.UNIFORM_UNIT, false);

    /** People living in 4 cities in 2 countries; {@code people} of them, person p in city p % 4. */
    private static List<Triple> cities(int people) {
        List<Triple> triples = new ArrayList<>();
        for (int p = 0; p < people; p++) {
            triples.add(new Triple("p" + p, "livesIn", "c" + p % 4));
        }
        for (int c = 0; c < 4; c++) {
            triples.add(new Triple("c" + c, "inCountry", "k" + c % 2));
        }
        return triples;
    }

    private record Trained(TransEModel model, TripleIndex index, TripleStore triples) {}

    private static Trained train(List<Triple> triples) {
        TripleIndex index = new TripleIndex();
        TripleStore store = index.addAll(triples);
        TransEModel model = new TransE(store, PARAMETERS, Progress.NONE, Termination.ALWAYS).train().model();
        return new Trained(model, index, store);
    }

    private static TransEUpdate.Result update(Trained previous, TripleIndex index, TripleStore graph) {
        return TransEUpdate.update(previous.model(), previous.index().entities(), previous.index().relations(),
                previous.triples(), index.entities(), index.relations(), graph, PARAMETERS, Progress.NONE,
                Termination.ALWAYS);
    }

    @Test
    void fitsNewEntitiesAndRefinesChangedOnesLeavingTheRestExactlyAsTheyWere() {
        Trained previous = train(cities(36));
        // today: four new people (p36..p39, one per city) and p0 moved from c0 to c1; read in another order
        List<Triple> today = new ArrayList<>(cities(40));
        today.set(0, new Triple("p0", "livesIn", "c1"));
        java.util.Collections.reverse(today);
        TripleIndex index = new TripleIndex();
        TripleStore graph = index.addAll(today);

        TransEUpdate.Result result = update(previous, index, graph);

        TransEUpdate.Change change = result.change();
        assertThat(change.entitiesAdded()).isEqualTo(4);
        assertThat(change.entitiesRemoved()).isZero();
        assertThat(change.relationsAdded()).isZero();
        assertThat(change.triplesAdded()).isEqualTo(5); // p36..p39 and p0's new city
        assertThat(change.triplesRemoved()).isEqualTo(1); // p0's old city
        assertThat(change.entitiesRefined()).isEqualTo(5); // the 4 cities that gained people, and p0
        assertThat(change.triplesSampled()).isEqualTo(5); // the added triples only
        assertThat(change.entitiesTouchedFraction()).isEqualTo(9.0 / 46);
        assertThat(result.training().epochs()).hasSize(PARAMETERS.epochs());

        TransEModel model = result.model();
        for (String name : index.entities()) {
            float[] now = model.entity(index.entityId(name));
            Integer before = previous.index().entityId(name);
            boolean moved = name.startsWith("c") || name.equals("p0") || before == null;
            if (!moved) {
                assertThat(now).as(name).containsExactly(previous.model().entity(before));
            } else if (before != null) {
                assertThat(now).as(name).isNotEqualTo(previous.model().entity(before));
            }
        }
        for (String relation : index.relations()) {
            assertThat(model.relation(index.relationId(relation)))
                    .containsExactly(previous.model().relation(previous.index().relationId(relation)));
        }
        // the new people and p0 now rank their own city first among the 4 cities
        int livesIn = index.relationId("livesIn");
        for (int p : new int[] {36, 37, 38, 39, 0}) {
            int person = index.entityId("p" + p);
            int city = index.entityId(p == 0 ? "c1" : "c" + p % 4);
            for (int c = 0; c < 4; c++) {
                int other = index.entityId("c" + c);
                if (other != city) {
                    assertThat(model.distance(person, livesIn, city)).as("p%d: c%d vs its city", p, c)
                            .isLessThan(model.distance(person, livesIn, other));
                }
            }
        }
    }

    @Test
    void learnsANewRelationTypeAndDropsRemovedEntities() {
        Trained previous = train(cities(40));
        List<Triple> today = new ArrayList<>(cities(40));
        today.removeIf(t -> t.head().equals("p39")); // p39 left the graph
        for (int c = 0; c < 4; c++) {
            today.add(new Triple("c" + c, "twinnedWith", "c" + (c + 1) % 4));
        }
        TripleIndex index = new TripleIndex();
        TripleStore graph = index.addAll(today);

        TransEUpdate.Change change = update(previous, index, graph).change();

        assertThat(change.entitiesRemoved()).isEqualTo(1);
        assertThat(change.entitiesAdded()).isZero();
        assertThat(change.relationsAdded()).isEqualTo(1);
        assertThat(change.triplesAdded()).isEqualTo(4);
        assertThat(change.triplesRemoved()).isEqualTo(1);
        assertThat(change.entitiesRefined()).isEqualTo(4); // the cities, each in a new twinnedWith triple
        assertThat(change.entityCount()).isEqualTo(45);
    }

    @Test
    void anUnchangedGraphKeepsTheModelAndTrainsNothing() {
        Trained previous = train(cities(40));
        List<Triple> today = new ArrayList<>(cities(40));
        java.util.Collections.reverse(today);
        TripleIndex index = new TripleIndex();
        TripleStore graph = index.addAll(today);

        TransEUpdate.Result result = update(previous, index, graph);

        assertThat(result.change().none()).isTrue();
        assertThat(result.change().triplesSampled()).isZero();
        assertThat(result.training()).isNull();
        assertThat(result.model().entity(index.entityId("p7")))
                .containsExactly(previous.model().entity(previous.index().entityId("p7")));
    }

    @Test
    void refusesAnotherShape() {
        Trained previous = train(cities(8));
        TripleIndex index = new TripleIndex();
        TripleStore graph = index.addAll(cities(8));
        var wider = new TransEParameters(32, 10, 0.01, 1.0, Norm.L1, NegativeSampling.BERN, 1, 1000, 1, 7, Initialisation.UNIFORM_UNIT, false);
        assertThatThrownBy(() -> TransEUpdate.update(previous.model(), previous.index().entities(),
                previous.index().relations(), previous.triples(), index.entities(), index.relations(), graph, wider,
                Progress.NONE, Termination.ALWAYS))
                .hasMessageContaining("20 dimensions").hasMessageContaining("asked 32");
    }
}
