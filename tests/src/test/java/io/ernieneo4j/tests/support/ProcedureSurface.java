package io.ernieneo4j.tests.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** GDS's smoke test, for ernie.*: the exact sorted list of names, each with a description. */
public final class ProcedureSurface {

    private ProcedureSurface() {}

    public static void assertPinned(Bolt bolt) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String kind : List.of("PROCEDURES", "FUNCTIONS")) {
            rows.addAll(bolt.rows("SHOW " + kind + " YIELD name, description WHERE name STARTS WITH 'ernie.' "
                    + "RETURN name, description"));
        }
        List<String> names = rows.stream().map(r -> (String) r.get("name")).sorted().toList();
        assertThat(names).containsExactlyElementsOf(ErnieProcedures.ALL);
        assertThat(rows).allSatisfy(r -> assertThat((String) r.get("description"))
                .as("description of %s", r.get("name")).isNotBlank().endsWith("."));
    }
}
