package io.blackstart.protocol.wire;

import java.util.List;

/**
 * Live load of a host, as measured by its agent.
 *
 * @param cores             CPU cores
 * @param memoryTotalMb     physical memory in MiB
 * @param memoryAvailableMb memory available for new containers in MiB (MemAvailable)
 * @param cpuPressure       share of time some task waited for CPU over the last 10 s (PSI avg10 / 100, 0..1),
 *                          or load average / cores when PSI is absent
 * @param ioPressure        same for I/O (0 when unknown)
 * @param loadAverage1m     1-minute load average
 * @param pullsInFlight     image pulls in progress
 * @param images            image references present on the host (repo tags)
 */
public record HostLoad(int cores, long memoryTotalMb, long memoryAvailableMb, double cpuPressure, double ioPressure,
                       double loadAverage1m, int pullsInFlight, List<String> images) {
    public HostLoad {
        images = List.copyOf(images == null ? List.of() : images);
    }

    public static HostLoad unknown() {
        return new HostLoad(0, 0, 0, 0, 0, 0, 0, List.of());
    }
}
