package io.blackstart.agent;

import io.blackstart.protocol.wire.HostLoad;

import java.util.List;

/**
 * One reading of the host's load, as a {@link HostProbe} measured it.
 *
 * @param cores             CPU cores available (0 if unknown)
 * @param memoryTotalMb     MemTotal in MiB (0 if unknown)
 * @param memoryAvailableMb MemAvailable in MiB
 * @param cpuPsi            CPU pressure: PSI "some avg10" as a share 0..1, or {@code NaN} when the kernel has no PSI
 * @param ioPsi             I/O pressure: PSI "some avg10" as a share 0..1, or {@code NaN} when absent
 * @param loadAverage1m     1-minute load average
 */
public record HostReading(int cores, long memoryTotalMb, long memoryAvailableMb, double cpuPsi, double ioPsi,
                          double loadAverage1m) {

    /** A reading before any sample: no limit is derived from it except the configured bounds. */
    public static HostReading unknown() {
        return new HostReading(0, 0, 0, Double.NaN, Double.NaN, 0);
    }

    /** CPU pressure 0..1: PSI when present, else load average per core (capped at 1). */
    public double cpuPressure() {
        if (!Double.isNaN(cpuPsi)) {
            return clamp(cpuPsi);
        }
        return cores > 0 ? clamp(loadAverage1m / cores) : 0;
    }

    /** I/O pressure 0..1: PSI when present, else 0 (unknown). */
    public double ioPressure() {
        return Double.isNaN(ioPsi) ? 0 : clamp(ioPsi);
    }

    /** The wire form of this reading. */
    public HostLoad toHostLoad(int pullsInFlight, List<String> images) {
        return new HostLoad(cores, memoryTotalMb, memoryAvailableMb, cpuPressure(), ioPressure(), loadAverage1m,
                pullsInFlight, images);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
