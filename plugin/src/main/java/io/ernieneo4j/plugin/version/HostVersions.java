package io.ernieneo4j.plugin.version;

import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

/** Versions of the server and its other plugins, asked through Cypher so no internal API is touched. */
final class HostVersions {

    private HostVersions() {}

    static String neo4jVersion(Transaction tx) {
        try (Result result = tx.execute(
                "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version")) {
            return result.hasNext() ? (String) result.next().get("version") : null;
        }
    }

    /** GDS's version, or null when its {@code gds.version()} function is not registered. */
    static String gdsVersion(Transaction tx) {
        try (Result functions = tx.execute("SHOW FUNCTIONS YIELD name WHERE name = 'gds.version' RETURN name")) {
            if (!functions.hasNext()) {
                return null;
            }
        }
        try (Result result = tx.execute("RETURN gds.version() AS version")) {
            return (String) result.next().get("version");
        }
    }
}
