// The demo pipeline: ./ernie.sh demo runs these statements in order through Bolt, then leaves Neo4j running.
// Each later feature adds its steps here; every statement can be pasted into Neo4j Browser as it is.

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
CALL ernie.transe.train({modelName: 'wordnet', splitProperty: 'split', writeProperty: 'transe',
                         epochs: 300, margin: 4.0, norm: 'L1', randomSeed: 42})
YIELD nodeCount, relationshipCount, finalLoss, preProcessingMillis, computeMillis, triplesPerSecond, writeMillis;

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
        'A poodle is an intelligent dog with a curly coat.'] AS text
MERGE (d:Document {text: text})
RETURN count(d) AS documents;

// 10. Entity linking in the database: MENTIONS relationships with spans and scores, from the synsets' own lemmas,
//     disambiguated by WordNet's sense frequency and by TransE coherence with the other mentions. Idempotent.
CALL ernie.align.write({documentLabel: 'Document', textProperty: 'text', entityLabels: 'Synset',
                        nameProperties: 'lemmas', priorProperty: 'frequency', embeddingProperty: 'transe'})
YIELD documents, relationshipsWritten, computeMillis, writeMillis;

// 11. What the text says, as the graph sees it.
MATCH (d:Document)-[m:MENTIONS]->(s:Synset)
RETURN m.mention AS mention, m.start AS start, m.end AS end, s.lexname AS supersense, s.definition AS definition,
       round(m.score, 3) AS score
ORDER BY d.text, start LIMIT 15;
