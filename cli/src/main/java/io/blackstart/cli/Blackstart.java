package io.blackstart.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code blackstart} command: runs a coordinator or an agent, and the operator commands.
 * Exit codes: 0 success, 1 the operation failed (the message says why), 2 bad arguments (usage is printed).
 */
@Command(name = "blackstart", mixinStandardHelpOptions = true, versionProvider = Blackstart.Version.class,
        description = "Brings a container platform back after a total blackout.",
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
        CommandLine cmd = new CommandLine(new Blackstart());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("blackstart: " + (ex instanceof OperatorException ? ex.getMessage() : ex.toString()));
            return ex instanceof OperatorException o ? o.exitCode() : 1;
        });
        return cmd.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Blackstart.class.getPackage().getImplementationVersion();
            return new String[]{"blackstart " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
