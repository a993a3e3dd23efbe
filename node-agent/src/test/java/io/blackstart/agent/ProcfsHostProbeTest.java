package io.blackstart.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProcfsHostProbeTest {

    @TempDir
    Path proc;

    @Test
    void readsPsiLoadAndMemory() throws IOException {
        Files.createDirectories(proc.resolve("pressure"));
        Files.writeString(proc.resolve("pressure/cpu"), """
                some avg10=42.50 avg60=5.06 avg300=2.26 total=9427101
                full avg10=0.00 avg60=0.00 avg300=0.00 total=0
                """);
        Files.writeString(proc.resolve("pressure/io"), """
                some avg10=3.00 avg60=0.36 avg300=0.38 total=2140742
                full avg10=1.00 avg60=0.34 avg300=0.35 total=2030644
                """);
        Files.writeString(proc.resolve("loadavg"), "1.50 0.80 0.40 2/345 6789\n");
        Files.writeString(proc.resolve("meminfo"), """
                MemTotal:        8048576 kB
                MemFree:          100000 kB
                MemAvailable:    2097152 kB
                """);
        HostReading r = new ProcfsHostProbe(proc, () -> 2).read();
        assertEquals(2, r.cores());
        assertEquals(7859, r.memoryTotalMb());
        assertEquals(2048, r.memoryAvailableMb());
        assertEquals(0.425, r.cpuPressure(), 1e-9);
        assertEquals(0.03, r.ioPressure(), 1e-9);
        assertEquals(1.5, r.loadAverage1m(), 1e-9);
    }

    @Test
    void withoutPsiFallsBackToLoadPerCore() throws IOException {
        Files.writeString(proc.resolve("loadavg"), "1.00 0.80 0.40 2/345 6789\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal: 1024 kB\nMemAvailable: 512 kB\n");
        HostReading r = new ProcfsHostProbe(proc, () -> 4).read();
        assertTrue(Double.isNaN(r.cpuPsi()));
        assertEquals(0.25, r.cpuPressure(), 1e-9);
        assertEquals(0, r.ioPressure(), 1e-9);
    }

    @Test
    void readsThisMachine() {
        HostReading r = new ProcfsHostProbe(Path.of("/proc")).read();
        assertTrue(r.cores() > 0 && r.memoryTotalMb() > 0 && r.memoryAvailableMb() > 0, r.toString());
    }
}
