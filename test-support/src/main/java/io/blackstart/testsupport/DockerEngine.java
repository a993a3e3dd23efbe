package io.blackstart.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The local Docker engine for the tests that run real containers (CI starts {@code dockerd}, see {@code .ci/run}).
 * {@link #requireTestImage()} fails, saying what to do, when the engine does not answer, and builds the test image
 * {@value #TEST_IMAGE} with {@code deploy/local/test-image.sh} (a static busybox as the whole root filesystem, no
 * registry) when it is missing. These tests need the engine and are not skipped without it.
 */
public final class DockerEngine {

    /** The image the tests' containers run; they need an explicit command, e.g. {@code /bin/sleep 100000}. */
    public static final String TEST_IMAGE = "blackstart/testapp:1";

    private DockerEngine() {
    }

    /** Fails with an AssertionError unless {@code docker info} answers. */
    public static void requireEngine() {
        Commands.Result info = docker(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}");
        if (!info.ok()) {
            throw new AssertionError("this test needs the local Docker engine and `docker info` fails ("
                    + info.output().strip() + "); start dockerd as .ci/run does");
        }
    }

    /** Requires the engine, and builds {@value #TEST_IMAGE} if it is not there yet. */
    public static void requireTestImage() {
        requireEngine();
        if (docker(Duration.ofSeconds(30), "image", "inspect", TEST_IMAGE).ok()) {
            return;
        }
        Commands.Result built = Commands.run(Duration.ofMinutes(2),
                List.of("bash", RepoRoot.find().resolve("deploy/local/test-image.sh").toString(), TEST_IMAGE));
        if (!built.ok()) {
            throw new AssertionError("the test image " + TEST_IMAGE + " is missing and deploy/local/test-image.sh "
                    + "could not build it: " + built.output().strip());
        }
    }

    /** Runs {@code docker ARGS} (killed after {@code timeout}). */
    public static Commands.Result docker(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(List.of(args));
        return Commands.run(timeout, cmd);
    }

    /** Removes every container, running or not, that carries {@code label=value} (e.g. a test's node id). */
    public static void removeContainers(String label, String value) {
        String ids = docker(Duration.ofSeconds(60), "ps", "-aq", "--filter", "label=" + label + "=" + value)
                .orFail().output().strip();
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(List.of(ids.split("\\s+")));
            docker(Duration.ofSeconds(60), rm.toArray(String[]::new)).orFail();
        }
    }
}
