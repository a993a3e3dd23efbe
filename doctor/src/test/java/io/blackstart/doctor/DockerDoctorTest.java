package io.blackstart.doctor;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local Docker engine over its socket, and the disk thresholds. */
@Timeout(30)
class DockerDoctorTest {

    private static DockerFacts facts(long usable, long total) {
        return new DockerFacts(CallOutcome.ok(3), "20.10.24", "1.41", "overlay2", "/var/lib/docker",
                Optional.of(usable), Optional.of(total));
    }

    @Test
    @Tag("docker")
    void localEngineAnswersOverTheSocket() {
        DoctorReport r = Doctor.run(DoctorOptions.builder().api(Optional.empty()).build());

        Check engine = r.check(DockerCheck.ENGINE).orElseThrow();
        assertEquals(Status.OK, engine.status(), r.toText());
        assertTrue(engine.finding().matches("Docker \\S+ \\(API \\S+\\), storage driver \\S+, data root /.*"),
                engine.finding());
        assertTrue(r.check(DockerCheck.DISK).orElseThrow().finding().contains(" free of "), r.toText());
    }

    @Test
    void engineThatDoesNotAnswerFailsAndBlocksTheAgents() {
        DoctorReport r = Doctor.run(DoctorOptions.builder().api(Optional.empty())
                .dockerHost(Optional.of("unix:///nonexistent/docker.sock"))
                .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).build());

        Check engine = r.check(DockerCheck.ENGINE).orElseThrow();
        assertEquals(Status.FAIL, engine.status(), r.toText());
        assertEquals(List.of(DockerCheck.ENGINE), r.rootCauses());
        assertEquals(List.of(DockerCheck.DISK, Doctor.AGENTS, Doctor.RECOVERY), engine.blocks());
    }

    @Test
    void diskThresholds() {
        assertEquals(Status.OK, DockerCheck.assess("h", facts(50, 100)).get(1).status());
        assertEquals(Status.WARN, DockerCheck.assess("h", facts(9, 100)).get(1).status());
        assertEquals(Status.FAIL, DockerCheck.assess("h", facts(2, 100)).get(1).status());
        assertEquals("/var/lib/docker has 2 B free of 100 B (2.0%)",
                DockerCheck.assess("h", facts(2, 100)).get(1).finding());
    }
}
