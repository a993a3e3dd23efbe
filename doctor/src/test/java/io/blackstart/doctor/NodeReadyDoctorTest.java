package io.blackstart.doctor;

import com.sun.net.httpserver.HttpServer;
import io.blackstart.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "node ready" check against a stub management endpoint answering {@code /ready} as a node does. */
@Timeout(60)
class NodeReadyDoctorTest {

    private HttpServer server;
    private volatile int status = 200;
    private volatile String body = "OK\n";
    private String url;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ready", ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static DoctorReport run(List<String> etcd, String... management) {
        return Doctor.run(DoctorOptions.builder().dockerHost(Optional.empty()).api(Optional.empty())
                .etcdEndpoints(etcd).management(List.of(management))
                .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).build());
    }

    private static Check check(DoctorReport r, String name) {
        return r.check(name).orElseThrow(() -> new AssertionError(name + " missing:\n" + r.toText()));
    }

    @Test
    void aReadyNodeIsOk() {
        Check c = check(run(List.of(), url), NodeReadyCheck.checkName(url));
        assertEquals(Status.OK, c.status(), c.toString());
        assertEquals("ready", c.finding());
    }

    @Test
    void aNodeThatIsNotReadySaysWhichConditionFailed() {
        status = 503;
        body = "Not ready: catalog: not yet loaded from etcd\n";
        DoctorReport r = run(List.of(), url + "/");
        Check c = check(r, NodeReadyCheck.checkName(url));
        assertEquals(Status.FAIL, c.status(), r.toText());
        assertEquals("not ready (HTTP 503): catalog: not yet loaded from etcd", c.finding());
        assertTrue(c.hint().contains("etcd checks"), c.hint());
        assertEquals(List.of(NodeReadyCheck.checkName(url)), r.rootCauses(), r.toText());

        body = "Not ready: docker: container engine not answering: connection refused\n";
        c = check(run(List.of(), url), NodeReadyCheck.checkName(url));
        assertTrue(c.hint().contains("Docker engine"), c.hint());
        body = "Not ready: cluster: not a cluster member (not joined yet, or removed)\n";
        c = check(run(List.of(), url), NodeReadyCheck.checkName(url));
        assertTrue(c.hint().contains("cluster checks"), c.hint());
    }

    @Test
    void aSilentEndpointFails() {
        String silent = "http://127.0.0.1:" + FreePorts.one();
        Check c = check(run(List.of(), silent), NodeReadyCheck.checkName(silent));
        assertEquals(Status.FAIL, c.status(), c.toString());
        assertTrue(c.finding().contains("does not answer"), c.finding());
    }

    @Test
    void etcdWithoutQuorumComesBeforeTheNodeItKeepsUnready() {
        status = 503;
        body = "Not ready: catalog: not yet loaded from etcd\n";
        String deadEtcd = "http://127.0.0.1:" + FreePorts.one();
        DoctorReport r = run(List.of(deadEtcd), url);
        String ready = NodeReadyCheck.checkName(url);
        assertEquals(Status.FAIL, check(r, ready).status(), r.toText());
        assertFalse(r.rootCauses().contains(ready), r.toText());
        assertTrue(r.blockedBy().getOrDefault(ready, List.of()).contains(EtcdAssessment.QUORUM), r.toText());
    }
}
