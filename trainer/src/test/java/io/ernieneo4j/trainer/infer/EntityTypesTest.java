package io.ernieneo4j.trainer.infer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The types written on an entity: each type's best score over its mentions, highest first. */
class EntityTypesTest {

    @Test
    void keepsEachTypesBestScoreHighestFirst() {
        EntityTypes types = new EntityTypes();
        types.add("LOC", 0.4);
        types.add("ORG", 0.9);
        types.add("LOC", 0.7); // a second mention of the entity
        EntityTypes other = new EntityTypes(); // another partition's mentions
        other.add("PER", 0.5);
        other.add("ORG", 0.2);
        types.addAll(other);
        assertThat(types.names()).containsExactly("ORG", "LOC", "PER");
        assertThat(types.scores()).containsExactly(0.9, 0.7, 0.5);
        assertThat(new EntityTypes().isEmpty()).isTrue();
    }

    @Test
    void tiesKeepTheOrderTheTypesWereFirstSeen() {
        EntityTypes types = new EntityTypes();
        types.add("PER", 0.5);
        types.add("LOC", 0.5);
        assertThat(types.names()).containsExactly("PER", "LOC");
    }
}
