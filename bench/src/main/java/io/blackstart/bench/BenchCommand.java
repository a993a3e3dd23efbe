package io.blackstart.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code blackstart bench} (and {@link BenchMain} standalone): the one parser of the benchmark's flags (see
 * bench/README.md). Exit 0 every run placed every instance exactly once within credits, 1 a run failed or broke an
 * invariant, 2 bad arguments (usage printed).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Coordinator benchmark: runs the real recovery manager (one coordinator node, in-memory "
                + "desired-state store) with N simulated agents that confirm every start at once, and measures "
                + "placements per second."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--agents", paramLabel = "N", converter = Count.class,
            description = "Simulated agents (default: ${DEFAULT-VALUE}).")
    int agents = 500;

    @Option(names = "--instances", paramLabel = "N", converter = Count.class,
            description = "Desired instances (default: ${DEFAULT-VALUE}).")
    int instances = 100_000;

    @Option(names = "--apps", paramLabel = "N", converter = Count.class,
            description = "Apps they belong to (default: instances / 10).")
    Integer apps;

    @Option(names = "--credits", paramLabel = "N", converter = Count.class,
            description = "Credits each agent grants (default: ${DEFAULT-VALUE}).")
    int credits = 4;

    @Option(names = "--runs", paramLabel = "N", converter = Count.class,
            description = "Measured runs per variant; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--warmups", paramLabel = "N", converter = Count.class,
            description = "Unmeasured warm-up runs per variant (default: ${DEFAULT-VALUE}).")
    int warmups = 1;

    @Option(names = "--report-interval-ms", paramLabel = "MS", converter = Count.class,
            description = "An agent reports at most this often, like a real agent's report-min-interval; 0: a "
                    + "report after every start (default: ${DEFAULT-VALUE}).")
    int reportIntervalMillis = 200;

    @Option(names = "--full-reports", description = "Agents list every container in every report, as before delta "
            + "reports (default: a delta of the changed containers between full reports, like a real agent).")
    boolean fullReports;

    @Option(names = "--remote", description = "Also run the agents in a second JVM joined over Artery on 127.0.0.1.")
    boolean remote;

    @Option(names = "--remote-only", description = "Only the second-JVM variant.")
    boolean remoteOnly;

    @Option(names = "--seed", paramLabel = "S", converter = Count.class,
            description = "Catalog seed (default: ${DEFAULT-VALUE}).")
    int seed = 42;

    @Option(names = "--json", description = "JSON on standard output instead of the table.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Count.class,
            description = "Give up on a run after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 1800;

    @Option(names = "--confirm-delay-ms", paramLabel = "MS", converter = Count.class, hidden = true,
            description = "How long an agent takes to start an instance (default: 0, at once).")
    int confirmDelayMillis;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final Runnable beforeRun;

    /** The benchmark on standard output and error. */
    public BenchCommand() {
        this(System.out, System.err, () -> { });
    }

    /**
     * @param out       the table or the JSON
     * @param err       failures (and progress with {@code --json})
     * @param beforeRun runs after a successful parse, before the benchmark (the CLI sets up logging)
     */
    public BenchCommand(PrintStream out, PrintStream err, Runnable beforeRun) {
        this.out = out;
        this.err = err;
        this.beforeRun = beforeRun;
    }

    /** The options of {@code args} as {@code blackstart bench} reads them (tests). */
    static BenchOptions parse(String... args) {
        CommandLine cmd = new CommandLine(new BenchCommand());
        cmd.parseArgs(args);
        return cmd.<BenchCommand>getCommand().options();
    }

    /** The options these flags select; a usage error naming the flag otherwise. */
    BenchOptions options() {
        positive("--agents", agents);
        positive("--instances", instances);
        positive("--credits", credits);
        positive("--runs", runs);
        positive("--timeout", timeoutSeconds);
        if (apps != null) {
            positive("--apps", apps);
        }
        int a = apps == null ? Math.max(1, instances / 10) : apps;
        if (a > instances) {
            throw new ParameterException(spec.commandLine(), "--apps (" + a + ") must not exceed --instances ("
                    + instances + ")");
        }
        return new BenchOptions(agents, instances, a, credits, runs, warmups, remote || remoteOnly, !remoteOnly, json,
                seed, confirmDelayMillis, reportIntervalMillis, fullReports, timeoutSeconds);
    }

    private void positive(String flag, int value) {
        if (value == 0) {
            throw new ParameterException(spec.commandLine(), flag + " must be positive");
        }
    }

    @Override
    public Integer call() {
        BenchOptions o = options();
        beforeRun.run();
        return BenchMain.bench(o, out, err);
    }

    /** A count: a non-negative int, {@code 100_000} allowed. */
    static final class Count implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            int n;
            try {
                n = Integer.parseInt(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("needs a number: " + v);
            }
            if (n < 0) {
                throw new CommandLine.TypeConversionException("must not be negative: " + v);
            }
            return n;
        }
    }
}
