package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.support.Bolt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Entity linking end to end through Bolt on WordNet's mammal sub-graph (1,182 synsets named by their lemmas, sense
 * counts as prior): exact spans and nodes, MENTIONS written once however often the write runs, a new node's name
 * found without a manual refresh, TransE context, and bad input that writes nothing. Then on a small graph that is
 * not WordNet ({@code :Entity {name, aliases}}, degree as prior): names with clause punctuation, acronyms, noun
 * inflection only, and primary names over aliases.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlignProceduresTest extends ClasspathHarness {

    private static final String SYNSETS = "{entityLabels: 'Synset', nameProperties: 'lemmas', priorProperty: 'frequency'}";
    private static final String STREAM = "CALL ernie.align.stream($text, " + SYNSETS + ") "
            + "YIELD mention, start, end, nodeId, score, candidates "
            + "MATCH (s) WHERE id(s) = nodeId RETURN mention, start, end, s.id AS synset, score, candidates";
    private static final String SENTENCE = "Two Domestic Dogs chased a house-cat, and the cat fled; big cats stayed.";
    private static final String WRITE = "CALL ernie.align.write({documentLabel: 'Doc', textProperty: 'text', "
            + "entityLabels: 'Synset', nameProperties: 'lemmas', priorProperty: 'frequency'%s})";

    private static final String ENTITY_CONFIG = "entityLabels: 'Entity', nameProperties: ['name', 'aliases']";
    private static final String SPACE = "Apollo 11 left Florida on a Saturn V; NASA flew the crew home to "
            + "Washington, D.C. and the US.";
    private static final String PLANETS = "Mercury (planet) is closest to the Sun. Mercury, unlike Mercury (element), "
            + "is not a metal; quicksilver is.";
    private static final String CARGO = "The transporter transported two transports of gas and a GAS canister; us, "
            + "a Jaguar and Jaguar Land Rover.";
    private static final String FILMS = "We watched Star Wars: A New Hope, then Star Wars, and drove to Washington "
            + "with George Washington.";

    @BeforeAll
    static void loadMammalsAndDocuments() {
        bolt.single("CALL ernie.dataset.wordnet.load({root: '01861778-n'})");
        bolt.single("CREATE (:Doc {title: 'pets', text: $pets}), (:Doc {title: 'cats', text: 'Felis catus: the Lion."
                + "'}), (:Doc {title: 'untitled'}) RETURN 1", Map.of("pets", SENTENCE));
        bolt.single(NamedEntityGraph.ENTITIES);
    }

    private static List<Map<String, Object>> stream(String text) {
        return bolt.rows(STREAM, Map.of("text", text));
    }

    private static List<String> spans(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> r.get("start") + "-" + r.get("end") + ":" + r.get("mention") + ">" + r.get("synset"))
                .toList();
    }

    @Test
    @Order(1)
    void badInputIsAClearErrorAndWritesNothing() {
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream(null, " + SYNSETS + ")"))
                .hasMessageContaining("`text` must be a string, but was null.");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream('', " + SYNSETS + ")"))
                .hasMessageContaining("`text` must not be empty.");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream('a dog', {entityLabels: 'Sinset'})"))
                .hasMessageContaining("No node label `Sinset` exists in the database");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream('a dog', {nameProperties: 'lemmas'})"))
                .hasMessageContaining("mandatory configuration parameter `entityLabels`");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream('a dog', {entityLabels: 'Synset', nameProperty: 'x'})"))
                .hasMessageContaining("Unexpected configuration key: `nameProperty` (Did you mean [nameProperties]?)");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream('a dog', {entityLabels: 'Synset', nameProperties: 'lemma'})"))
                .hasMessageContaining("`nameProperties`: no property key `lemma` exists in the database.");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream('a dog', {entityLabels: 'Synset', nameProperties: 'frequency'})"))
                .hasMessageMatching("(?s).*`nameProperties`: property `frequency` of node \\d+ holds an integer, "
                        + "not a string or a list of strings\\..*");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream('a dog', {entityLabels: 'Synset', nameProperties: 'lemmas', "
                + "priorProperty: 'lexname'})"))
                .hasMessageMatching("(?s).*`priorProperty`: property `lexname` of node \\d+ holds a string, not a number\\..*");
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream('a dog', {entityLabels: 'Synset', contextWeight: 2})"))
                .hasMessageContaining("Value for `contextWeight` was `2.0`, but must be within the range [0.0, 1.0].");
        // a text over the limit is refused before any work (the default limit is a million characters)
        assertThatThrownBy(() -> bolt.rows("CALL ernie.align.stream($text, " + SYNSETS + ")",
                Map.of("text", "dog ".repeat(250_001))))
                .hasMessageContaining("`text` has 1000004 characters, more than `maxTextLength` (1000000)");

        assertThatThrownBy(() -> bolt.single(WRITE.formatted(", maxTextLength: 20")))
                .hasMessageMatching("(?s).*`text` of node \\d+ has 7\\d characters, more than `maxTextLength` \\(20\\).*");
        assertThatThrownBy(() -> bolt.single(WRITE.formatted(", documentLabel: 'Document'")))
                .hasMessageContaining("`documentLabel`: no node label `Document` exists in the database");
        bolt.single("CREATE (:Doc {title: 'bad', text: 42}) RETURN 1");
        assertThatThrownBy(() -> bolt.single(WRITE.formatted("")))
                .hasMessageMatching("(?s).*`text` of node \\d+ must be a string, but was Long\\..*");
        bolt.single("MATCH (d:Doc {title: 'bad'}) DELETE d RETURN 1");
        // a misspelt text property is an error, not "every document without text"
        assertThatThrownBy(() -> bolt.single("CALL ernie.align.write({documentLabel: 'Doc', textProperty: 'txt', "
                + "entityLabels: 'Synset', nameProperties: 'lemmas'})"))
                .hasMessageContaining("`textProperty`: no `Doc` node has a property `txt`");
        assertThat(bolt.count("MATCH ()-[r:MENTIONS]->() RETURN count(r)")).isZero();
    }

    @Test
    @Order(2)
    void streamsExactSpansAndNodes() {
        List<Map<String, Object>> rows = stream(SENTENCE);
        assertThat(spans(rows)).containsExactly(
                "4-17:Domestic Dogs>02084071-n",   // domestic_dog, inflected
                "27-36:house-cat>02121808-n",      // house_cat: '-' and '_' both separate words
                "46-49:cat>02121620-n",            // cat (18 sense tags, first lemma) over big cat (0, second lemma)
                "56-64:big cats>02127808-n");      // the longest name wins over "cat"
        Map<String, Object> cat = rows.get(2);
        // the primary name weighs 10 times: 10 · (18 + 1) against 1 · (0 + 1)
        assertThat((Double) cat.get("score")).isEqualTo(190.0 / 191, within(1e-6));
        @SuppressWarnings("unchecked") List<Map<String, Object>> runnersUp = (List<Map<String, Object>>) cat.get("candidates");
        long bigCat = bolt.count("MATCH (s:Synset {id: '02127808-n'}) RETURN id(s)");
        assertThat(runnersUp).singleElement().satisfies(c -> assertThat(c).containsEntry("nodeId", bigCat)
                .hasEntrySatisfying("prior", p -> assertThat((Double) p).isCloseTo(1.0 / 191, within(1e-6))));
        assertThat(spans(stream("Felis catus: the Lion and a \uD83D\uDC08 Ｃａｔ.")))
                .containsExactly("0-11:Felis catus>02121808-n", "17-21:Lion>02129165-n", "31-34:Ｃａｔ>02121620-n");
    }

    @Test
    @Order(3)
    void writesMentionsOnceHoweverOftenItRuns() {
        Map<String, Object> first = bolt.single(WRITE.formatted(""));
        assertThat(first).containsEntry("documents", 2L).containsEntry("documentsWithoutText", 1L)
                .containsEntry("relationshipsWritten", 6L).containsEntry("relationshipsDeleted", 0L);
        String mentions = "MATCH (d:Doc)-[m:MENTIONS]->(s:Synset) RETURN d.title AS doc, m.start AS start, m.end AS end, "
                + "m.mention AS mention, m.score AS score, s.id AS synset ORDER BY doc, start";
        List<Map<String, Object>> written = bolt.rows(mentions);
        assertThat(written).extracting(r -> r.get("doc") + ":" + r.get("start") + "-" + r.get("end") + ":"
                + r.get("mention") + ">" + r.get("synset")).containsExactly(
                "cats:0-11:Felis catus>02121808-n", "cats:17-21:Lion>02129165-n",
                "pets:4-17:Domestic Dogs>02084071-n", "pets:27-36:house-cat>02121808-n", "pets:46-49:cat>02121620-n",
                "pets:56-64:big cats>02127808-n");

        Map<String, Object> second = bolt.single(WRITE.formatted(""));
        assertThat(second).containsEntry("relationshipsWritten", 6L).containsEntry("relationshipsDeleted", 6L);
        assertThat(bolt.rows(mentions)).isEqualTo(written);

        bolt.single("CREATE (:Doc {title: 'new', text: 'A fox.'}) RETURN 1");
        Map<String, Object> onlyNew = bolt.single(WRITE.formatted(", onlyNew: true"));
        assertThat(onlyNew).containsEntry("documents", 1L).containsEntry("documentsSkipped", 2L)
                .containsEntry("relationshipsWritten", 1L).containsEntry("relationshipsDeleted", 0L);
        assertThat(bolt.count("MATCH (:Doc)-[r:MENTIONS]->() RETURN count(r)")).isEqualTo(7);
    }

    @Test
    @Order(4)
    void aNewNodeIsFoundWithoutAskingForARefresh() {
        assertThat(stream("the wumpus of the hills")).isEmpty();
        long wumpus = bolt.count("CREATE (w:Synset {id: 'wumpus-n', lemmas: ['wumpus', 'hill_wumpus'], frequency: 1}) "
                + "RETURN id(w)");
        assertThat(spans(stream("the wumpus of the hills, a hill wumpus"))).containsExactly(
                "4-10:wumpus>wumpus-n", "27-38:hill wumpus>wumpus-n");
        Map<String, Object> refreshed = bolt.single("CALL ernie.align.dictionary.refresh(" + SYNSETS + ")");
        assertThat(refreshed).containsEntry("entityCount", 1_183L).containsEntry("embeddedEntityCount", 0L)
                .containsEntry("embeddingDimensions", 0L);
        assertThat((Long) refreshed.get("nameCount")).isGreaterThan(2_000L);
        bolt.single("MATCH (w) WHERE id(w) = $id DETACH DELETE w RETURN 1", Map.of("id", wumpus));
        assertThat(stream("the wumpus")).isEmpty();
    }

    @Test
    @Order(5)
    void transeEmbeddingsAddContext() {
        bolt.single("CALL ernie.transe.train({modelName: 'mammal', relationshipTypes: ['HYPERNYM', 'HYPONYM'], "
                + "writeProperty: 'transe', dimensions: 20, epochs: 50, concurrency: 1, randomSeed: 7})");
        String dictionary = "entityLabels: 'Synset', nameProperties: 'lemmas', priorProperty: 'frequency', "
                + "embeddingProperty: 'transe'";
        String config = "{" + dictionary + ", contextWeight: 0.5}";
        Map<String, Object> refreshed = bolt.single("CALL ernie.align.dictionary.refresh({" + dictionary + "})");
        assertThat(refreshed).containsEntry("embeddingDimensions", 20L)
                .containsEntry("embeddedEntityCount", bolt.count("MATCH (s:Synset) WHERE s.transe IS NOT NULL RETURN count(s)"));
        List<Map<String, Object>> rows = bolt.rows("CALL ernie.align.stream($text, " + config + ")",
                Map.of("text", SENTENCE));
        assertThat(rows).hasSize(4);
        for (Map<String, Object> row : rows) {
            assertThat((Double) row.get("score")).isBetween(0.0, 1.0);
        }
        @SuppressWarnings("unchecked") List<Map<String, Object>> runnersUp = (List<Map<String, Object>>) rows.get(2).get("candidates");
        assertThat(runnersUp).singleElement().satisfies(c -> assertThat(c).containsKeys("nodeId", "score", "prior", "coherence"));
    }

    /** Rows of ernie.align.stream over the :Entity graph as {@code start-end:mention>name}. */
    private static List<String> entitySpans(String text, String extraConfig) {
        return bolt.rows("CALL ernie.align.stream($text, {" + ENTITY_CONFIG + extraConfig + "}) "
                + "YIELD mention, start, end, nodeId MATCH (e) WHERE id(e) = nodeId "
                + "RETURN start + '-' + end + ':' + mention + '>' + e.name AS span", Map.of("text", text))
                .stream().map(r -> (String) r.get("span")).toList();
    }

    @Test
    @Order(6)
    void aGraphThatIsNotWordNetIsLinkedByItsOwnNames() {
        // names with a comma, a colon or brackets, matched where the text has the punctuation too
        assertThat(entitySpans(SPACE, "")).containsExactly("0-9:Apollo 11>Apollo 11", "15-22:Florida>Florida",
                "28-36:Saturn V>Saturn V", "38-42:NASA>NASA", "65-80:Washington, D.C>Washington, D.C.",
                "90-92:US>United States");
        // "Mercury" alone: an alias of both (the name without its qualifier), the planet's higher degree decides
        assertThat(entitySpans(PLANETS, "")).containsExactly("0-16:Mercury (planet)>Mercury (planet)",
                "35-38:Sun>Sun", "40-47:Mercury>Mercury (planet)", "56-73:Mercury (element)>Mercury (element)",
                "91-102:quicksilver>Mercury (element)");
        // noun plurals only; the acronym GAS only in capitals, US too (a stop word in lower case); the animal's
        // primary name "Jaguar" over the car maker's alias, although the car maker has the higher degree
        assertThat(entitySpans(CARGO, "")).containsExactly("32-42:transports>transport", "46-49:gas>gas",
                "56-59:GAS>GAS", "76-82:Jaguar>Jaguar", "87-104:Jaguar Land Rover>Jaguar Cars");
        // the longest name crosses the colon; "Star Wars," stops at its comma
        assertThat(entitySpans(FILMS, "")).containsExactly("11-32:Star Wars: A New Hope>Star Wars: A New Hope",
                "39-48:Star Wars>Star Wars", "63-73:Washington>Washington",
                "79-96:George Washington>George Washington");
    }

    @Test
    @Order(7)
    void theMatcherSettingsCanBeTurnedOff() {
        // acronymCase off: "gas" and "GAS" are one name, and the acronym's higher degree takes both
        assertThat(entitySpans(CARGO, ", acronymCase: false")).contains("46-49:gas>GAS", "56-59:GAS>GAS");
        // every part of speech's inflection (WordNet's morphy unchecked): the -er and -ed forms reach "transport"
        assertThat(entitySpans(CARGO, ", inflection: 'all'")).startsWith("4-15:transporter>transport",
                "16-27:transported>transport", "32-42:transports>transport");
        assertThat(entitySpans(CARGO, ", inflection: 'none'")).doesNotContain("32-42:transports>transport")
                .contains("46-49:gas>gas");
        // no weight for primary names: the degree alone, and the car maker takes "Jaguar"
        assertThat(entitySpans(CARGO, ", primaryNameWeight: 1")).contains("76-82:Jaguar>Jaguar Cars");
        // the settings are checked and named
        assertThatThrownBy(() -> entitySpans(CARGO, ", inflection: 'verbs'"))
                .hasMessageContaining("Value for `inflection` was `verbs`, but must be one of [none, plural, all].");
        assertThatThrownBy(() -> entitySpans(CARGO, ", primaryNameWeight: 0.5"))
                .hasMessageContaining("Value for `primaryNameWeight` was `0.5`, but must be within the range");
        assertThatThrownBy(() -> entitySpans(CARGO, ", acronymCase: 'yes'"))
                .hasMessageContaining("The value of `acronymCase` must be of type `Boolean`");
    }

    @Test
    @Order(8)
    void writesTheMentionsOfTheOtherGraph() {
        bolt.single("UNWIND $texts AS text CREATE (:Article {text: text}) RETURN count(*)",
                Map.of("texts", List.of(SPACE, PLANETS, CARGO, FILMS)));
        Map<String, Object> written = bolt.single("CALL ernie.align.write({documentLabel: 'Article', "
                + "textProperty: 'text', " + ENTITY_CONFIG + "})");
        assertThat(written).containsEntry("documents", 4L).containsEntry("relationshipsWritten", 20L);
        List<String> mentions = bolt.rows("MATCH (a:Article)-[m:MENTIONS]->(e:Entity) WHERE a.text = $text "
                + "RETURN m.start + '-' + m.end + ':' + m.mention + '>' + e.name AS span ORDER BY m.start",
                Map.of("text", CARGO)).stream().map(r -> (String) r.get("span")).toList();
        assertThat(mentions).containsExactly("32-42:transports>transport", "46-49:gas>gas", "56-59:GAS>GAS",
                "76-82:Jaguar>Jaguar", "87-104:Jaguar Land Rover>Jaguar Cars");
        assertThat(bolt.count("MATCH (:Article)-[m:MENTIONS]->(:Entity {name: 'Washington, D.C.'}) "
                + "WHERE m.mention = 'Washington, D.C' RETURN count(m)")).isEqualTo(1);
    }
}
