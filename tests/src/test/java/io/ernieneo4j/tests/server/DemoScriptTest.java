package io.ernieneo4j.tests.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo script's parts fit together: the training commands of its {@code // $} lines read the folder its
 * ernie.dataset.export writes and write the folders its ernie.model.load calls load; the demo runs them between
 * the two parts, and its last three statements are the queries it prints.
 */
class DemoScriptTest {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("cypher")
            .resolve("demo.cypher");

    @Test
    void theTrainingStepsReadTheExportAndWriteTheModelsTheScriptLoads() throws Exception {
        DemoServer.Pipeline pipeline = DemoServer.Pipeline.read(SCRIPT);
        assertThat(pipeline.beforeTraining()).noneMatch(s -> s.contains("ernie.model.load"));
        assertThat(pipeline.afterTraining().get(0)).contains("ernie.model.load");
        String export = pipeline.beforeTraining().stream().filter(s -> s.contains("ernie.dataset.export"))
                .findFirst().orElseThrow();
        String datasets = "<data>/ernie/datasets/" + group(export, "directory: '([^']+)'");
        String transe = group(export, "modelName: '([^']+)'");
        List<String> loaded = pipeline.afterTraining().stream().filter(s -> s.contains("ernie.model.load"))
                .map(s -> group(s, "path: '([^']+)'")).toList();

        assertThat(pipeline.training()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            String command = pipeline.training().get(i);
            String task = List.of("typing", "relation").get(i);
            assertThat(command).startsWith("./ernie.sh trainer finetune " + task + " ")
                    .contains("--train " + datasets + "/" + task + "/train.jsonl")
                    .contains("--dev " + datasets + "/" + task + "/dev.jsonl")
                    .contains("--entities " + datasets + "/entities.tsv")
                    .contains("--transe-model " + transe)
                    .contains("--out <data>/ernie/ernie-models/" + loaded.get(i) + " ")
                    .doesNotContain("\\");
        }
        assertThat(pipeline.afterTraining().subList(pipeline.afterTraining().size() - 3,
                pipeline.afterTraining().size())).allMatch(s -> s.startsWith("MATCH"));
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }
}
