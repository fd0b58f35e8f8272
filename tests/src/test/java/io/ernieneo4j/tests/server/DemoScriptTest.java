package io.ernieneo4j.tests.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo script's parts fit together: it is Cypher only (no shell step); its training statements read the graph
 * as its ernie.dataset.export does (same documents, TransE model, types, held-out split, relationship types) and
 * train the models its ernie.model.load calls load; its last three statements are the queries it prints.
 */
class DemoScriptTest {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("cypher")
            .resolve("demo.cypher");

    @Test
    void itIsCypherOnly() throws Exception {
        assertThat(Files.readAllLines(SCRIPT)).noneMatch(line -> line.strip().startsWith("// $"));
    }

    @Test
    void theTrainingStatementsReadWhatTheExportWritesAndTrainTheModelsTheScriptLoads() throws Exception {
        DemoServer.Pipeline pipeline = DemoServer.Pipeline.read(SCRIPT);
        assertThat(pipeline.beforeTraining()).noneMatch(s -> s.contains("ernie.model.load"));
        String export = pipeline.beforeTraining().stream().filter(s -> s.contains("ernie.dataset.export"))
                .findFirst().orElseThrow();
        List<String> loaded = pipeline.afterTraining().stream().filter(s -> s.contains("ernie.model.load"))
                .map(s -> group(s, "path: '([^']+)'")).toList();

        assertThat(pipeline.training()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            String training = pipeline.training().get(i);
            String procedure = List.of("ernie.type.train", "ernie.relation.train").get(i);
            String model = group(training, Pattern.quote(procedure) + "\\('([^']+)'");
            assertThat(model).isEqualTo(loaded.get(i));
            // once: skipped when the model is listed (stored or loaded)
            assertThat(training).contains("WHERE NOT '" + model + "' IN models");
            assertThat(group(training, "transeModel: '([^']+)'")).isEqualTo(group(export, "modelName: '([^']+)'"));
            for (String key : List.of("documentLabel", "typeProperty", "splitProperty", "typingMinLinkScore",
                    "negativeRatio")) {
                assertThat(group(training, key + ": ([^,}]+)")).as(key).isEqualTo(group(export, key + ": ([^,}]+)"));
            }
        }
        assertThat(group(pipeline.training().get(1), "relationshipTypes: (\\[[^]]+])").replaceAll("\\s+", " "))
                .isEqualTo(group(export, "relationshipTypes: (\\[[^]]+])").replaceAll("\\s+", " "));
        assertThat(pipeline.afterTraining().subList(pipeline.afterTraining().size() - 3,
                pipeline.afterTraining().size())).allMatch(s -> s.startsWith("MATCH"));
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }
}
