package io.blackstart.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release tarball ({@code deploy/target/blackstart-<version>.tar.gz}, made by {@code mvn package}) as an
 * operator installs it: unpacked in an empty folder, outside the checkout, it has the launcher, the libraries, the
 * example configs, the systemd units and the README, and it runs a drill on its own.
 */
@Timeout(300)
class ReleaseTarballE2ETest {

    @TempDir
    Path dir;

    @Test
    void theUnpackedTarballRunsADrill() throws IOException {
        Path tarball = tarball();
        Shell.Result untar = Shell.run(Duration.ofSeconds(120), Map.of(),
                List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
        assertEquals(0, untar.exitCode(), "tar: " + untar.stderr());
        String top = tarball.getFileName().toString().replace(".tar.gz", "");
        Path home = dir.resolve(top);
        assertTrue(Files.isDirectory(home), "one top folder " + top + " in " + list(dir));
        for (String p : List.of("bin/blackstart", "config/coordinator.conf", "config/agent.conf",
                "systemd/blackstart-coordinator.service", "systemd/blackstart-agent.service", "README.md")) {
            assertTrue(Files.exists(home.resolve(p)), p + " in the tarball: " + list(home));
        }
        assertTrue(Files.isExecutable(home.resolve("bin/blackstart")), "the launcher is executable");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertTrue(jars.anyMatch(j -> j.getFileName().toString().startsWith("blackstart-cli-")), "lib has the CLI");
        }

        Shell.Result drill = Shell.run(Duration.ofSeconds(180), Map.of(), List.of(home.resolve("bin/blackstart")
                .toString(), "drill", "--hosts", "20", "--apps", "100", "--json"));
        assertEquals(0, drill.exitCode(), "drill from the tarball: " + drill.stderr());
        assertTrue(drill.stdout().contains("\"policies\""), drill.stdout());
        assertTrue(drill.stdout().contains("\"blackstart\""), "the real scheduler ran: " + drill.stdout());
    }

    private static Path tarball() throws IOException {
        try (Stream<Path> files = Files.list(Shell.ROOT.resolve("deploy/target"))) {
            List<Path> found = files.filter(f -> f.getFileName().toString().matches("blackstart-.+\\.tar\\.gz"))
                    .toList();
            assertEquals(1, found.size(), "one release tarball in deploy/target (mvn package makes it): " + found);
            return found.get(0);
        }
    }

    private static List<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
