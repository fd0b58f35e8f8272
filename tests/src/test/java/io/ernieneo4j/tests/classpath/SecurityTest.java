package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.plugin.common.PluginSetting;
import io.ernieneo4j.tests.support.ErnieProcedures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may change the server's state outside the database (docs/security.md): {@code ernie.files.write.enabled=false}
 * turns off every procedure that writes or deletes files, and they then write nothing; in a read-only transaction
 * READ procedures run (file writes included) while WRITE and SCHEMA ones are refused; and the documentation's tables
 * agree with {@code SHOW PROCEDURES} and the plugin's settings.
 */
class SecurityTest extends ClasspathHarness {

    /** The procedures that write or delete files, each with a call that would do so. */
    private static final Map<String, String> FILE_WRITING = new LinkedHashMap<>();

    static {
        FILE_WRITING.put("ernie.transe.train", "CALL ernie.transe.train({modelName: 'clock-2', writeProperty: "
                + "'blocked', dimensions: 4, epochs: 1, concurrency: 1})");
        FILE_WRITING.put("ernie.transe.model.import", "CALL ernie.transe.model.import('clock-3', "
                + "{directory: 'clock', writeProperty: 'blocked'})");
        FILE_WRITING.put("ernie.transe.model.drop", "CALL ernie.transe.model.drop('clock')");
        FILE_WRITING.put("ernie.transe.model.export", "CALL ernie.transe.model.export('clock', "
                + "{directory: 'blocked'})");
        FILE_WRITING.put("ernie.align.train", "CALL ernie.align.train('blocked', {documentLabel: 'City', "
                + "textProperty: 'code', entityLabels: 'City', nameProperties: 'code', goldRelationshipType: 'NEXT_TO', "
                + "model: 'none', descriptionProperty: 'code'})");
        FILE_WRITING.put("ernie.dataset.export", "CALL ernie.dataset.export({directory: 'blocked', "
                + "documentLabel: 'City', modelName: 'clock', typeProperty: 'code'})");
        FILE_WRITING.put("ernie.type.train", "CALL ernie.type.train('blocked', {documentLabel: 'City', "
                + "transeModel: 'clock', typeProperty: 'code', init: 'start'})");
        FILE_WRITING.put("ernie.relation.train", "CALL ernie.relation.train('blocked', {documentLabel: 'City', "
                + "transeModel: 'clock', typeProperty: 'code', init: 'start'})");
        FILE_WRITING.put("ernie.model.pretrain", "CALL ernie.model.pretrain('blocked', {documentLabel: 'City', "
                + "transeModel: 'clock', init: 'start'})");
    }

    private static Path folders;
    private static Driver driver;

    @BeforeAll
    static void trainAModelWithFileWritesOn() throws IOException {
        folders = workingDir.resolve("ernie-folders");
        for (PluginSetting setting : List.of(PluginSetting.DIR_TRANSE, PluginSetting.DIR_OPENKE,
                PluginSetting.DIR_DATASETS)) {
            System.setProperty(setting.key(), folders.resolve(setting.key()).toString());
        }
        bolt.single("UNWIND range(0, 11) AS i CREATE (:City {i: i, code: 'city-' + i}) RETURN count(*)");
        bolt.single("MATCH (a:City), (b:City) WHERE b.i = (a.i + 1) % 12 CREATE (a)-[:NEXT_TO]->(b) RETURN count(*)");
        bolt.single("CALL ernie.transe.train({modelName: 'clock', dimensions: 4, epochs: 2, concurrency: 1, "
                + "randomSeed: 3})");
        bolt.single("CALL ernie.transe.model.export('clock', {directory: 'clock'})");
        driver = GraphDatabase.driver(server.boltUri(), AuthTokens.none());
    }

    @AfterEach
    void fileWritesBackOn() {
        System.clearProperty(PluginSetting.FILES_WRITE_ENABLED.key());
    }

    @AfterAll
    static void clearSettings() {
        if (driver != null) driver.close();
        for (PluginSetting setting : PluginSetting.values()) {
            System.clearProperty(setting.key());
        }
    }

    @Test
    void withFileWritesOffEveryFileWritingProcedureRefusesAndWritesNothing() throws IOException {
        Map<String, Long> before = files();
        List<Map<String, Object>> models = bolt.rows("CALL ernie.transe.model.list() YIELD modelName, createdAt");
        System.setProperty("ernie.files.write.enabled", "false");
        for (var call : FILE_WRITING.entrySet()) {
            assertThatThrownBy(() -> bolt.rows(call.getValue())).as(call.getKey())
                    .hasMessageContaining("`" + call.getKey() + "` writes or deletes files on the server, which "
                            + "this server turns off: `ernie.files.write.enabled` is `false`.");
        }
        assertThat(files()).isEqualTo(before);
        assertThat(bolt.count("MATCH (n) WHERE n.blocked IS NOT NULL RETURN count(n)")).isZero();
        // what only reads keeps working
        assertThat(bolt.rows("CALL ernie.transe.model.list() YIELD modelName, createdAt")).isEqualTo(models);
        assertThat(bolt.single("RETURN size(ernie.transe.relationEmbedding('clock', 'NEXT_TO')) AS d"))
                .containsEntry("d", 4L);

        System.setProperty("ernie.files.write.enabled", "off");
        assertThatThrownBy(() -> bolt.rows(FILE_WRITING.get("ernie.transe.model.drop")))
                .hasMessageContaining("Value for `ernie.files.write.enabled` was `off`, but must be `true` or "
                        + "`false`.");
        assertThat(files()).isEqualTo(before);
    }

