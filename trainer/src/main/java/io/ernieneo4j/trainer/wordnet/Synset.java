package io.ernieneo4j.trainer.wordnet;

import java.util.List;

/**
 * One WordNet synset.
 *
 * @param id         {@code offset-pos}, the id used by WN18/WN18RR and NLTK, satellites folded into {@code a}
 *                   (e.g. {@code 02084071-n} for dog)
 * @param pos        {@code n}, {@code v}, {@code a} or {@code r}
 * @param lexname    the lexicographer file ("supersense"), e.g. {@code noun.animal}
 * @param lemmas     the synset's words as WordNet writes them ({@code _} for a space), in sense order
 * @param definition the gloss without its examples
 * @param examples   the quoted example sentences of the gloss
 * @param frequency  how often the synset's senses were tagged in WordNet's semantic concordance (index.sense);
 *                   0 when never
 */
public record Synset(
        String id,
        String pos,
        String lexname,
        List<String> lemmas,
        String definition,
        List<String> examples,
        int frequency) {}
