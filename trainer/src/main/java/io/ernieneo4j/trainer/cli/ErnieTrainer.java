package io.ernieneo4j.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The trainer's command line: {@code ernie-trainer <command> ...}. Each command explains its options with
 * {@code --help}.
 */
@Command(name = "ernie-trainer",
        mixinStandardHelpOptions = true,
        versionProvider = ErnieTrainer.Version.class,
        description = "Trains and evaluates ERNIE and builds its datasets, without Neo4j.",
        subcommands = {DatasetsCommand.class, TransECommand.class, TransEEvaluateCommand.class, PretrainCommand.class,
                FinetuneCommand.class, EvaluateCommand.class, ExportOnnxCommand.class, CheckDeviceCommand.class,
                LinkingModelCommand.class, FinetuneLinkingCommand.class, CommandLine.HelpCommand.class})
public final class ErnieTrainer {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        return new CommandLine(new ErnieTrainer())
                .setExecutionExceptionHandler(ErnieTrainer::reportBadInput)
                .execute(args);
    }

    /** Bad input (a file, a line, a value) is the user's to fix: its message, without a stack trace. */
    private static int reportBadInput(Exception e, CommandLine command, CommandLine.ParseResult parsed)
            throws Exception {
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            // its message is the bare path
            command.getErr().println("Error: no such file: " + missing.getFile());
            return 2;
        }
        if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
            command.getErr().println("Error: " + e.getMessage());
            return 2;
        }
        throw e;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ErnieTrainer.class.getPackage().getImplementationVersion();
            return new String[] {"ernie-trainer " + (version == null ? "(development build)" : version)};
        }
    }
}
