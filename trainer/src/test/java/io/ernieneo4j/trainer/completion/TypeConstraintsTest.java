package io.ernieneo4j.trainer.completion;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TypeConstraintsTest {

    /** 10 people, 4 companies, 5 cities; every person works for one company and lives in one city. */
    private static TypeConstraints graph() {
        TypeConstraints.Builder b = TypeConstraints.builder(1.0);
        for (int i = 0; i < 10; i++) b.node("Person");
        for (int i = 0; i < 4; i++) b.node("Company");
        for (int i = 0; i < 5; i++) b.node("City");
        for (int i = 0; i < 10; i++) {
            b.edge("Person", "WORKS_FOR", "Company");
            b.edge("Person", "LIVES_IN", "City");
        }
        b.edge("Company", "LOCATED_IN", "City");
        return b.build();
    }

    @Test
    void theDensityOfATypePairItConnectsIsItsShareOfNodePairs() {
        TypeConstraints types = graph();
        double base = (10 + 1.0) / (19.0 * 19 + 1);
        // (10 edges + 1 * base) over (10 * 4 pairs + 1)
        assertThat(types.density("Person", "WORKS_FOR", "Company")).isCloseTo((10 + base) / 41, within(1e-12));
        assertThat(types.nodes()).isEqualTo(19);
        assertThat(types.types()).isEqualTo(3);
        assertThat(types.edges("WORKS_FOR")).isEqualTo(10);
    }

    @Test
    void aTypePairTheRelationNeverConnectsFallsFarBelow() {
        TypeConstraints types = graph();
        double right = types.density("Person", "WORKS_FOR", "Company");
        double reversed = types.density("Company", "WORKS_FOR", "Person");
        double wrongTail = types.density("Person", "WORKS_FOR", "City");
        assertThat(reversed).isLessThan(right / 100);
        assertThat(wrongTail).isLessThan(right / 100);
        // a relation and types never seen: the tiny smoothed base rate, not zero
        assertThat(types.density("Robot", "BUILT_BY", "Robot")).isPositive().isLessThan(0.01);
    }

    @Test
    void smoothingMustBePositive() {
        assertThatThrownBy(() -> TypeConstraints.builder(0))
                .hasMessageContaining("`typeSmoothing` was `0.0`, but must be a positive number");
    }
}
