package io.blackstart.agent;

import io.blackstart.protocol.wire.HostLoad;

/**
 * Whether a change of host load is worth a report. Pure. Credits are compared separately: any credit change is
 * worth a report.
 *
 * @param pressureStep change of CPU or I/O pressure (0..1) that matters
 * @param memoryStepMb change of available memory (MiB) that matters
 */
public record LoadChange(double pressureStep, long memoryStepMb) {

    /** True if {@code now} differs meaningfully from {@code reported} (the load last sent). */
    public boolean significant(HostLoad reported, HostLoad now) {
        return reported.cores() != now.cores()
                || reported.pullsInFlight() != now.pullsInFlight()
                || Math.abs(reported.cpuPressure() - now.cpuPressure()) >= pressureStep
                || Math.abs(reported.ioPressure() - now.ioPressure()) >= pressureStep
                || Math.abs(reported.memoryAvailableMb() - now.memoryAvailableMb()) >= memoryStepMb
                || !reported.images().equals(now.images());
    }
}
