package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code blackstart report}: after a recovery, the timeline (as in an incident report) and each app's downtime,
 * from when it stopped running to when it ran again, with the apps whose downtime breaks the SLA listed.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "After a recovery: the timeline and each app's downtime, with the apps that break the SLA.")
final class ReportCommand implements Runnable {
    @Mixin
    ApiOptions api;

    static final class Format {
        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Option(names = "--csv", description = "One line per app (CSV with a header).")
        boolean csv;
    }

    @ArgGroup(exclusive = true)
    Format format = new Format();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE instead of the terminal.")
    Path out;

    @Option(names = "--sla", paramLabel = "SECONDS",
            description = "An app down longer than this breaks the SLA (default: the coordinator's tracker.sla).")
    Long slaSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (slaSeconds != null && slaSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--sla must be >= 0 seconds");
        }
        String query = slaSeconds == null ? "" : "sla=" + slaSeconds;
        ApiClient client = api.client();
        String text;
        if (format.csv) {
            text = client.getText("api/v1/report?format=csv" + (query.isEmpty() ? "" : "&" + query));
        } else {
            JsonNode r = client.get("api/v1/report" + (query.isEmpty() ? "" : "?" + query));
            StringWriter buffer = new StringWriter();
            PrintWriter w = new PrintWriter(buffer);
            if (format.json) {
                Output.json(w, r);
            } else {
                text(w, r);
            }
            w.flush();
            text = buffer.toString();
        }
        if (out == null) {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(text);
            stdout.flush();
            return;
        }
        try {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OperatorException("cannot write " + out + ": " + e.getMessage());
        }
        spec.commandLine().getOut().println("report written to " + out);
        spec.commandLine().getOut().flush();
    }

    static void text(PrintWriter w, JsonNode r) {
        w.printf("Recovery report, generated %s; mode %s; %s of %s instances running, %s failed%n",
                Output.text(r, "generatedAt"), Output.text(r, "mode"), Output.text(r, "running"),
                Output.text(r, "desired"), Output.text(r, "failed"));
        w.println();
        w.println("Timeline (UTC):");
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : r.path("timeline")) {
            rows.add(List.of("  " + Output.text(e, "at"), Output.text(e, "kind"), Output.text(e, "detail")));
        }
        if (rows.isEmpty()) {
            w.println("  (nothing happened while this coordinator watched)");
        } else {
            Output.table(w, List.of("  AT", "EVENT", "WHAT"), rows);
        }
        w.println();
        long sla = r.path("slaSeconds").asLong();
        w.println("Downtime per app, longest first (down: not every instance running):");
        rows = new ArrayList<>();
        for (JsonNode a : r.path("apps")) {
            rows.add(List.of(Output.text(a, "appId"), Output.text(a, "tier"), Output.text(a, "instances"),
                    Output.text(a, "downSince"), a.path("downNow").asBoolean() ? "still down" : Output.text(a, "upAgain"),
                    duration(a.path("downtimeSeconds").asDouble()), a.path("slaBreached").asBoolean() ? "BREACHED" : "ok"));
        }
        Output.table(w, List.of("APP", "TIER", "INSTANCES", "DOWN-SINCE", "UP-AGAIN", "DOWNTIME", "SLA"), rows);
        w.println();
        JsonNode breaches = r.path("slaBreaches");
        if (breaches.isEmpty()) {
            w.printf("No app was down longer than the SLA (%s).%n", duration(sla));
        } else {
            w.printf("%d app%s down longer than the SLA (%s):%n", breaches.size(), breaches.size() == 1 ? "" : "s",
                    duration(sla));
            for (JsonNode b : breaches) {
                w.println("  " + b.asText());
            }
        }
        JsonNode unready = r.path("unready");
        if (!unready.isEmpty()) {
            w.println();
            w.println("Running but not ready (health check not passed yet, or failing), longest first:");
            rows = new ArrayList<>();
            for (JsonNode u : unready) {
                int attention = u.path("needsAttention").asInt();
                rows.add(List.of(Output.text(u, "appId"), Output.text(u, "tier"),
                        duration(u.path("unreadySeconds").asDouble()), duration(u.path("longestSeconds").asDouble()),
                        attention > 0 ? attention + " NEED ATTENTION" : u.path("unreadyNow").asInt() > 0
                                ? u.path("unreadyNow").asInt() + " not ready yet" : "ready",
                        u.path("lastProbeOutput").isNull() ? "" : Output.text(u, "lastProbeOutput")));
            }
            Output.table(w, List.of("APP", "TIER", "UNREADY", "LONGEST", "NOW", "LAST-PROBE-OUTPUT"), rows);
        }
    }

    /** {@code 42.0 s}, {@code 3m 05s}, {@code 1h 02m}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (seconds < 60) {
            return String.format("%.1f s", seconds);
        }
        if (s < 3600) {
            return String.format("%dm %02ds", s / 60, s % 60);
        }
        return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
    }
}
