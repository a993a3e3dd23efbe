package io.blackstart.coordinator.tracker;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
public class CustomerSummaryTest {

    private static final long AT_15_17 = Instant.parse("2024-01-20T15:17:30Z").toEpochMilli();

    @ParameterizedTest(name = "{0}/{1} apps, {2} failed, eta {3} s")
    @CsvSource(delimiter = '|', value = {
            "100 | 92  | 0 | 1200 | 92% of applications are running again; full recovery expected around 15:40 UTC.",
            // 15:17:30 + 20 min = 15:37:30 -> rounded up to 15:40
            "100 | 92  | 0 | 150  | 92% of applications are running again; full recovery expected around 15:20 UTC.",
            "100 | 92  | 0 | 750  | 92% of applications are running again; full recovery expected around 15:30 UTC.",
            "3   | 2   | 0 | -1   | 66% of applications are running again; the time of full recovery is not known yet.",
            "200 | 199 | 0 | 10   | 99% of applications are running again; full recovery expected around 15:20 UTC.",
            "10  | 8   | 2 | 0    | 80% of applications are running again; 2 applications need an operator's attention.",
            "10  | 9   | 1 | -1   | 90% of applications are running again; 1 application needs an operator's attention.",
            "10  | 10  | 0 | 0    | All applications are running.",
            "0   | 0   | 0 | -1   | No applications are deployed.",
    })
    void sentenceForCustomers(int desired, int running, int failed, long eta, String expected) {
        assertEquals(expected, CustomerSummary.sentence(desired, running, failed, eta, AT_15_17));
    }
}
