// The demo pipeline: ./ernie.sh demo runs these statements in order through Bolt, then leaves Neo4j running.
// Each later feature adds its steps here; every statement can be pasted into Neo4j Browser as it is, fine-tuning of
// ERNIE (16) included: it runs in the database.

// 1. The stack: plugin, Neo4j, GDS and DJL's PyTorch engine (started offline inside the database).
CALL ernie.version();

// 2. WordNet 3.0 as the knowledge graph (117,659 synsets); loading twice creates nothing new.
CALL ernie.dataset.wordnet.load({})
YIELD nodeCount, relationshipCount, nodesCreated, relationshipsCreated, writeMillis;

// 3. A look at it: the lexicographer files ("supersenses") the typing task predicts.
MATCH (s:Synset) RETURN s.lexname AS lexname, count(*) AS synsets ORDER BY synsets DESC LIMIT 10;

// 4. Dog and its neighbourhood.
MATCH (dog:Synset {id: '02084071-n'})-[r]->(other)
RETURN type(r) AS relation, other.lemmas AS lemmas, other.definition AS definition LIMIT 10;

// 5. The WN18RR-like link-prediction split (seeded), marked on the relationships: split = train / dev / test.
CALL ernie.dataset.wordnet.split({variant: 'WN18RR', seed: 42})
YIELD trainMarked, devMarked, testMarked;

// 6. TransE over the training relationships, in the database; every synset's embedding lands in `transe`.
//    Once: a later run keeps the stored model, whose vectors the fine-tuned ERNIE models (16) were trained with
//    (CALL ernie.transe.model.drop('wordnet') to train it again). The settings are those the demo's ERNIE runs were
//    measured with (vectors of norm ≈ 1); the defaults learn better links (docs/transe.md) but take 1000 epochs.
CALL ernie.transe.model.list() YIELD modelName
WITH collect(modelName) AS models WHERE NOT 'wordnet' IN models
CALL ernie.transe.train({modelName: 'wordnet', splitProperty: 'split', writeProperty: 'transe',
                         epochs: 300, learningRate: 0.01, margin: 4.0, negativeSampling: 'bern',
                         initialisation: 'uniform_unit', norm: 'L1', randomSeed: 42})
YIELD nodeCount, relationshipCount, finalLoss, preProcessingMillis, computeMillis, triplesPerSecond, writeMillis
RETURN nodeCount, relationshipCount, finalLoss, preProcessingMillis, computeMillis, triplesPerSecond, writeMillis;

// 7. Link prediction on the held-out test relationships (filtered, head and tail, among all entities).
CALL ernie.transe.evaluate({modelName: 'wordnet'})
YIELD testTriples, filtered
RETURN testTriples, filtered.mrr AS mrr, filtered.hitsAt1 AS hitsAt1, filtered.hitsAt10 AS hitsAt10;

// 8. KG completion: the most plausible missing hypernyms of dog (existing links left out).
MATCH (dog:Synset {id: '02084071-n'})
CALL ernie.transe.predict.stream({modelName: 'wordnet', relationshipType: 'HYPERNYM', heads: [dog], topK: 5})
YIELD tailNodeId, score, rank
WITH gds.util.asNode(tailNodeId) AS candidate, score, rank
RETURN rank, candidate.lemmas AS lemmas, candidate.definition AS definition, round(score, 3) AS score;

// 9. Text that mentions the graph's entities.
UNWIND ['The domestic dog barked at the cat while the horse slept in the barn.',
        'Wolves and jackals are wild dogs; the red fox is a canine too.',
        'A poodle is an intelligent dog with a curly coat.',
        'The oak is a tree whose acorns feed the squirrels in winter.',
        'A violin is smaller than a cello, and both are played with a bow.',
        'The teacher taught the children to sing a song about the sea.',
        'Paris is the capital of France and the Seine flows through the city.'] AS text
MERGE (d:Document {text: text})
RETURN count(d) AS documents;

// 10. Entity linking in the database: MENTIONS relationships with spans and scores, from the synsets' own lemmas,
//     disambiguated by WordNet's sense frequency and by TransE coherence with the other mentions. WordNet names
//     verbs and adjectives too, so every part of speech's inflections count ('barked' is 'bark'). Idempotent.
CALL ernie.align.write({documentLabel: 'Document', textProperty: 'text', entityLabels: 'Synset',
                        nameProperties: 'lemmas', priorProperty: 'frequency', embeddingProperty: 'transe',
                        inflection: 'all'})
