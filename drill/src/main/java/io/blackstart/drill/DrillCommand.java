package io.blackstart.drill;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code blackstart drill} (and {@link DrillMain} standalone): a whole-platform blackout in simulation, over the
 * same scheduler code the coordinator runs, against the incident's scheduler and other baselines (see
 * drill/README.md). The one parser of the drill's flags. Exit 0 ok, 2 bad arguments (usage printed), 1 the drill
 * could not run (an unreadable catalog, a report that cannot be written).
 */
@Command(name = "drill", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Rehearse a blackout at production scale in simulation: Blackstart against the incident's "
                + "scheduler and other baselines, with the lower bound.")
public final class DrillCommand implements Callable<Integer> {
    @Option(names = "--hosts", paramLabel = "N",
            description = "Hosts of the platform (default: the scenario's, " + DrillOptions.DEFAULT_HOSTS + ").")
    Integer hosts;

    @Option(names = "--apps", paramLabel = "N", description = "Apps to generate, about 2 instances each (default: "
            + "the scenario's, " + DrillOptions.DEFAULT_APPS + ").")
    Integer apps;

    @Option(names = "--policy", paramLabel = "P",
            description = "blackstart, blackstart-no-journal, stale-snapshot, kubernetes, nomad, random, p2c, "
                    + "allocation-spread, or all (default: ${DEFAULT-VALUE}; blackstart-no-journal only with "
                    + "--etcd-outage).")
    String policy = "all";

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the platform and the policies (default: "
            + "${DEFAULT-VALUE}).")
    long seed = DrillOptions.DEFAULT_SEED;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
    Path report;

    @Option(names = "--catalog", paramLabel = "FILE", description = "A JSON array of app specs instead of a "
            + "generated catalog.")
    Path catalog;

    @Option(names = "--return-window", paramLabel = "DURATION", converter = DurationSeconds.class,
            description = "Hosts come back over this window: 900, 900s, 15m, 1h (default: the scenario's, 15m).")
    Double returnWindow;

    @Option(names = "--lost-hosts", paramLabel = "FRACTION",
            description = "Share of hosts that never come back, 0 <= F < 1 (default: the scenario's, 0.02).")
    Double lostHosts;

    @Option(names = "--readiness", description = "Apps are ready some seconds after they run; up means ready "
            + "(default: off).")
    boolean readiness;

    @Option(names = "--etcd-outage", paramLabel = "FROM,TO", converter = OutageWindow.class,
            description = "etcd takes no writes from FROM to TO, durations since power-on, e.g. 60,900 or 1m,15m.")
    Window etcdOutage;

    @Option(names = "--scenario", paramLabel = "NAME", converter = ScenarioName.class,
            description = "A preset platform (drill/README.md): default, incident, dense, deep-deps, big-images, "
                    + "slow-boot (default: default). --hosts, --apps, --return-window and --lost-hosts override "
                    + "its values.")
    Scenario scenario = Scenario.DEFAULT;

    @Spec
    CommandSpec spec;

    /** The options these flags select; bad combinations are usage errors naming what is wrong. */
    DrillOptions options() {
        try {
            DrillOptions o = DrillOptions.of(scenario).withSeed(seed)
                    .withPolicies(policy.equals("all") ? List.of() : List.of(policy));
            if (hosts != null) {
                o = o.withHosts(hosts);
            }
            if (apps != null) {
                o = o.withApps(apps);
            }
            if (catalog != null) {
                o = o.withCatalogFile(catalog);
            }
            if (returnWindow != null) {
                o = o.withReturnWindowSeconds(returnWindow);
            }
            if (lostHosts != null) {
                o = o.withLostHostsFraction(lostHosts);
            }
            if (readiness) {
                o = o.withReadiness(true);
            }
            if (etcdOutage != null) {
                o = o.withEtcdOutage(etcdOutage.from(), etcdOutage.to());
            }
            return o;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() {
        DrillOptions o = options();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DrillResult r;
        try {
            // the bar redraws one line with \r: only on a terminal, never into a log file or a pipe
            boolean bar = !json && System.console() != null;
            r = Drill.run(o, bar ? new ProgressBar(System.err) : ProgressListener.NONE);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return 1;
        }
        out.println(json ? r.toJson() : ResultTable.render(r));
        if (report != null) {
            try {
                HtmlReport.write(r, report);
            } catch (IOException e) {
                err.println(spec.qualifiedName() + ": cannot write the report " + report + ": " + e.getMessage());
                return 1;
            }
            if (!json) {
                out.println("report: " + report.toAbsolutePath());
            }
        }
        out.flush();
        return 0;
    }

    /** {@code --return-window}: {@link DrillMain#parseDuration}. */
    static final class DurationSeconds implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                return DrillMain.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** An {@code --etcd-outage} window, seconds since power-on. */
    record Window(double from, double to) {
    }

    /** {@code --etcd-outage}: {@link DrillMain#parseOutage}. */
    static final class OutageWindow implements CommandLine.ITypeConverter<Window> {
        @Override
        public Window convert(String value) {
            try {
                double[] w = DrillMain.parseOutage(value);
                return new Window(w[0], w[1]);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --scenario}: {@link Scenario#parse}. */
    static final class ScenarioName implements CommandLine.ITypeConverter<Scenario> {
        @Override
        public Scenario convert(String value) {
            try {
                return Scenario.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
