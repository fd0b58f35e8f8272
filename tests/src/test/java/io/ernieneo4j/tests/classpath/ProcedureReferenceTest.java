package io.ernieneo4j.tests.classpath;

import io.ernieneo4j.tests.server.ProcedureReference;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
        String onDisk = ProcedureReference.read(file);
        if (!onDisk.equals(generated)) {
            fail(String.format("%s is out of date with the procedures' descriptions. Regenerate it from the "
                    + "repository root with:%n%s%nFirst difference: %s%n", ProcedureReference.FILE,
                    ProcedureReference.REGENERATE, firstDifference(onDisk, generated)));
        }
    }

    /** Where the file and the generated text first differ, as a short message. */
    private static String firstDifference(String onDisk, String generated) {
        if (onDisk.isEmpty()) return "the file is missing or empty";
        List<String> a = onDisk.lines().toList();
        List<String> b = generated.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String was = i < a.size() ? a.get(i) : "(end of file)";
            String now = i < b.size() ? b.get(i) : "(end of text)";
            if (!was.equals(now)) {
                return String.format("line %d is%n  %s%nbut the server says%n  %s", i + 1, was, now);
            }
        }
        return "they differ in line endings";
    }
}
