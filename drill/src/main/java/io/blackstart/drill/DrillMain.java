package io.blackstart.drill;

import picocli.CommandLine;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Runs the drill standalone, for quick benchmarking without the {@code blackstart} CLI:
 * {@code java -cp ... io.blackstart.drill.DrillMain [flags]}. The flags are those of {@code blackstart drill}, parsed
 * by the same {@link DrillCommand}; bad flags print the usage on stderr and exit with status 2. Also the value
 * parsers of {@code --return-window} and {@code --etcd-outage}.
 */
public final class DrillMain {

    private DrillMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Parses, runs, prints; returns the exit status (0 ok, 2 bad arguments, 1 failure). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cmd = new CommandLine(new DrillCommand());
        cmd.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cmd.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        return cmd.execute(args);
    }

    /** The usage message of the drill's flags. */
    static String usage() {
        return new CommandLine(new DrillCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
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
