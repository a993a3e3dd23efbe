package io.blackstart.cli;

import io.blackstart.drill.Drill;
import io.blackstart.drill.DrillMain;
import io.blackstart.drill.DrillOptions;
import io.blackstart.drill.DrillResult;
import io.blackstart.drill.HtmlReport;
import io.blackstart.drill.ProgressBar;
import io.blackstart.drill.ProgressListener;
import io.blackstart.drill.ResultTable;
import io.blackstart.drill.Scenario;
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
 * {@code blackstart drill}: a whole-platform blackout in simulation, over the same scheduler code the coordinator
 * runs, against the incident's scheduler and other baselines (see drill/README.md). Needs nothing but Java.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Rehearse a blackout at production scale in simulation: Blackstart against the incident's "
                + "scheduler and other baselines, with the lower bound.")
final class DrillCommand implements Callable<Integer> {
    @Option(names = "--hosts", paramLabel = "N",
            description = "Hosts of the platform (default: the scenario's, " + DrillOptions.DEFAULT_HOSTS + ").")
    Integer hosts;

    @Option(names = "--apps", paramLabel = "N", description = "Apps to generate, about 2 instances each (default: "
            + "the scenario's, " + DrillOptions.DEFAULT_APPS + ").")
    Integer apps;

    @Option(names = "--scenario", paramLabel = "NAME", description = "A preset platform (drill/README.md): "
            + "default, incident, dense, deep-deps, big-images, slow-boot (default: default). --hosts, --apps, "
            + "--return-window and --lost-hosts override its values.")
    String scenario;

    @Option(names = "--policy", paramLabel = "P",
            description = "blackstart, blackstart-no-journal, stale-snapshot, kubernetes, nomad, random, p2c, "
                    + "allocation-spread, or all "
                    + "(default: all; blackstart-no-journal only with --etcd-outage).")
    String policy = "all";

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the platform and the policies (default: ${DEFAULT-VALUE}).")
    long seed = DrillOptions.DEFAULT_SEED;

    @Option(names = "--json", description = "Print the result as JSON (DESIGN.md 'Drill output').")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
    Path report;

    @Option(names = "--catalog", paramLabel = "FILE", description = "A JSON array of app specs instead of a generated catalog.")
    Path catalog;

    @Option(names = "--return-window", paramLabel = "DURATION",
            description = "Hosts come back over this window: 900, 900s, 15m, 1h (default: the scenario's, 15m).")
    String returnWindow;

    @Option(names = "--lost-hosts", paramLabel = "FRACTION",
            description = "Share of hosts that never come back, 0 <= F < 1 (default: the scenario's, 0.02).")
    Double lostHosts;

    @Option(names = "--readiness", description = "Apps are ready some seconds after they run; up means ready "
            + "(drill/README.md).")
    boolean readiness;

    @Option(names = "--etcd-outage", paramLabel = "FROM,TO",
            description = "etcd takes no writes from FROM to TO, durations since power-on, e.g. 60,900.")
    String etcdOutage;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DrillOptions o;
        try {
            o = DrillOptions.of(scenario == null ? Scenario.DEFAULT : Scenario.parse(scenario)).withSeed(seed)
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
                o = o.withReturnWindowSeconds(DrillMain.parseDuration(returnWindow));
            }
            if (lostHosts != null) {
                o = o.withLostHostsFraction(lostHosts);
            }
            if (readiness) {
                o = o.withReadiness(true);
            }
            if (etcdOutage != null) {
                double[] w = DrillMain.parseOutage(etcdOutage);
                o = o.withEtcdOutage(w[0], w[1]);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        DrillResult r;
        try {
            // the bar redraws one line with \r: only on a terminal, never into a log file or a pipe
            boolean bar = !json && System.console() != null;
            r = Drill.run(o, bar ? new ProgressBar(System.err) : ProgressListener.NONE);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new OperatorException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? r.toJson() : ResultTable.render(r));
        if (report != null) {
            try {
                HtmlReport.write(r, report);
            } catch (IOException e) {
                throw new OperatorException("cannot write the report " + report + ": " + e.getMessage());
            }
            if (!json) {
                out.println("report: " + report.toAbsolutePath());
            }
        }
        out.flush();
        return 0;
    }
}