YIELD documents, relationshipsWritten, computeMillis, writeMillis;

// 11. What the text says, as the graph sees it.
MATCH (d:Document)-[m:MENTIONS]->(s:Synset)
RETURN m.mention AS mention, m.start AS start, m.end AS end, s.lexname AS supersense, s.definition AS definition,
       round(m.score, 3) AS score
ORDER BY d.text, start LIMIT 15;

// 12. Training text for ERNIE, created once: WordNet's example sentences (≈48,000) and its definitions as
//     `lemma : definition` (117,659), as (:Text) documents.
CREATE CONSTRAINT ernie_text_id IF NOT EXISTS FOR (t:Text) REQUIRE t.id IS UNIQUE;

MATCH (s:Synset) WHERE size(s.examples) > 0
UNWIND range(0, size(s.examples) - 1) AS i
MERGE (t:Text {id: s.id + '#' + i}) ON CREATE SET t.text = s.examples[i], t.kind = 'example'
RETURN count(t) AS examples;

MATCH (s:Synset)
MERGE (t:Text {id: s.id + '#definition'})
ON CREATE SET t.text = replace(s.lemmas[0], '_', ' ') + ' : ' + s.definition, t.kind = 'definition'
RETURN count(t) AS definitions;

// 13. Linked as the documents are (onlyNew: texts linked by an earlier run keep their mentions).
CALL ernie.align.write({documentLabel: 'Text', textProperty: 'text', entityLabels: 'Synset',
                        nameProperties: 'lemmas', priorProperty: 'frequency', embeddingProperty: 'transe',
                        inflection: 'all', onlyNew: true})
YIELD documents, relationshipsWritten, computeMillis, writeMillis;

// 14. WordNet says which sense each example sentence illustrates, so the example's mention of its own synset's lemma
//     is re-linked to that synset with score 1.0 (a gold link), whichever sense the linker chose. The typing
//     examples of step 15 are these gold links only (typingMinLinkScore: 1.0): a typing label is the linked synset's
//     lexname, so a wrong link is a wrong label. The linker's other links stay the examples' entity inputs. Idempotent.
MATCH (t:Text {kind: 'example'})-[m:MENTIONS]->(linked:Synset)
MATCH (own:Synset {id: split(t.id, '#')[0]})
WHERE any(lemma IN linked.lemmas WHERE lemma IN own.lemmas) AND NOT (linked = own AND m.score = 1.0)
CREATE (t)-[gold:MENTIONS]->(own)
SET gold = properties(m), gold.score = 1.0
DELETE m
RETURN count(gold) AS goldLinks, sum(CASE WHEN linked = own THEN 0 ELSE 1 END) AS relinked;

//     How often the linker of step 13 picks the sense WordNet gives, measured in the database against these gold
//     links (ernie.align.evaluate aligns the examples again, writes nothing): recall, accuracy, calibration of its
//     scores and its most frequent confusions.
MATCH (t:Text {kind: 'example'})-[m:MENTIONS {score: 1.0}]->(own:Synset)
WHERE own.id = split(t.id, '#')[0]
WITH collect({document: t, start: m.start, end: m.end, node: own}) AS gold
CALL ernie.align.evaluate({documentLabel: 'Text', textProperty: 'text', entityLabels: 'Synset',
                           nameProperties: 'lemmas', priorProperty: 'frequency', embeddingProperty: 'transe',
                           inflection: 'all', gold: gold})
YIELD goldMentions, mentionRecall, linkingAccuracy, calibrationError, confusions
RETURN goldMentions, round(mentionRecall, 3) AS mentionRecall, round(linkingAccuracy, 3) AS linkingAccuracy,
       round(calibrationError, 3) AS calibrationError, confusions[0..5] AS mostFrequentErrors;

