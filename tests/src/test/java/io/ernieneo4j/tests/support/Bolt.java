package io.ernieneo4j.tests.support;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** The official driver over Bolt, with the few helpers the tests need. */
public final class Bolt implements AutoCloseable {

    private final Driver driver;

    public Bolt(URI boltUri) {
        this.driver = GraphDatabase.driver(boltUri, AuthTokens.none());
        driver.verifyConnectivity();
    }

    /** All rows of a query, as maps. */
    public List<Map<String, Object>> rows(String cypher, Map<String, Object> parameters) {
        try (Session session = driver.session()) {
            return session.run(cypher, parameters).list(Record::asMap);
        }
    }

    public List<Map<String, Object>> rows(String cypher) {
        return rows(cypher, Map.of());
    }

    /** The one row a query returns. */
    public Map<String, Object> single(String cypher, Map<String, Object> parameters) {
        try (Session session = driver.session()) {
            return session.run(cypher, parameters).single().asMap();
        }
    }

    public Map<String, Object> single(String cypher) {
        return single(cypher, Map.of());
    }

    public long count(String cypher) {
        return ((Number) single(cypher).values().iterator().next()).longValue();
    }

    @Override
    public void close() {
        driver.close();
    }
}
