package io.blackstart.e2e;

import io.blackstart.testsupport.Await;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walking skeleton by hand, automated: a local cluster with two agents on the real engine, an app spec with
 * two instances put into etcd, both running as labelled containers, `status --json` agreeing; a malformed spec
 * beside it is rejected with its reason; removing the spec stops its containers.
 */
@Tag("e2e")
@Timeout(300)
class WalkingSkeletonE2ETest {
    private static LocalCluster cluster;
    private static final String APP = "e2e-web-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String BAD = "e2e-bad-" + UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    static void up() throws Exception {
        cluster = new LocalCluster(2).up();
    }

    @AfterAll
    static void down() {
        LocalCluster.closeAndRemove(cluster, List.of(APP));
    }

    @Test
    void specInEtcdBecomesLabelledContainersAndGoesAwayWhenRemoved() throws IOException {
        cluster.etcdPut("/apps/" + BAD, "{\"id\":\"" + BAD + "\",\"image\":7}");
        Path catalog = Files.createTempFile("e2e-catalog", ".json");
        Files.writeString(catalog, "[{\"id\":\"" + APP + "\",\"image\":\"blackstart/testapp:1\",\"instances\":2,"
                + "\"memoryMb\":16,\"cpus\":0.1,\"command\":[\"/bin/sleep\",\"100000\"]}]");
        Shell.Result imported = cluster.blackstart("catalog", "import", catalog.toString(), "--etcd", LocalCluster.ETCD,
                "--prefix", cluster.prefix).orFail("blackstart catalog import");
        assertTrue(imported.stdout().contains("imported " + APP), imported.stdout());
        Files.delete(catalog);

        List<String> running = Await.until("2 running containers of " + APP, Duration.ofSeconds(90),
                () -> LocalCluster.containers(APP),
                l -> l.stream().filter(c -> c.endsWith(" running")).count() == 2);
        assertEquals(List.of("bs-" + APP + "-0 " + APP + "-0", "bs-" + APP + "-1 " + APP + "-1"),
                running.stream().map(c -> c.substring(0, c.indexOf(" local-"))).sorted().collect(Collectors.toList()));
        assertTrue(running.stream().allMatch(c -> c.matches(".* local-[12] running")), running.toString());

        JsonNode status = Await.until("status to show 2 running", Duration.ofSeconds(30), cluster::status,
                s -> s.path("running").asInt() == 2);
        assertEquals(2, status.path("desired").asInt(), status.toString());
        JsonNode rejected = status.path("rejected");
        assertEquals(1, rejected.size(), rejected.toString());
        assertEquals(cluster.prefix + "/apps/" + BAD, rejected.get(0).path("key").asText());
        assertEquals("image", rejected.get(0).path("field").asText());
        assertEquals("expected a string, got an integer", rejected.get(0).path("message").asText());

        Shell.Result exported = cluster.blackstart("catalog", "export", "-", "--etcd", LocalCluster.ETCD, "--prefix",
                cluster.prefix);
        assertEquals(0, exported.exitCode(), exported.stderr());
        // export is the stored documents as they are, the rejected one included, so it can be fixed and re-imported
        assertTrue(exported.stdout().contains("\"id\" : \"" + APP + "\""), exported.stdout());
        assertTrue(exported.stdout().contains("\"id\" : \"" + BAD + "\""), exported.stdout());

        cluster.etcdDelete("/apps/" + APP);
        Await.until("containers of " + APP + " to stop", Duration.ofSeconds(60), () -> LocalCluster.containers(APP),
                l -> l.stream().noneMatch(c -> c.endsWith(" running")));
        JsonNode after = Await.until("status to show nothing desired", Duration.ofSeconds(30), cluster::status,
                s -> s.path("desired").asInt() == 0);
        assertEquals(0, after.path("running").asInt(), after.toString());
    }
}
