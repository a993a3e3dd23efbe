package io.blackstart.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CreditPolicyTest {

    // max 4 credits; CPU limits from 20% to 80% PSI, I/O from 10% to 50%; 256 MiB reserve, 128 MiB per start; 2/core
    private final CreditPolicy policy = new CreditPolicy(4, 0.2, 0.8, 0.1, 0.5, 256, 128, 2);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // case,                              cores, availMb, cpuPsi, ioPsi, load, starts, pulls, pendingMb, credits, limit
            "idle host: bounded by max,             8,    16000,   0.0,    0.0,   0.1,  0,      0,     0,         4, MAX_CREDITS",
            "in flight counts,                      8,    16000,   0.0,    0.0,   0.1,  3,      0,     0,         1, IN_FLIGHT",
            "pull counts like a start,              8,    16000,   0.0,    0.0,   0.1,  1,      1,     0,         2, IN_FLIGHT",
            "never negative,                        8,    16000,   0.0,    0.0,   0.1,  9,      0,     0,         0, IN_FLIGHT",
            "CPU pressure half way: half,           8,    16000,   0.5,    0.0,   0.1,  0,      0,     0,         2, PRESSURE",
            "high CPU pressure: progress floor,     8,    16000,   0.85,   0.0,   0.1,  0,      0,     0,         1, PROGRESS_FLOOR",
            "high CPU pressure, one in flight: none, 8,   16000,   0.85,   0.0,   0.1,  1,      0,     0,         0, IN_FLIGHT",
            "high IO pressure: progress floor,      8,    16000,   0.0,    0.6,   0.1,  0,      0,     0,         1, PROGRESS_FLOOR",
            "high IO pressure, a pull running: none, 8,   16000,   0.0,    0.6,   0.1,  0,      1,     0,         0, IN_FLIGHT",
            "pressure and in flight,                8,    16000,   0.5,    0.0,   0.1,  1,      0,     0,         1, IN_FLIGHT",
            "one core: two slots,                   1,    16000,   0.0,    0.0,   0.1,  0,      0,     0,         2, CORES",
            "low memory: fewer,                     8,    600,     0.0,    0.0,   0.1,  0,      0,     0,         2, MEMORY",
            "memory of pending starts counts,       8,    600,     0.0,    0.0,   0.1,  0,      0,     256,       0, MEMORY",
            "memory below reserve: none,            8,    200,     0.0,    0.0,   0.1,  0,      0,     0,         0, MEMORY",
            "no PSI: load per core instead,         2,    16000,   NaN,    NaN,   2.0,  1,      0,     0,         0, IN_FLIGHT",
            "no PSI and light load,                  2,    16000,   NaN,    NaN,   0.2,  0,      0,     0,         4, MAX_CREDITS",
    })
    void creditsFollowLoad(String name, int cores, long availableMb, double cpuPsi, double ioPsi, double load,
                           int starts, int pulls, long pendingMb, int expected, CreditPolicy.Limit limit) {
        HostReading reading = new HostReading(cores, 16_384, availableMb, cpuPsi, ioPsi, load);
        CreditPolicy.Decision decision = policy.decide(reading, starts, pulls, pendingMb);
        assertEquals(expected, decision.credits(), name + ": " + decision);
        assertEquals(limit, decision.limitedBy(), name + ": " + decision);
    }

    @Test
    void unknownReadingGrantsOnlyTheConfiguredBound() {
        assertEquals(4, policy.decide(HostReading.unknown(), 0, 0, 0).credits());
        assertEquals(3, policy.decide(HostReading.unknown(), 1, 0, 0).credits());
    }

    @Test
    void creditsNeverIncreaseWithMorePressureOrWork() {
        for (int cpu = 0; cpu <= 100; cpu += 5) {
            for (int starts = 0; starts <= 6; starts++) {
                for (long avail = 0; avail <= 2048; avail += 128) {
                    HostReading r = new HostReading(4, 16_384, avail, cpu / 100.0, 0, 0);
                    int c = policy.decide(r, starts, 0, 0).credits();
                    assertTrue(c >= 0 && c <= 4);
                    HostReading hotter = new HostReading(4, 16_384, avail, Math.min(1, cpu / 100.0 + 0.05), 0, 0);
                    assertTrue(policy.decide(hotter, starts, 0, 0).credits() <= c, "more CPU pressure");
                    assertTrue(policy.decide(r, starts + 1, 0, 0).credits() <= c, "one more start in flight");
                    HostReading poorer = new HostReading(4, 16_384, Math.max(0, avail - 64), cpu / 100.0, 0, 0);
                    assertTrue(policy.decide(poorer, starts, 0, 0).credits() <= c, "less memory");
                }
            }
        }
    }
}
