package io.blackstart.drill;

import io.blackstart.protocol.Tier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a drill's result as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched): the
 * lower bound, the table of every policy's figures, the curve of running instances over time for every policy (over
 * three times the lower bound, and over the whole recovery when a policy takes longer), and the same curves per
 * tier (platform, database, app). With {@code --readiness} the curves count ready instances and the table gains
 * crash restarts; with {@code --etcd-outage} the outage window is shaded on every chart and the table gains the
 * starts sent inside it.
 */
public final class HtmlReport {

    private static final String[] COLORS = {"#1b7f3b", "#c0392b", "#8e44ad", "#d68910", "#2471a3", "#555555",
            "#117a8b", "#a04000"};
    private static final int W = 860;
    private static final int H = 320;
    private static final int PAD_L = 64;
    private static final int PAD_B = 40;
    private static final int PAD_T = 16;
    private static final int PAD_R = 16;
    private static final int POINTS = 400;

    private HtmlReport() {
    }

    /** Writes the page to {@code file} (UTF-8), replacing it. */
    public static void write(DrillResult r, Path file) throws IOException {
        Files.writeString(file, render(r));
    }

    /** The page as a string. */
    public static String render(DrillResult r) {
        StringBuilder sb = new StringBuilder(64_000);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Blackstart drill: ").append(r.hosts()).append(" hosts, ").append(r.instances())
                .append(" instances</title>\n<style>")
                .append("body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1180px;color:#222}")
                .append("table{border-collapse:collapse;margin:12px 0}th,td{padding:4px 8px;text-align:right;border-bottom:1px solid #ddd;white-space:nowrap}")
                .append("th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}")
                .append(".sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}")
                .append("svg{background:#fff;border:1px solid #ddd}.note{color:#666;font-size:13px}")
                .append("</style></head><body>\n");
        LowerBound lb = r.lowerBound();
        sb.append("<h1>Blackout drill</h1>\n<p>").append(String.format(Locale.ROOT,
                "%,d hosts, %,d apps, %,d instances, seed %d. Power comes back at t = 0.", r.hosts(), r.apps(),
                r.instances(), r.seed())).append("</p>\n");
        if (r.scenario() != Scenario.DEFAULT) {
            sb.append("<p><b>Scenario ").append(esc(r.scenario().wireName())).append("</b>: ")
                    .append(esc(r.scenario().summary())).append("</p>\n");
        }
        sb.append("<p><b>Lower bound</b> on the makespan: ").append(ResultTable.duration(lb.totalSeconds()))
                .append(" (platform tier ").append(ResultTable.duration(lb.platformSeconds())).append(" + the rest ")
                .append(ResultTable.duration(lb.restSeconds()))
                .append("). No scheduler that honours the platform gate can do better on this platform; without the ")
                .append("gate, none can beat ").append(ResultTable.duration(lb.ungatedSeconds())).append(".</p>\n");
        if (r.readiness()) {
            sb.append("<p><b>Readiness modelled</b>: an instance is up when it is ready, some seconds after it runs; ")
                    .append("a dependant started before its dependencies are ready crash-exits and restarts in place ")
                    .append("(<b>crash restarts</b>).</p>\n");
        }
        if (r.etcdOutage()) {
            sb.append("<p><b>etcd outage</b>: no writes from ").append(ResultTable.duration(r.etcdOutageFrom()))
                    .append(" to ").append(ResultTable.duration(r.etcdOutageTo()))
                    .append(" (shaded on the charts); <b>starts in outage</b>: starts sent inside it.</p>\n");
        }
        table(sb, r);
        double end = 0;
        for (PolicyOutcome o : r.policies().values()) {
            end = Math.max(end, o.makespanSeconds());
        }
        end = Math.max(end, 1) * 1.02;
        double zoom = Math.min(end, Math.max(3 * lb.totalSeconds(), 1));
        sb.append("<h2>").append(r.readiness() ? "Ready" : "Running").append(" instances over time</h2>\n");
        chart(sb, r, -1, zoom, r.instances());
        if (zoom < end) {
            sb.append("<p class=\"note\">The first ").append(ResultTable.duration(zoom))
                    .append(" (three times the lower bound). The whole recovery:</p>\n");
            chart(sb, r, -1, end, r.instances());
        }
        for (Tier t : Tier.values()) {
            int total = 0;
            for (PolicyOutcome o : r.policies().values()) {
                total = Math.max(total, o.upTimesByTier()[t.ordinal()].length);
            }
            sb.append("<h3>Tier ").append(t.wireName()).append("</h3>\n");
            if (total == 0) {
                sb.append("<p class=\"note\">No instance in this tier.</p>\n");
                continue;
            }
            chart(sb, r, t.ordinal(), zoom, total);
        }
        if (zoom < end) {
            sb.append("<p class=\"note\">Tier charts show the first ").append(ResultTable.duration(zoom))
                    .append(" (three times the lower bound).</p>\n");
        }
        sb.append("<h2>How to read this</h2>\n<ul class=\"note\">")
                .append("<li><b>makespan</b>: until the last instance is up; <b>× LB</b>: makespan ÷ lower bound; "
                        + "† a policy without start order (no platform gate): ÷ the bound without the gate.</li>")
                .append("<li><b>in flight / credit</b>: the most starts one host had pulling or in its engine at once, ")
                .append("÷ the starts its agent would grant (its knee). Above 1, the host was overloaded.</li>")
                .append("<li><b>downtime</b>: per app, until its first instance is up.</li>")
                .append("<li><b>duplicates</b>: containers that came up beside a running one of the same instance.</li>")
                .append("</ul>\n</body></html>\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, DrillResult r) {
        sb.append("<table><tr><th>policy</th><th>makespan</th><th>× LB</th><th>timeouts</th><th>retries</th>")
                .append("<th>duplicates</th><th>in flight / credit</th><th>mean downtime</th><th>p95 downtime</th>")
                .append("<th>platform up</th>");
        if (r.readiness()) {
            sb.append("<th>crash restarts</th>");
        }
        if (r.etcdOutage()) {
            sb.append("<th>starts in outage</th>");
        }
        sb.append("</tr>\n");
        int k = 0;
        for (PolicyOutcome o : r.policies().values()) {
            sb.append("<tr><td><span class=\"sw\" style=\"background:").append(COLORS[k++ % COLORS.length])
                    .append("\"></span>").append(esc(o.policy())).append("</td><td>")
                    .append(o.complete() ? ResultTable.duration(o.makespanSeconds())
                            : "incomplete: " + o.instancesUp() + " of " + o.instances() + " up")
                    .append("</td><td>").append(o.complete()
                            ? String.format(Locale.ROOT, "%.2f", r.ratioToLowerBound(o.policy()))
                            + (Drill.honoursGate(o.policy()) ? "" : " †") : "-")
                    .append("</td><td>").append(o.timeouts()).append("</td><td>").append(o.retries())
                    .append("</td><td>").append(o.duplicates()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f", o.peakInflightPerCredit())).append("</td><td>")
                    .append(ResultTable.duration(o.meanDowntimeSeconds())).append("</td><td>")
                    .append(ResultTable.duration(o.p95DowntimeSeconds())).append("</td><td>")
                    .append(ResultTable.duration(o.platformUpSeconds())).append("</td>");
            if (r.readiness()) {
                sb.append("<td>").append(o.crashRestarts()).append("</td>");
            }
            if (r.etcdOutage()) {
                sb.append("<td>").append(o.startsDuringOutage()).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    /** A line chart of instances up over [0, end] s; tier -1 for all tiers. */
    private static void chart(StringBuilder sb, DrillResult r, int tier, double end, int total) {
        int pw = W - PAD_L - PAD_R;
        int ph = H - PAD_T - PAD_B;
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\">\n");
        if (r.etcdOutage() && r.etcdOutageFrom() < end) {
            double x0 = PAD_L + pw * r.etcdOutageFrom() / end;
            double x1 = PAD_L + pw * Math.min(r.etcdOutageTo(), end) / end;
            sb.append(String.format(Locale.ROOT,
                    "<rect class=\"outage\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f3e3e3\">"
                            + "<title>etcd outage</title></rect>\n", x0, PAD_T, Math.max(0.5, x1 - x0), ph));
        }
        // axes and grid
        for (int g = 0; g <= 4; g++) {
            double y = PAD_T + ph - ph * g / 4.0;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#666\">%,d</text>\n",
                    PAD_L, y, PAD_L + pw, y, PAD_L - 6, y + 4, Math.round(total * g / 4.0)));
            double x = PAD_L + pw * g / 4.0;
            sb.append(String.format(Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#666\">%s</text>\n",
                    x, H - PAD_B + 16, ResultTable.duration(end * g / 4.0)));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>",
                PAD_L, PAD_T + ph, PAD_L + pw, PAD_T + ph));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#666\">time since power is back</text>\n",
                PAD_L, H - 6));
        int k = 0;
        for (PolicyOutcome o : r.policies().values()) {
            StringBuilder pts = new StringBuilder();
            for (int p = 0; p <= POINTS; p++) {
                double t = end * p / POINTS;
                int up = tier < 0 ? o.upAt(t) : o.upAt(tier, t);
                double x = PAD_L + pw * (double) p / POINTS;
                double y = PAD_T + ph - ph * (double) up / Math.max(1, total);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(COLORS[k % COLORS.length])
                    .append("\" points=\"").append(pts.toString().trim()).append("\"><title>").append(esc(o.policy()))
                    .append("</title></polyline>\n");
            sb.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n",
                    PAD_L + 10, PAD_T + 8 + 16 * k, COLORS[k % COLORS.length], PAD_L + 26, PAD_T + 17 + 16 * k,
                    esc(o.policy())));
            k++;
        }
        sb.append("</svg>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
