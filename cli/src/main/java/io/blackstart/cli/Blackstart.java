package io.blackstart.cli;

import io.blackstart.bench.BenchCommand;
import io.blackstart.doctor.DoctorCommand;
import io.blackstart.drill.DrillCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Optional;

/**
 * The {@code blackstart} command: runs a coordinator or an agent, and the operator commands; one picocli parser for
 * every subcommand (the drill's, the doctor's and the bench's commands live in their modules).
 * Exit codes: 0 success, 1 the operation failed (the message says why), 2 bad arguments (usage is printed), and
 * for {@code doctor} {@value DoctorCommand#EXIT_WARNINGS} warnings only, {@value DoctorCommand#EXIT_FAILURES} a
 * failed check.
 */
@Command(name = "blackstart", mixinStandardHelpOptions = true, versionProvider = Blackstart.Version.class,
        description = "Brings a container platform back after a total blackout.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed (one line says why)", "2:bad arguments (usage printed)",
                "3:doctor: warnings, no failure", "4:doctor: at least one check failed"},
        subcommands = {
                RunCoordinator.class,
                RunAgent.class,
                StatusCommand.class,
                ReportCommand.class,
                NodesCommand.class,
                AppsCommand.class,
                RecoveryCommand.class,
                DoctorCommand.class,
                DrillCommand.class,
                BenchCommand.class,
                CatalogCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Blackstart implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams and returns the exit code (tests). */
    static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cmd = commandLine();
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("blackstart: " + (ex instanceof OperatorException ? ex.getMessage() : ex.toString()));
            return ex instanceof OperatorException o ? o.exitCode() : 1;
        });
        return cmd.execute(args);
    }

    /** The whole command tree, as parsed, helped and completed. */
    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Blackstart(), new Factory());
        // the module commands (drill, doctor, bench) know no version of their own: every --version is the build's
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) {
                sub.getCommandSpec().versionProvider(new Version());
            }
        }
        return cmd;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /**
     * Builds the module commands the CLI way: the doctor takes {@code $BLACKSTART_API} as its coordinator, and the
     * doctor and the bench set up logging once their flags parsed.
     */
    private static final class Factory implements CommandLine.IFactory {
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == DoctorCommand.class) {
                return type.cast(new DoctorCommand(Optional.ofNullable(System.getenv("BLACKSTART_API")), () -> {
                    Logging.init();
                    Logging.quietClients();
                }));
            }
            if (type == BenchCommand.class) {
                return type.cast(new BenchCommand(System.out, System.err, Logging::init));
            }
            return fallback.create(type);
        }
    }

    /** {@code blackstart --version}: the project version, git commit and build time the build stamped. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Blackstart.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[]{"blackstart " + p.getProperty("version", "unknown") + " (commit "
                    + p.getProperty("commit", "unknown") + ", built " + p.getProperty("built", "unknown") + ")"};
        }
    }
}
