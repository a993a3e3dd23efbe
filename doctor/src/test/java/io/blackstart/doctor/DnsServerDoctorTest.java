package io.blackstart.doctor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --dns-server}: names resolved by asking a real dnsmasq directly, a name it says does not exist, one it
 * refuses, a port nobody listens on and a server that never answers; the system resolver stays the default.
 */
@Tag("dnsmasq")
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsServerDoctorTest {

    private Dnsmasq dns;

    @BeforeAll
    void start() {
        Dnsmasq.assumeInstalled();
        dns = Dnsmasq.start("/blackstart.test/127.0.0.9", "/missing.test/");
    }

    @AfterAll
    void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    private DoctorReport run(String server, Duration timeout, int attempts, String... names) {
        return Doctor.run(DoctorOptions.builder().api(Optional.empty()).dockerHost(Optional.empty())
                .dnsNames(List.of(names)).dnsServer(Optional.of(server)).dnsServerTimeout(timeout)
                .dnsServerAttempts(attempts).build());
    }

    private static Check dnsCheck(DoctorReport r, String name) {
        return r.check(DnsCheck.checkName(name)).orElseThrow(() -> new AssertionError(r.toText()));
    }

    @Test
    void aNameTheServerKnowsResolvesWithItsTiming() {
        DoctorReport r = run(dns.server(), Duration.ofSeconds(1), 2, "web.blackstart.test");

        Check c = dnsCheck(r, "web.blackstart.test");
        assertEquals(Status.OK, c.status(), r.toText());
        assertTrue(c.finding().matches("web\\.blackstart\\.test resolves to 127\\.0\\.0\\.9 in \\d+ ms \\(server "
                + "127\\.0\\.0\\.1:" + dns.port + "\\)"), c.finding());
        assertEquals(0, r.exitCode());
    }

    @Test
    void aNameThatDoesNotExistAndANameTheServerRefusesFailSayingSo() {
        DoctorReport r = run(dns.server(), Duration.ofSeconds(1), 2, "db.missing.test", "nothing.invalid",
                "web.blackstart.test");

        Check missing = dnsCheck(r, "db.missing.test");
        assertEquals(Status.FAIL, missing.status(), r.toText());
        assertTrue(missing.finding().startsWith("db.missing.test does not exist (NXDOMAIN from " + dns.server()),
                missing.finding());
        Check refused = dnsCheck(r, "nothing.invalid");
        assertEquals(Status.FAIL, refused.status());
        assertTrue(refused.finding().startsWith(dns.server() + " refused to answer for nothing.invalid (REFUSED"),
                refused.finding());
        assertEquals(List.of(missing.name(), refused.name()), r.rootCauses());
        assertEquals(List.of(Doctor.APPS), missing.blocks());
        assertEquals(Status.OK, dnsCheck(r, "web.blackstart.test").status());
    }

    @Test
    void aServerNobodyListensOnFailsAtOnce() {
        String nobody = "127.0.0.1:" + Dnsmasq.freeUdpAndTcpPort();
        long t0 = System.nanoTime();

        DoctorReport r = run(nobody, Duration.ofSeconds(1), 2, "web.blackstart.test");

        Check c = dnsCheck(r, "web.blackstart.test");
        assertEquals(Status.FAIL, c.status(), r.toText());
        assertTrue(c.finding().startsWith("no DNS server at " + nobody + ": port unreachable"), c.finding());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "an ICMP port unreachable is not waited out");
    }

    @Test
    void aServerThatNeverAnswersFailsWithinItsTimeoutAndAttempts() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String server = "127.0.0.1:" + silent.getLocalPort();
            long t0 = System.nanoTime();

            DoctorReport r = run(server, Duration.ofMillis(100), 2, "web.blackstart.test");

            long ms = (System.nanoTime() - t0) / 1_000_000;
            Check c = dnsCheck(r, "web.blackstart.test");
            assertEquals(Status.FAIL, c.status(), r.toText());
            assertEquals("web.blackstart.test: no answer from " + server + " within 300 ms (2 attempts)", c.finding());
            assertTrue(ms >= 300 && ms < 3_000, "took " + ms + " ms");
        }
    }

    @Test
    void flagAndConfigKeyWithClearErrorsForBadInput() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);

        assertEquals(0, DoctorMain.run(new String[]{"--no-api", "--no-docker", "--dns", "web.blackstart.test",
                "--dns-server", dns.server()}, out, out), sink.toString(StandardCharsets.UTF_8));
        assertTrue(sink.toString(StandardCharsets.UTF_8).contains("✔ dns web.blackstart.test: web.blackstart.test "
                + "resolves to 127.0.0.9"), sink.toString(StandardCharsets.UTF_8));

        for (String[] bad : List.of(new String[]{"127.0.0.1:domain", "port 'domain' is not a number"},
                new String[]{"127.0.0.1:70000", "port must be 1-65535, got 70000"},
                new String[]{"[::1:53", "missing ']'"})) {
            sink.reset();
            assertEquals(2, DoctorMain.run(new String[]{"--no-api", "--dns-server", bad[0]}, out, out));
            assertTrue(sink.toString(StandardCharsets.UTF_8).contains(bad[1]), sink.toString(StandardCharsets.UTF_8));
        }

        DoctorOptions fromConfig = DoctorOptions.fromConfig(com.typesafe.config.ConfigFactory.parseString(
                "blackstart.doctor { dns-server = \"[::1]:5353\", dns-server-timeout = 250ms, dns-server-attempts = 3 }"));
        DnsServer s = fromConfig.dnsServerSpec().orElseThrow();
        assertEquals(new DnsServer("::1", 5353, Duration.ofMillis(250), 3), s);
        assertEquals("[::1]:5353", s.display());
        assertEquals(Duration.ofMillis(1750), s.queryBound());
        assertEquals(Optional.empty(), DoctorOptions.defaults().dnsServerSpec(), "the system resolver by default");
        assertEquals(53, DnsServer.parse("ns1.example.net", Duration.ofSeconds(1), 1).port());
        assertEquals("::1", DnsServer.parse("::1", Duration.ofSeconds(1), 1).host());
    }
}
