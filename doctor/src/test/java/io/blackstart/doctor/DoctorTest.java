package io.blackstart.doctor;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bounded runs, options from config, and the standalone entry point's argument handling. */
@Timeout(20)
class DoctorTest {

    private static CheckTask task(String name, java.util.concurrent.Callable<List<Check>> body) {
        return new CheckTask() {
            @Override
            public String group() {
                return "test";
            }

            @Override
            public List<String> names() {
                return List.of(name);
            }

            @Override
            public List<Check> run() throws Exception {
                return body.call();
            }
        };
    }

    @Test
    void aHangingCheckFailsAtTheCheckTimeoutAndTheOthersStillReport() {
        CountDownLatch never = new CountDownLatch(1);
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            long t0 = System.nanoTime();
            DoctorReport r = CheckGraph.builder().build().assemble(Doctor.runTasks(List.of(
                            task("hangs", () -> {
                                never.await();
                                return List.of();
                            }),
                            task("crashes", () -> {
                                throw new IllegalStateException("boom");
                            }),
                            task("fine", () -> List.of(Check.ok("test", "fine", "fine", 0)))),
                    Duration.ofMillis(300), Duration.ofSeconds(10), pool));

            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos());
            assertEquals("no result within 300 ms", r.check("hangs").orElseThrow().finding());
            assertEquals("the check crashed: IllegalStateException: boom", r.check("crashes").orElseThrow().finding());
            assertEquals(Status.OK, r.check("fine").orElseThrow().status());
            assertEquals(List.of("hangs", "crashes"), r.rootCauses());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theRunDeadlineBoundsEveryCheck() {
        CountDownLatch never = new CountDownLatch(1);
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            DoctorReport r = CheckGraph.builder().build().assemble(Doctor.runTasks(List.of(task("hangs", () -> {
                never.await();
                return List.of();
            })), Duration.ofSeconds(10), Duration.ofMillis(200), pool));

            assertEquals("no result within 200 ms", r.check("hangs").orElseThrow().finding());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitGivesUpWhenTheTimeIsUpAndReturnsTheLastReport() {
        long t0 = System.nanoTime();
        DoctorOptions o = DoctorOptions.builder().api(Optional.empty()).dockerHost(Optional.empty())
                .dnsNames(List.of("no-such-host.invalid")).waitFor(Duration.ofMillis(1500))
                .waitInterval(Duration.ofMillis(200)).build();

        DoctorReport r = Doctor.run(o);

        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertEquals(2, r.exitCode());
        assertTrue(ms >= 1200 && ms < 10_000, "waited " + ms + " ms");
    }

    @Test
    void optionsFromConfigFallBackToReferenceConf() {
        DoctorOptions o = DoctorOptions.fromConfig(ConfigFactory.parseString("""
                blackstart.doctor {
                  etcd = ["http://10.0.0.1:2379", "http://10.0.0.2:2379/"]
                  etcd-peers = ["http://10.0.0.1:2380", "http://10.0.0.2:2380"]
                  expected-cluster-id = "7541E16269F5A580"
                  dns = ["etcd.internal"]
                  probes = ["redis://cache:6379", "amqp://mq"]
                  api = ""
                  wait = 30s
                }"""));

        assertEquals(List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379"), o.etcdEndpoints());
        assertEquals(Optional.of("7541e16269f5a580"), o.expectedClusterId());
        assertEquals(Optional.empty(), o.api());
        assertEquals(Optional.of("unix:///var/run/docker.sock"), o.dockerHost());
        assertEquals(Duration.ofSeconds(2), o.connectTimeout());
        assertEquals(Duration.ofSeconds(30), o.waitFor());
        assertEquals(Optional.of("http://127.0.0.1:7070"), DoctorOptions.defaults().api());
    }

    @Test
    void misalignedPeersAndBadProbesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DoctorOptions.builder()
                .etcdEndpoints(List.of("http://a:2379", "http://b:2379")).etcdPeers(List.of("http://a:2380")).build());
        assertThrows(IllegalArgumentException.class, () -> DoctorOptions.builder()
                .probes(List.of("ftp://x:21")).build());
    }

    @Test
    void badFlagsPrintUsageAndExitTwo() {
        for (String[] args : List.of(new String[]{"--bogus"}, new String[]{"--wait"}, new String[]{"--wait", "soon"},
                new String[]{"--probe", "ftp://x:21"}, new String[]{"--config", "/no/such/file.conf"},
                new String[]{"--etcd", "not a url"})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = DoctorMain.run(args, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertEquals(2, code, String.join(" ", args));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: doctor"), String.join(" ", args));
        }
    }

    @Test
    void configFileIsRead() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("doctor", ".conf");
        try {
            java.nio.file.Files.writeString(f, "blackstart.doctor { dns = [localhost], api = \"\", docker-host = \"\" }");
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            int code = DoctorMain.run(new String[]{"--config", f.toString(), "--json"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

            assertEquals(0, code);
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"name\":\"dns localhost\""));
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }
}