//     A definition describes its own synset, so its headword (the mention at the start of `lemma : definition`) is
//     re-linked to that synset the same way. Most synsets are nouns while most example sentences illustrate verbs
//     and adjectives: with these gold links the typing examples cover nouns, and a relation example read from a
//     definition has the right head. Idempotent.
MATCH (t:Text {kind: 'definition'})-[m:MENTIONS {start: 0}]->(linked:Synset)
MATCH (own:Synset {id: split(t.id, '#')[0]})
WHERE any(lemma IN linked.lemmas WHERE lemma IN own.lemmas) AND NOT (linked = own AND m.score = 1.0)
CREATE (t)-[gold:MENTIONS]->(own)
SET gold = properties(m), gold.score = 1.0
DELETE m
RETURN count(gold) AS headwordGoldLinks, sum(CASE WHEN linked = own THEN 0 ELSE 1 END) AS relinked;

// 15. The trainer's files, written by the database into <data>/ernie/datasets/wordnet-demo (<data> is Neo4j's data
//     directory: demo-data/databases for ./ernie.sh demo). Typing: the gold links of step 14 (examples' senses and
//     definitions' headwords), typed with their synset's lexname. Relations: every pair of synsets of a text that a
//     relationship of the ten main WordNet types connects, labelled with its type, and half as many unconnected pairs
//     (no_relation). Entity vectors: TransE 'wordnet'.
//     Pairs that a dev or test edge of step 5 joins label nothing (splitProperty), so the relation model never reads
//     the held-out facts and ernie.relation.evaluate can score it on them (docs/completion.md).
CALL ernie.dataset.export({directory: 'wordnet-demo', documentLabel: 'Text', modelName: 'wordnet',
                           typeProperty: 'lexname', typingMinLinkScore: 1.0, negativeRatio: 0.5,
                           splitProperty: 'split', overwrite: true,
                           relationshipTypes: ['HYPERNYM', 'HYPONYM', 'INSTANCE_HYPERNYM', 'INSTANCE_HYPONYM',
                                               'PART_MERONYM', 'PART_HOLONYM', 'MEMBER_MERONYM', 'MEMBER_HOLONYM',
                                               'DERIVATIONALLY_RELATED_FORM', 'ANTONYM']})
YIELD files, documents, typeLabels, relationLabels, entityCount, mentionsWithoutVector, preProcessingMillis,
      writeMillis;

// 16. Fine-tune ERNIE in the database, from the MiniLM the plugins folder holds (no `init` given), on the same
//     examples step 15 exported: ≈4 min for typing (9,000 examples, 2 epochs) and ≈3 min for relations (6,000
//     examples, 2 epochs) on 2 cores. CALL ernie.progress() in another Browser tab shows epoch, step, loss and time
//     left; terminating the call keeps a checkpoint that `resume: true` goes on from. Once: a later run finds the
//     stored models (ernie.model.list lists them, loaded or not) and keeps them. Typing feeds TransE's unit-norm
//     vectors at unit scale per component (`entityScale: 10`), which typing needs (docs/trainer.md).
CALL ernie.model.list() YIELD modelName
WITH collect(modelName) AS models WHERE NOT 'wordnet-typing' IN models
CALL ernie.type.train('wordnet-typing', {documentLabel: 'Text', transeModel: 'wordnet', typeProperty: 'lexname',
                                         typingMinLinkScore: 1.0, negativeRatio: 0.5, splitProperty: 'split',
                                         trainLimit: 9000, devLimit: 1000, epochs: 2, learningRate: 1e-4,
                                         headLearningRate: 1e-3, batchSize: 32, maxLength: 64, entityScale: 10})
YIELD trainExamples, devExamples, bestEpoch, dev, trainMillis
RETURN trainExamples, devExamples, bestEpoch, round(dev.micro.f1, 3) AS devMicroF1, trainMillis;

CALL ernie.model.list() YIELD modelName
WITH collect(modelName) AS models WHERE NOT 'wordnet-relation' IN models
CALL ernie.relation.train('wordnet-relation', {documentLabel: 'Text', transeModel: 'wordnet', typeProperty: 'lexname',
                                               typingMinLinkScore: 1.0, negativeRatio: 0.5, splitProperty: 'split',
                                               relationshipTypes: ['HYPERNYM', 'HYPONYM', 'INSTANCE_HYPERNYM',
                                                   'INSTANCE_HYPONYM', 'PART_MERONYM', 'PART_HOLONYM',
                                                   'MEMBER_MERONYM', 'MEMBER_HOLONYM', 'DERIVATIONALLY_RELATED_FORM',
                                                   'ANTONYM'],
                                               trainLimit: 6000, devLimit: 500, epochs: 2, learningRate: 1e-4,
                                               headLearningRate: 1e-3, batchSize: 32, maxLength: 64})
