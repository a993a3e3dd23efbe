package io.blackstart.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * {@link HostProbe} reading Linux's proc filesystem: {@code pressure/cpu} and {@code pressure/io} (PSI "some avg10";
 * absent on kernels without PSI), {@code loadavg} and {@code meminfo} (MemTotal, MemAvailable).
 */
public final class ProcfsHostProbe implements HostProbe {

    private final Path procRoot;
    private final IntSupplier cores;

    /** Reads under {@code procRoot} (normally {@code /proc}); cores from the JVM's view of the machine. */
    public ProcfsHostProbe(Path procRoot) {
        this(procRoot, () -> Runtime.getRuntime().availableProcessors());
    }

    ProcfsHostProbe(Path procRoot, IntSupplier cores) {
        this.procRoot = procRoot;
        this.cores = cores;
    }

    @Override
    public HostReading read() {
        long totalKb = 0;
        long availableKb = 0;
        for (String line : lines("meminfo")) {
            if (line.startsWith("MemTotal:")) {
                totalKb = kilobytes(line);
            } else if (line.startsWith("MemAvailable:")) {
                availableKb = kilobytes(line);
            }
        }
        List<String> loadavg = lines("loadavg");
        double load = loadavg.isEmpty() ? 0 : Double.parseDouble(loadavg.get(0).trim().split("\\s+")[0]);
        return new HostReading(cores.getAsInt(), totalKb / 1024, availableKb / 1024, psiSomeAvg10("pressure/cpu"),
                psiSomeAvg10("pressure/io"), load);
    }

    /** PSI "some avg10" as a share 0..1, or NaN if the file is absent or unreadable (PSI disabled). */
    private double psiSomeAvg10(String file) {
        Path path = procRoot.resolve(file);
        if (!Files.isReadable(path)) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(path)) {
                if (line.startsWith("some ")) {
                    for (String field : line.split("\\s+")) {
                        if (field.startsWith("avg10=")) {
                            return Double.parseDouble(field.substring("avg10=".length())) / 100.0;
                        }
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // a kernel built with PSI but booted with psi=0 answers EOPNOTSUPP on read: treat as absent
            return Double.NaN;
        }
        return Double.NaN;
    }

    private List<String> lines(String file) {
        try {
            return Files.readAllLines(procRoot.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + procRoot.resolve(file), e);
        }
    }

    private static long kilobytes(String meminfoLine) {
        String[] parts = meminfoLine.trim().split("\\s+");
        return parts.length >= 2 ? Long.parseLong(parts[1]) : 0;
    }
}
