package io.ernieneo4j.trainer.align;

import io.ernieneo4j.trainer.align.AlignParameters.Inflection;
import io.ernieneo4j.trainer.align.LinkedMention.Candidate;
import io.ernieneo4j.trainer.wordnet.Morphology;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AlignerTest {

    private static final long DOG = 1;
    private static final long FRUMP = 2;
    private static final long HOT_DOG = 3;
    private static final long STREET = 4;
    private static final long INCH = 5;
    private static final long HOUSE = 6;
    private static final long BORING = 7;
    private static final long BORE = 8;
    private static final long GOOSE = 9;

    private static AlignmentDictionary animals() {
        var b = AlignmentDictionary.builder(Morphology.load());
        int dog = b.entity(DOG, 42);
        b.name(dog, "dog");
        b.name(dog, "Canis_familiaris");
        int frump = b.entity(FRUMP, 0);
        b.name(frump, "dog");
        b.name(frump, "frump");
        b.name(b.entity(HOT_DOG, 3), "hot_dog");
        b.name(b.entity(STREET, 1), "Straße");
        b.name(b.entity(INCH, 10), "in");
        b.name(b.entity(HOUSE, 10), "house");
        b.name(b.entity(BORING, 10), "boring");
        b.name(b.entity(BORE, 10), "bore");
        b.name(b.entity(GOOSE, 10), "goose");
        return b.build();
    }

    private static List<String> spans(List<LinkedMention> mentions) {
        return mentions.stream().map(m -> m.start() + "-" + m.end() + ":" + m.mention() + ">" + m.best().entityId())
                .toList();
    }

    @Test
    void findsLongestNamesOnTokenBoundariesWithOffsetsIntoTheOriginalText() {
        Aligner aligner = new Aligner(animals(), AlignParameters.DEFAULTS);
        String text = "Two dogs, a Hot-Dog stand and Canis  familiaris; no dogma.";
        assertThat(spans(aligner.align(text)))
                .containsExactly("4-8:dogs>1", "12-19:Hot-Dog>3", "30-47:Canis  familiaris>1");
    }

    @Test
    void offsetsAreUtf16AndNormalisationIsNfkcWithCaseFolding() {
        Aligner aligner = new Aligner(animals(), AlignParameters.DEFAULTS);
        // an emoji (two UTF-16 units), full-width letters and a sharp s that folds to "ss"
        String text = "🐕 Ｄｏｇｓ on the STRASSE, geese";
        List<LinkedMention> mentions = aligner.align(text);
        assertThat(spans(mentions)).containsExactly("3-7:Ｄｏｇｓ>1", "15-22:STRASSE>4", "24-29:geese>9");
        assertThat(text.substring(mentions.get(0).start(), mentions.get(0).end())).isEqualTo("Ｄｏｇｓ");
    }

    @Test
    void noNameIsMatchedAcrossClausePunctuation() {
        Aligner aligner = new Aligner(animals(), AlignParameters.DEFAULTS);
        assertThat(spans(aligner.align("It was hot, dog"))).containsExactly("12-15:dog>1");
    }

    private static AlignmentDictionary titles() {
        var b = AlignmentDictionary.builder(Morphology.load());
        b.name(b.entity(20, 0), "Washington, D.C.");
        b.name(b.entity(21, 0), "Star Wars: A New Hope");
        b.name(b.entity(22, 0), "Mercury (planet)");
        b.name(b.entity(23, 0), "dog cat");
        b.name(b.entity(24, 0), "(Don't Fear) The Reaper");
        return b.build();
    }

    private static String span(String text, String mention, long entity) {
        int start = text.indexOf(mention);
        return start + "-" + (start + mention.length()) + ":" + mention + ">" + entity;
    }

    @Test
    void namesWithClausePunctuationMatchWhereTheTextHasPunctuationToo() {
        Aligner aligner = new Aligner(titles(), AlignParameters.DEFAULTS);
        String text = "In Washington, D.C. we saw Star Wars: A New Hope, then (Don't Fear) The Reaper.";
        assertThat(spans(aligner.align(text))).containsExactly(span(text, "Washington, D.C", 20),
                span(text, "Star Wars: A New Hope", 21), span(text, "(Don't Fear) The Reaper", 24));
        // the brackets of a name are balanced in the mention
        String planet = "Mercury (planet) is small.";
        assertThat(spans(aligner.align(planet))).containsExactly(span(planet, "Mercury (planet)", 22));
        // a name without punctuation is still not matched across it, nor one with punctuation where the text has none
        assertThat(spans(aligner.align("a dog, cat and Washington D.C."))).isEmpty();
        assertThat(spans(aligner.align("a dog cat"))).containsExactly("2-9:dog cat>23");
    }

    @Test
    void aNameWithAParenthesisedQualifierIsAlsoFoundWithoutIt() {
        Aligner aligner = new Aligner(titles(), AlignParameters.DEFAULTS);
        assertThat(spans(aligner.align("Mercury is the smallest planet."))).containsExactly("0-7:Mercury>22");
        assertThat(AlignmentDictionary.Builder.withoutQualifier("Alien (1979 film) ")).isEqualTo("Alien");
        assertThat(AlignmentDictionary.Builder.withoutQualifier("Foo (bar) (baz)")).isEqualTo("Foo (bar)");
        assertThat(AlignmentDictionary.Builder.withoutQualifier("f(x)")).isNull();
        assertThat(AlignmentDictionary.Builder.withoutQualifier("(untitled)")).isNull();
        assertThat(AlignmentDictionary.Builder.withoutQualifier("Washington, D.C.")).isNull();
    }

    @Test
    void shortNamesInCapitalsMatchOnlyTextInCapitals() {
        var b = AlignmentDictionary.builder(Morphology.load());
        b.name(b.entity(30, 0), "GAS");        // an acronym
        b.name(b.entity(31, 0), "disc");
        b.name(b.entity(32, 0), "DISC");
        b.name(b.entity(33, 0), "NASA");
        b.name(b.entity(34, 0), "UNESCO");     // longer than 5 characters: any case
        Aligner aligner = new Aligner(b.build(), AlignParameters.DEFAULTS);
        assertThat(spans(aligner.align("gas, Gas and GAS"))).containsExactly("13-16:GAS>30");
        assertThat(spans(aligner.align("a disc; a DISC; two DISCs"))).containsExactly("2-6:disc>31", "10-14:DISC>32",
                "20-25:DISCs>32");
        assertThat(spans(aligner.align("NASA's nasa unesco"))).containsExactly("0-6:NASA's>33", "12-18:unesco>34");
        // ordinary names still fold case
        assertThat(spans(new Aligner(animals(), AlignParameters.DEFAULTS).align("DOG"))).containsExactly("0-3:DOG>1");
        // a stop word in small letters is no acronym, the acronym in capitals is no stop word
        var us = AlignmentDictionary.builder(Morphology.load());
        us.name(us.entity(35, 0), "US");
        assertThat(spans(new Aligner(us.build(), AlignParameters.DEFAULTS).align("let us see the US; Us")))
                .containsExactly("15-17:US>35");
        // acronymCase off: an acronym is matched in any case, as every other name
        var anyCase = AlignmentDictionary.builder(Morphology.load()).acronymCase(false);
        anyCase.name(anyCase.entity(30, 0), "GAS");
        assertThat(spans(new Aligner(anyCase.build(), AlignParameters.DEFAULTS).align("gas, Gas and GAS")))
                .containsExactly("0-3:gas>30", "5-8:Gas>30", "13-16:GAS>30");
        assertThat(AlignmentDictionary.Builder.isAcronym(" MP3 ")).isTrue();
        assertThat(AlignmentDictionary.Builder.isAcronym("Gas")).isFalse();
        assertThat(AlignmentDictionary.Builder.isAcronym("U.S.")).isFalse();
        assertThat(AlignmentDictionary.Builder.isAcronym("1984")).isFalse();
    }

    @Test
    void byDefaultOnlyNounPluralsAreInflections() {
        var b = AlignmentDictionary.builder(Morphology.load());
        b.name(b.entity(40, 0), "transport");
        b.name(b.entity(41, 0), "goose");
        b.name(b.entity(42, 0), "box");
        AlignmentDictionary dictionary = b.build();
        Aligner aligner = new Aligner(dictionary, AlignParameters.DEFAULTS);
        String text = "transporter, transported, transporting; transports, geese, boxes";
        assertThat(spans(aligner.align(text))).containsExactly("40-50:transports>40", "52-57:geese>41",
                "59-64:boxes>42");
        // every part of speech's rules, as WordNet's verbs and adjectives need them; or none at all
        assertThat(spans(new Aligner(dictionary, AlignParameters.DEFAULTS.withInflection(Inflection.ALL)).align(text)))
                .containsExactly("0-11:transporter>40", "13-24:transported>40", "26-38:transporting>40",
                        "40-50:transports>40", "52-57:geese>41", "59-64:boxes>42");
        assertThat(spans(new Aligner(dictionary, AlignParameters.DEFAULTS.withInflection(Inflection.NONE))
                .align(text + ", transport's"))).containsExactly("66-77:transport's>40");
    }

    @Test
    void stopWordsAndShortMentionsAreDroppedOnRequest() {
        String text = "A dog in the house";
        assertThat(spans(new Aligner(animals(), AlignParameters.DEFAULTS).align(text)))
                .containsExactly("2-5:dog>1", "13-18:house>6");
        AlignParameters noFilter = new AlignParameters(1, false, 0, 0.5, 5, Inflection.PLURAL);
        assertThat(spans(new Aligner(animals(), noFilter).align(text)))
                .containsExactly("2-5:dog>1", "6-8:in>5", "13-18:house>6");
        AlignParameters longOnly = new AlignParameters(6, false, 0, 0.5, 5, Inflection.PLURAL);
        assertThat(spans(new Aligner(animals(), longOnly).align(text))).isEmpty();
    }

    @Test
    void anExactNameBeatsAnInflectedReadingOfTheSameWord() {
        // morphy's verb rules read "boring" as "bore"; the adjective "boring" is spelt exactly
        AlignParameters allForms = AlignParameters.DEFAULTS.withInflection(Inflection.ALL);
        assertThat(spans(new Aligner(animals(), allForms).align("boring bored")))
                .containsExactly("0-6:boring>7", "7-12:bored>8");
    }

    @Test
    void thePriorIsTheAddOneSmoothedShareOfTheName() {
        LinkedMention dog = new Aligner(animals(), AlignParameters.DEFAULTS).align("dog").get(0);
        assertThat(dog.candidates()).extracting(Candidate::entityId).containsExactly(DOG, FRUMP);
        assertThat(dog.candidates().get(0).prior()).isCloseTo(43.0 / 44, within(1e-6));
        assertThat(dog.candidates().get(1).score()).isCloseTo(1.0 / 44, within(1e-6));
        assertThat(dog.best().coherence()).isNaN();
        AlignParameters oneCandidate = new AlignParameters(2, true, 0, 0.5, 1, Inflection.PLURAL);
        assertThat(new Aligner(animals(), oneCandidate).align("dog").get(0).candidates()).hasSize(1);
        AlignParameters strict = new AlignParameters(2, true, 0.98, 0.5, 5, Inflection.PLURAL);
        assertThat(spans(new Aligner(animals(), strict).align("dog and frump"))).containsExactly("8-13:frump>2");
    }

    private static AlignmentDictionary jaguars(AlignmentDictionary.Builder b) {
        int animal = b.entity(50, 1);
        b.name(animal, "Jaguar", true);
        b.name(animal, "Panthera onca");
        int cars = b.entity(51, 2);
        b.name(cars, "Jaguar Cars", true);
        b.name(cars, "Jaguar");
        int god = b.entity(52, 0);
        b.name(god, "Mercury", true);
        int planet = b.entity(53, 1);
        b.name(planet, "Mercury (planet)", true);
        b.name(planet, "mercury", true); // also its primary name, once it is normalised
        return b.build();
    }

    @Test
    void aPrimaryNameWeighsMoreThanASynonym() {
        var b = AlignmentDictionary.builder(Morphology.load());
        assertThat(AlignmentDictionary.DEFAULT_PRIMARY_NAME_WEIGHT).isEqualTo(10);
        Aligner aligner = new Aligner(jaguars(b), AlignParameters.DEFAULTS);
        // the animal's primary name, the car maker's alias: 10 · (1 + 1) against 1 · (2 + 1)
        LinkedMention jaguar = aligner.align("a jaguar").get(0);
        assertThat(jaguar.candidates()).extracting(Candidate::entityId).containsExactly(50L, 51L);
        assertThat(jaguar.candidates().get(0).prior()).isCloseTo(20.0 / 23, within(1e-6));
        assertThat(jaguar.candidates().get(1).prior()).isCloseTo(3.0 / 23, within(1e-6));
        // a name both primary and a synonym of one entity is primary: 10 · (1 + 1) against 10 · (0 + 1)
        LinkedMention mercury = aligner.align("Mercury").get(0);
        assertThat(mercury.candidates()).extracting(Candidate::entityId).containsExactly(53L, 52L);
        assertThat(mercury.best().prior()).isCloseTo(20.0 / 30, within(1e-6));

        // weight 1: the raw priors alone, as an unweighted name
        Aligner unweighted = new Aligner(jaguars(AlignmentDictionary.builder(Morphology.load()).primaryNameWeight(1)),
                AlignParameters.DEFAULTS);
        LinkedMention byDegree = unweighted.align("a jaguar").get(0);
        assertThat(byDegree.candidates()).extracting(Candidate::entityId).containsExactly(51L, 50L);
        assertThat(byDegree.best().prior()).isCloseTo(3.0 / 5, within(1e-6));
        assertThatThrownBy(() -> AlignmentDictionary.builder(Morphology.load()).primaryNameWeight(0.5))
                .hasMessage("Value for `primaryNameWeight` was `0.5`, but must be within the range [1, 1000000.0].");
    }

    @Test
    void contextPicksTheCandidateCloseToTheOtherMentions() {
        var b = AlignmentDictionary.builder(Morphology.load());
        int riverBank = b.entity(10, 5);
        b.name(riverBank, "bank");
        b.embedding(riverBank, new float[] {2, 0});
        int financialBank = b.entity(11, 10);
        b.name(financialBank, "bank");
        b.embedding(financialBank, new float[] {0, 3});
        int river = b.entity(12, 1);
        b.name(river, "river");
        b.embedding(river, new float[] {1, 0});
        AlignmentDictionary dictionary = b.build();
        assertThat(dictionary.embeddedEntityCount()).isEqualTo(3);
        Aligner aligner = new Aligner(dictionary, AlignParameters.DEFAULTS);

        assertThat(aligner.align("the bank").get(0).best().entityId()).isEqualTo(11);
        LinkedMention bank = aligner.align("the bank of the river").get(0);
        // context = river's unit vector: cos 1 for the river bank, 0 for the financial one
        assertThat(bank.candidates()).extracting(Candidate::entityId).containsExactly(10L, 11L);
        assertThat(bank.candidates().get(0).score()).isCloseTo(0.5 * 6 / 17 + 0.5 * 1.0, within(1e-6));
        assertThat(bank.candidates().get(1).score()).isCloseTo(0.5 * 11 / 17 + 0.5 * 0.5, within(1e-6));
        assertThat(bank.candidates().get(1).coherence()).isCloseTo(0.5, within(1e-6));
        Aligner priorOnly = new Aligner(dictionary, AlignParameters.DEFAULTS.withContextWeight(0));
        assertThat(priorOnly.align("the bank of the river").get(0).best().entityId()).isEqualTo(11);
    }

    @Test
    void theContextWindowSlidesOverLongTexts() {
        var b = AlignmentDictionary.builder(Morphology.load());
        int riverBank = b.entity(10, 5);
        b.name(riverBank, "bank");
        b.embedding(riverBank, new float[] {1, 0});
        int financialBank = b.entity(11, 10);
        b.name(financialBank, "bank");
        b.embedding(financialBank, new float[] {0, 1});
        int river = b.entity(12, 1);
        b.name(river, "river");
        b.embedding(river, new float[] {1, 0});
        int money = b.entity(13, 1);
        b.name(money, "money");
        b.embedding(money, new float[] {0, 1});
        Aligner aligner = new Aligner(b.build(), AlignParameters.DEFAULTS.withContextWeight(0.9));
        // the first bank sees only rivers within its window, the last one only money
        String text = "bank " + "river ".repeat(Aligner.CONTEXT_WINDOW) + "money ".repeat(2 * Aligner.CONTEXT_WINDOW)
                + "bank";
        List<LinkedMention> mentions = aligner.align(text);
        assertThat(mentions).hasSize(3 * Aligner.CONTEXT_WINDOW + 2);
        assertThat(mentions.get(0).best().entityId()).isEqualTo(10);
        assertThat(mentions.get(mentions.size() - 1).best().entityId()).isEqualTo(11);
    }

    @Test
    void theDictionaryCountsNamesOncePerEntity() {
        AlignmentDictionary dictionary = animals();
        // "dog" and "Canis familiaris" for dog; "dog" and "frump" for frump; one each for the other seven
        assertThat(dictionary.entityCount()).isEqualTo(9);
        assertThat(dictionary.nameCount()).isEqualTo(11);
        // dog, canis, familiaris, frump, hot, strasse, in, house, boring, bore, goose
        assertThat(dictionary.tokenCount()).isEqualTo(11);
        assertThat(dictionary.memoryBytes()).isPositive();
        var b = AlignmentDictionary.builder(Morphology.load());
        int dog = b.entity(1, 0);
        assertThat(b.name(dog, "Dog")).isTrue();
        assertThat(b.name(dog, "dog")).isTrue();
        assertThat(b.name(dog, "--")).isFalse();
        assertThat(b.build().nameCount()).isEqualTo(1);
    }

    @Test
    void embeddingsMustAgreeInLength() {
        var b = AlignmentDictionary.builder(Morphology.load());
        b.embedding(b.entity(1, 0), new float[] {1, 2});
        int other = b.entity(2, 0);
        assertThatThrownBy(() -> b.embedding(other, new float[] {1, 2, 3}))
                .hasMessage("Entity 2 has an embedding of 3 dimensions where the others have 2.");
    }

    @Test
    void parametersOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new AlignParameters(0, true, 0, 0.5, 5, Inflection.PLURAL))
                .hasMessage("Value for `minLength` was `0`, but must be within the range [1, ...].");
        assertThatThrownBy(() -> new AlignParameters(2, true, 1.5, 0.5, 5, Inflection.PLURAL))
                .hasMessage("Value for `minScore` was `1.5`, but must be within the range [0, 1].");
    }
}
