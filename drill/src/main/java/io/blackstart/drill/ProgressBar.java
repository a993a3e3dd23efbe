package io.blackstart.drill;

import java.io.PrintStream;

/**
 * A one-line text progress bar for a terminal: {@code [2/5] stale-snapshot  [#########.........]  48%}, redrawn in
 * place with a carriage return, ended with a newline when a policy finishes. Policies running in parallel take turns
 * on the line. Writes only when the shown line changes.
 */
public final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private String lastLine = "";

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void progress(String policy, int index, int count, double fraction) {
        int pct = (int) Math.floor(fraction * 100);
        int filled = (int) Math.round(fraction * WIDTH);
        String line = String.format("[%d/%d] %-18s [%s%s] %3d%%", index + 1, count, policy, "#".repeat(filled),
                ".".repeat(WIDTH - filled), pct);
        if (line.equals(lastLine)) {
            return;
        }
        lastLine = line;
        out.print("\r" + line);
        if (fraction >= 1) {
            out.println();
        }
        out.flush();
    }
}
