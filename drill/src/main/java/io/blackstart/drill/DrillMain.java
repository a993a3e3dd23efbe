package io.blackstart.drill;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs the drill standalone, for quick benchmarking without the {@code blackstart} CLI:
 * {@code java -cp ... io.blackstart.drill.DrillMain [--hosts N] [--apps N] [--policy P] [--seed S] [--json]
 * [--report FILE.html] [--catalog FILE] [--return-window DURATION] [--lost-hosts FRACTION] [--readiness]
 * [--etcd-outage FROM,TO]}. The flags are those of
 * {@code blackstart drill}. Bad flags print the usage on stderr and exit with status 2.
 */
public final class DrillMain {

    static final String USAGE = String.join("\n",
            "usage: drill [--hosts N] [--apps N] [--policy P] [--seed S] [--json] [--report FILE.html]",
            "             [--catalog FILE] [--return-window DURATION] [--lost-hosts FRACTION]",
            "             [--readiness] [--etcd-outage FROM,TO] [--scenario NAME]",
            "  --hosts N               hosts of the platform (default " + DrillOptions.DEFAULT_HOSTS + ")",
            "  --apps N                apps to generate, about 2 instances each (default " + DrillOptions.DEFAULT_APPS + ")",
            "  --policy P              one of " + String.join(", ", Drill.KNOWN_POLICIES) + " or all (default all;",
            "                          blackstart-no-journal only with --etcd-outage)",
            "  --seed S                seed of the platform and the policies (default " + DrillOptions.DEFAULT_SEED + ")",
            "  --json                  print the result as JSON instead of a table",
            "  --report FILE.html      also write a self-contained HTML report",
            "  --catalog FILE          a JSON array of app specs instead of a generated catalog",
            "  --return-window D       hosts come back over D: 900, 900s, 15m, 1h (default 15m)",
            "  --lost-hosts F          share of hosts that never come back, 0 <= F < 1 (default 0.02)",
            "  --readiness             apps are ready some seconds after they run; up means ready (default off)",
            "  --etcd-outage FROM,TO   etcd takes no writes from FROM to TO: durations since power-on, e.g. 60,900",
            "  --scenario NAME         a preset platform: " + Scenario.names() + " (default default);",
            "                          --hosts, --apps, --return-window, --lost-hosts override its values");

    private DrillMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Parses, runs, prints; returns the exit status (0 ok, 2 bad arguments, 1 failure). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        DrillOptions o;
        boolean json = false;
        Path report = null;
        try {
            o = DrillOptions.of(scenario(args));
            for (int k = 0; k < args.length; k++) {
                String a = args[k];
                switch (a) {
                    case "--hosts" -> o = o.withHosts(Integer.parseInt(value(args, ++k, a)));
                    case "--apps" -> o = o.withApps(Integer.parseInt(value(args, ++k, a)));
                    case "--policy" -> {
                        String p = value(args, ++k, a);
                        o = o.withPolicies(p.equals("all") ? List.of() : List.of(p));
                    }
                    case "--seed" -> o = o.withSeed(Long.parseLong(value(args, ++k, a)));
                    case "--json" -> json = true;
                    case "--report" -> report = Path.of(value(args, ++k, a));
                    case "--catalog" -> o = o.withCatalogFile(Path.of(value(args, ++k, a)));
                    case "--return-window" -> o = o.withReturnWindowSeconds(parseDuration(value(args, ++k, a)));
                    case "--lost-hosts" -> o = o.withLostHostsFraction(Double.parseDouble(value(args, ++k, a)));
                    case "--readiness" -> o = o.withReadiness(true);
                    case "--etcd-outage" -> {
                        double[] w = parseOutage(value(args, ++k, a));
                        o = o.withEtcdOutage(w[0], w[1]);
                    }
                    case "--scenario" -> k++; // read first: the other flags override its values
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("drill: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            DrillResult r = Drill.run(o, json ? ProgressListener.NONE : new ProgressBar(err));
            out.println(json ? r.toJson() : ResultTable.render(r));
            if (report != null) {
                HtmlReport.write(r, report);
                if (!json) {
                    out.println("report: " + report.toAbsolutePath());
                }
            }
            return 0;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("drill: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("drill: cannot write report: " + e.getMessage());
            return 1;
        }
    }

    /** The {@code --scenario} of {@code args} (the last one given), the default scenario without one. */
    private static Scenario scenario(String[] args) {
        Scenario s = Scenario.DEFAULT;
        for (int k = 0; k < args.length; k++) {
            if (args[k].equals("--scenario")) {
                s = Scenario.parse(value(args, ++k, "--scenario"));
            }
        }
        return s;
    }

    private static String value(String[] args, int k, String flag) {
        if (k >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[k];
    }

    /**
     * {@code --etcd-outage} values: {@code FROM,TO}, two durations since power-on ({@link #parseDuration}) with
     * FROM &lt; TO → {from, to} seconds.
     *
     * @throws IllegalArgumentException naming the flag, for anything else
     */
    public static double[] parseOutage(String s) {
        String[] parts = s.split(",", -1);
        String expected = " (expected FROM,TO: durations since power-on with FROM < TO, e.g. 60,900 or 1m,15m)";
        if (parts.length != 2) {
            throw new IllegalArgumentException("--etcd-outage: not a window: '" + s + "'" + expected);
        }
        double from;
        double to;
        try {
            from = parseDuration(parts[0]);
            to = parseDuration(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--etcd-outage: not a window: '" + s + "'" + expected);
        }
        if (!(from < to)) {
            throw new IllegalArgumentException("--etcd-outage: the window ends before it begins: '" + s + "'"
                    + expected);
        }
        return new double[]{from, to};
    }

    /** {@code 900}, {@code 900s}, {@code 15m}, {@code 1h}, {@code 1.5m} → seconds. */
    public static double parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        double unit = 1;
        if (t.endsWith("ms")) {
            unit = 0.001;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3600;
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t) * unit;
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + s + "' (e.g. 900, 900s, 15m, 1h)");
        }
    }
}
