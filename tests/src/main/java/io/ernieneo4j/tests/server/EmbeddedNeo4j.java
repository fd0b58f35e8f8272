package io.ernieneo4j.tests.server;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-process Neo4j server (the harness) set up as this project runs it: GDS registered, Bolt and HTTP (with
 * Neo4j Browser) on, and the ernie plugin either from a plugins folder, the way users deploy it, or as procedure
 * classes on the class path.
 */
public final class EmbeddedNeo4j implements AutoCloseable {

    private final Neo4j neo4j;

    private EmbeddedNeo4j(Neo4j neo4j) {
        this.neo4j = neo4j;
    }

    public static Builder builder(Path workingDir) {
        return new Builder(workingDir);
    }

    public URI boltUri() {
        return neo4j.boltURI();
    }

    public URI httpUri() {
        return neo4j.httpURI();
    }

    public Neo4j neo4j() {
        return neo4j;
    }

    @Override
    public void close() {
        neo4j.close();
    }

    public static final class Builder {
        private final Path workingDir;
        private Path pluginsDir;
        private Path dataDir;
        private final List<Class<?>> procedures = new ArrayList<>();
        private final List<Class<?>> functions = new ArrayList<>();
        private int boltPort = -1;
        private int httpPort = -1;
        private String listenAddress = "localhost";

        private Builder(Path workingDir) {
            this.workingDir = workingDir;
        }

        /** Loads every jar in this folder as a Neo4j plugin ({@code server.directories.plugins}). */
        public Builder pluginsDir(Path dir) {
            this.pluginsDir = dir;
            return this;
        }

        /** Keeps the databases in this folder across restarts; by default they live in a throw-away folder. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Registers procedure classes from the class path. */
        public Builder procedures(Class<?>... classes) {
            procedures.addAll(List.of(classes));
            return this;
        }

        public Builder functions(Class<?>... classes) {
            functions.addAll(List.of(classes));
            return this;
        }

        /** Fixed ports (e.g. 7687 and 7474); by default the harness picks free ones. */
        public Builder ports(int bolt, int http) {
            this.boltPort = bolt;
            this.httpPort = http;
            return this;
        }

        public Builder listenAddress(String host) {
            this.listenAddress = host;
            return this;
        }

        public EmbeddedNeo4j start() {
            Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(workingDir)
                    .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*", "ernie.*"))
                    .withConfig(HttpConnector.enabled, true)
                    .withConfig(BoltConnector.enabled, true);
            if (boltPort >= 0 && httpPort >= 0) {
                builder.withConfig(BoltConnector.listen_address, new SocketAddress(listenAddress, boltPort))
                        .withConfig(HttpConnector.listen_address, new SocketAddress(listenAddress, httpPort));
            }
            if (pluginsDir != null) {
                builder.withConfig(GraphDatabaseSettings.plugin_dir, pluginsDir.toAbsolutePath());
            }
            if (dataDir != null) {
                builder.withConfig(GraphDatabaseSettings.data_directory, dataDir.toAbsolutePath());
            }
            GdsProcedures.Found gds = GdsProcedures.scan();
            gds.procedures().forEach(builder::withProcedure);
            gds.functions().forEach(builder::withFunction);
            gds.aggregations().forEach(builder::withAggregationFunction);
            procedures.forEach(builder::withProcedure);
            functions.forEach(builder::withFunction);
            return new EmbeddedNeo4j(builder.build());
        }
    }
}
