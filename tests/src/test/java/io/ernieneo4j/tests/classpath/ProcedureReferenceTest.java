package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.server.ProcedureReference;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/procedures.md} is what {@code SHOW PROCEDURES} and {@code SHOW FUNCTIONS} say now, so the reference
 * cannot drift from the code. With {@code -Dernie.writeProcedureReference=true} it rewrites the file instead
 * ({@link ProcedureReference#REGENERATE}).
 */
class ProcedureReferenceTest extends ClasspathHarness {

    @Test
    void docsProceduresMdIsWhatTheServerSays() throws Exception {
        List<Map<String, Object>> procedures = bolt.rows(ProcedureReference.PROCEDURES);
        List<Map<String, Object>> functions = bolt.rows(ProcedureReference.FUNCTIONS);
        assertThat(procedures).isNotEmpty();
        assertThat(functions).isNotEmpty();
        String generated = ProcedureReference.render(procedures, functions);
        // rendering is deterministic: the rows in another order give the same text
        assertThat(ProcedureReference.render(procedures.reversed(), functions.reversed())).isEqualTo(generated);

        Path root = ProcedureReference.repositoryRoot(Path.of(System.getProperty("basedir", ".")));
        Path file = ProcedureReference.file(root);
        if (Boolean.getBoolean("ernie.writeProcedureReference")) {
            ProcedureReference.write(file, generated);
        }
        assertThat(ProcedureReference.read(file))
                .as("%s is out of date with the procedures' descriptions; regenerate it from the repository root "
                        + "with:%n%s%n", ProcedureReference.FILE, ProcedureReference.REGENERATE)
                .isEqualTo(generated);
    }
}
