package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.server.EmbeddedNeo4j;
import io.ernieneo4j.tests.support.Bolt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * One in-process Neo4j per test class, with GDS and every ernie procedure registered from the class path, and a
 * Bolt driver to it. A subclass's own {@code @BeforeAll} runs after the server is up.
 */
abstract class ClasspathHarness {

    @TempDir
    static Path workingDir;

    static EmbeddedNeo4j server;
    static Bolt bolt;

    @BeforeAll
    static void startServer() {
        server = EmbeddedNeo4j.builder(workingDir)
                .procedures(ErnieClasses.PROCEDURES)
                .functions(ErnieClasses.FUNCTIONS)
                .start();
        bolt = new Bolt(server.boltUri());
    }

    @AfterAll
    static void stopServer() {
        if (bolt != null) bolt.close();
        if (server != null) server.close();
    }
}