YIELD trainExamples, devExamples, bestEpoch, dev, trainMillis
RETURN trainExamples, devExamples, bestEpoch, round(dev.macroF1, 3) AS devMacroF1, trainMillis;

// 17. The two models, loaded (again: training loaded them, a restart did not) with TransE 'wordnet''s vectors.
CALL ernie.model.load('wordnet-typing', {path: 'wordnet-typing', replace: true})
YIELD modelName, task, labels, parameters, device
RETURN modelName, task, size(labels) AS labels, parameters, device;

CALL ernie.model.load('wordnet-relation', {path: 'wordnet-relation', replace: true})
YIELD modelName, task, labels, parameters, device
RETURN modelName, task, size(labels) AS labels, parameters, device;

// 18. ERNIE types the synsets the documents mention (`ernieTypes`, `ernieTypesScores` on each synset) ...
CALL ernie.type.write({modelName: 'wordnet-typing', documentLabel: 'Document', threshold: 0.3})
YIELD predictions, nodesWritten, computeMillis, writeMillis;

// 19. ... and classifies the relation of every pair of synsets mentioned in one document, writing the relations it
//     finds as (head)-[:TYPE {predicted: true, score, evidence}]->(tail). Hypernymy and holonymy compose: a fact a
//     chain of WordNet's own edges states (poodle -> dog -> canine: "a poodle is a canine") is known, not written.
//     Both are idempotent.
CALL ernie.relation.write({modelName: 'wordnet-relation', documentLabel: 'Document', threshold: 0.5,
                           transitiveTypes: ['HYPERNYM', 'PART_HOLONYM', 'MEMBER_HOLONYM']})
YIELD predictions, relationshipsCreated, relationshipsUpdated, alreadyKnown, computeMillis, writeMillis;

// Three queries to look at the result (./ernie.sh demo prints them at the end):
// 20. The relations ERNIE predicted, with the sentence each was read from.
MATCH (h:Synset)-[r {predicted: true, model: 'wordnet-relation'}]->(t:Synset)
MATCH (d:Document) WHERE id(d) = r.evidence
RETURN h.lemmas[0] AS head, type(r) AS relation, t.lemmas[0] AS tail, round(r.score, 3) AS score, d.text AS evidence
ORDER BY score DESC LIMIT 10;

// 21. The types ERNIE gave the mentioned synsets, next to WordNet's own lexname.
MATCH (d:Document)-[m:MENTIONS]->(s:Synset) WHERE s.ernieTypes IS NOT NULL
RETURN m.mention AS mention, s.lexname AS wordnet, s.ernieTypes AS ernie,
       [x IN s.ernieTypesScores | round(x, 3)] AS scores, d.text AS document
ORDER BY document, m.start LIMIT 15;

// 22. Is each predicted relation right by WordNet? Right when WordNet links the two synsets by the predicted type:
//     directly or, for a transitive type (hypernymy, holonymy, meronymy), by a chain of that one type in the same
//     direction (up to 4 steps). Siblings under one hypernym are not right, nor is the inverse direction.
MATCH (h:Synset)-[r {predicted: true, model: 'wordnet-relation'}]->(t:Synset)
OPTIONAL MATCH p = shortestPath((h)-[*..4]->(t))
WHERE all(x IN relationships(p) WHERE type(x) = type(r) AND x.predicted IS NULL)
WITH h, r, t, length(p) AS steps,
     type(r) IN ['HYPERNYM', 'HYPONYM', 'INSTANCE_HYPERNYM', 'INSTANCE_HYPONYM', 'MEMBER_HOLONYM', 'MEMBER_MERONYM',
                 'PART_HOLONYM', 'PART_MERONYM', 'SUBSTANCE_HOLONYM', 'SUBSTANCE_MERONYM'] AS transitive
RETURN h.lemmas[0] AS head, type(r) AS predicted, t.lemmas[0] AS tail, round(r.score, 3) AS score,
       coalesce(steps = 1 OR (steps > 1 AND transitive), false) AS rightByWordNet, steps AS stepsOfThatType
ORDER BY score DESC LIMIT 10;