    @Test
    void aReadTransactionRunsReadProceduresFileWritesIncludedAndRefusesWriteOnes() throws IOException {
        // READ procedures that write or delete files do so: the access mode governs the database only
        Path exported = folders.resolve("ernie.dir.openke").resolve("from-read-tx");
        assertThat(read("CALL ernie.transe.model.export('clock', {directory: 'from-read-tx'}) YIELD entityCount "
                + "RETURN entityCount")).containsExactly(Map.of("entityCount", 12L));
        assertThat(exported.resolve("entity2vec.vec")).isNotEmptyFile();
        bolt.single("CALL ernie.transe.model.import('doomed', {directory: 'clock'})");
        assertThat(read("CALL ernie.transe.model.drop('doomed') YIELD modelName RETURN modelName"))
                .containsExactly(Map.of("modelName", "doomed"));
        assertThat(bolt.rows("CALL ernie.transe.model.list() YIELD modelName RETURN modelName"))
                .containsExactly(Map.of("modelName", "clock"));
        assertThat(read("CALL ernie.version() YIELD engine RETURN engine"))
                .containsExactly(Map.of("engine", "PyTorch"));

        // WRITE and SCHEMA procedures are refused before they run: no model, no property, no node
        Map<String, Long> before = files();
        for (String call : List.of(
                "CALL ernie.transe.train({modelName: 'from-read-tx', writeProperty: 'fromReadTx', dimensions: 4, "
                        + "epochs: 1, concurrency: 1})",
                "CALL ernie.transe.model.import('from-read-tx', {directory: 'clock', writeProperty: 'fromReadTx'})",
                "CALL ernie.dataset.wordnet.load({root: '01861778-n'})")) {
            assertThatThrownBy(() -> read(call)).as(call).hasMessageContaining("Writing in read access mode not allowed");
        }
        assertThat(files()).isEqualTo(before);
        assertThat(bolt.count("MATCH (n) WHERE n.fromReadTx IS NOT NULL OR n:Synset RETURN count(n)")).isZero();
    }

    @Test
    void theSecurityTableAgreesWithShowProcedures() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        List<String> off = new ArrayList<>();
        for (List<String> row : tableRows(docs("security.md"))) {
            documented.put(row.get(0), row.get(1));
            if (row.getLast().contains("off")) off.add(row.get(0));
        }
        assertThat(documented.keySet()).containsExactlyElementsOf(ErnieProcedures.ALL);
        Map<String, String> declared = new TreeMap<>();
        for (Map<String, Object> r : bolt.rows("SHOW PROCEDURES YIELD name, mode WHERE name STARTS WITH 'ernie.' "
                + "RETURN name, mode")) {
            declared.put((String) r.get("name"), (String) r.get("mode"));
        }
        documented.values().removeIf("function"::equals);
        assertThat(documented).isEqualTo(declared);
        assertThat(declared).containsEntry("ernie.version", "READ");
        assertThat(off).containsExactlyInAnyOrderElementsOf(FILE_WRITING.keySet());
    }

    @Test
    void theConfigurationTableListsEverySettingWithItsNames() throws IOException {
        Map<String, List<String>> rows = new TreeMap<>();
        for (List<String> row : tableRows(docs("configuration.md"))) {
            rows.put(row.get(0), row);
        }
        assertThat(rows.keySet()).filteredOn(k -> k.startsWith("ernie."))
                .containsExactlyInAnyOrderElementsOf(Stream.of(PluginSetting.values()).map(PluginSetting::key)
                        .toList());
        for (PluginSetting setting : PluginSetting.values()) {
            List<String> row = rows.get(setting.key());
            assertThat(row.get(1)).as(setting.key()).isEqualTo("`" + setting.env() + "`");
            String aliases = String.join(", ", Stream.concat(setting.deprecatedProperty().stream(),
                    setting.deprecatedEnv().stream()).map(a -> "`" + a + "`").toList());
            assertThat(row.getLast()).as(setting.key()).isEqualTo(aliases);
        }
    }

    /** Runs a query in a read transaction, as a routing driver does on a secondary. */
    private static List<Map<String, Object>> read(String cypher) {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run(cypher).list(Record::asMap));
        }
    }

    /** Every file under the plugin's folders, with its size. */
    private static Map<String, Long> files() throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folders)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                files.put(folders.relativize(p).toString(), Files.size(p));
            }
        }
        return files;
    }

    private static String docs(String name) throws IOException {
        return Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("docs").resolve(name));
    }

    /** The cells of the Markdown table rows whose first cell names an {@code ernie.} setting or procedure. */
    private static List<List<String>> tableRows(String markdown) {
        return markdown.lines().filter(l -> l.startsWith("| `ernie."))
                .map(l -> Stream.of(l.substring(1, l.length() - 1).split("\\|", -1)).map(String::trim)
                        .map(c -> c.startsWith("`ernie.") && c.indexOf('`', 1) == c.length() - 1
                                ? c.substring(1, c.length() - 1) : c)
                        .toList())
                .toList();
    }
}
