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
