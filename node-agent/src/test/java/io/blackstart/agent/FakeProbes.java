package io.blackstart.agent;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Host and disk probes whose readings a test sets. */
final class FakeProbes implements HostProbe, DiskProbe {

    static final HostReading CALM = new HostReading(8, 16_384, 12_000, 0.0, 0.0, 0.1);

    final AtomicReference<HostReading> reading = new AtomicReference<>(CALM);
    final AtomicReference<Double> diskUsedPercent = new AtomicReference<>(50.0);
    final AtomicInteger diskReads = new AtomicInteger();

    @Override
    public HostReading read() {
        return reading.get();
    }

    @Override
    public double usedPercent() {
        diskReads.incrementAndGet();
        return diskUsedPercent.get();
    }
}
