package io.ernieneo4j.trainer.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * {@code --help} of every command prints without picocli's {@code Could not format} warning: picocli runs each
 * description through {@code String.format}, so a literal percent sign must be written {@code %%}.
 */
class HelpFormatTest {

    @Test
    void everyCommandsHelpFormatsWithoutWarnings() throws Exception {
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(new ErnieTrainer()), new ArrayList<>(), paths);
        assertThat(paths).extracting(p -> String.join(" ", p))
                .contains("", "datasets wordnet", "transe", "pretrain", "finetune typing", "finetune relation",
                        "evaluate", "check-device");

        // picocli's tracer keeps the System.err it found when it was first used, so swap its stream itself
        Field streamField = CommandLine.tracer().getClass().getDeclaredField("stream");
        streamField.setAccessible(true);
        PrintStream tracerStream = (PrintStream) streamField.get(CommandLine.tracer());
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        List<Integer> exits = new ArrayList<>();
        try {
            streamField.set(CommandLine.tracer(), capture);
            System.setOut(capture);
            System.setErr(capture);
            for (List<String> path : paths) {
                List<String> args = new ArrayList<>(path);
                args.add("--help");
                exits.add(ErnieTrainer.run(args.toArray(String[]::new)));
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            streamField.set(CommandLine.tracer(), tracerStream);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertThat(exits).containsOnly(0);
        assertThat(printed).contains("Usage: ernie-trainer pretrain", "15% of word pieces")
                .doesNotContain("Could not format", "%%");
    }

    @Test
    void everyDescriptionIsAValidFormatString() {
        List<CommandSpec> specs = new ArrayList<>();
        specs(new CommandLine(new ErnieTrainer()), specs);
        for (CommandSpec spec : specs) {
            List<String> lines = new ArrayList<>(List.of(spec.usageMessage().description()));
            lines.addAll(List.of(spec.usageMessage().header()));
            lines.addAll(List.of(spec.usageMessage().footer()));
            for (ArgSpec arg : spec.args()) lines.addAll(List.of(arg.description()));
            for (String line : lines) {
                assertThatCode(() -> String.format(line)).as("%s: %s", spec.qualifiedName(), line)
                        .doesNotThrowAnyException();
            }
        }
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) return;
            if (!name.equals(sub.getCommandName())) return; // an alias
            List<String> next = new ArrayList<>(path);
            next.add(name);
            collect(sub, next, paths);
        });
    }

    private static void specs(CommandLine command, List<CommandSpec> specs) {
        specs.add(command.getCommandSpec());
        command.getSubcommands().values().forEach(sub -> specs(sub, specs));
    }
}
