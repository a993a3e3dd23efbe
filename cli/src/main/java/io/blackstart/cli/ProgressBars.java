package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Text progress bars of a {@code /api/v1/status} answer, for {@code blackstart status --watch}: one bar per tier
 * and one for the total ({@code #} running, {@code +} starting, {@code x} failed, {@code .} pending), then
 * throughput, ETA and the customer sentence. Pure.
 */
final class ProgressBars {

    private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private ProgressBars() {
    }

    static List<String> render(JsonNode s, int width, long now) {
        List<String> lines = new ArrayList<>();
        lines.add("Blackstart  mode " + Output.text(s, "mode") + " (" + Output.text(s, "modeBy") + ") since "
                + Output.text(s, "since") + "   etcd " + Output.text(s, "etcd") + "   at "
                + HH_MM_SS.format(Instant.ofEpochMilli(now)) + " UTC");
        lines.add("");
        for (String tier : List.of("platform", "database", "app")) {
            lines.add(line(tier, s.path("tiers").path(tier), width));
        }
        lines.add(line("total", s, width));
        lines.add("");
        lines.add(String.format("throughput %.2f starts/s   ETA %s", s.path("throughputPerSecond").asDouble(),
                eta(s.get("etaSeconds"), now)));
        lines.add(Output.text(s, "summary"));
        return lines;
    }

    static String line(String name, JsonNode c, int width) {
        int desired = c.path("desired").asInt();
        int running = c.path("running").asInt();
        int starting = c.path("starting").asInt();
        int failed = c.path("failed").asInt();
        int pending = c.path("pending").asInt();
        int percent = desired == 0 ? 100 : (int) Math.floor(100.0 * running / desired);
        return String.format("%-9s [%s] %3d%%  %d/%d running  (%d starting, %d pending, %d failed)", name,
                bar(desired, running, starting, failed, width), percent, running, desired, starting, pending, failed);
    }

    /** {@code width} characters: running, starting, failed, the rest pending. */
    static String bar(int desired, int running, int starting, int failed, int width) {
        if (desired <= 0) {
            return " ".repeat(width);
        }
        int r = running * width / desired;
        int st = Math.min(width - r, (int) Math.round(starting * (double) width / desired));
        int f = Math.min(width - r - st, (int) Math.round(failed * (double) width / desired));
        return "#".repeat(r) + "+".repeat(st) + "x".repeat(f) + ".".repeat(width - r - st - f);
    }

    static String eta(JsonNode etaSeconds, long now) {
        if (etaSeconds == null || etaSeconds.isNull() || etaSeconds.asLong() < 0) {
            return "unknown";
        }
        long s = etaSeconds.asLong();
        if (s == 0) {
            return "done";
        }
        String in = s < 90 ? s + " s" : s < 5400 ? Math.round(s / 60.0) + " min" : String.format("%.1f h", s / 3600.0);
        return in + " (around " + HH_MM_SS.format(Instant.ofEpochMilli(now + s * 1000)) + " UTC)";
    }
}
