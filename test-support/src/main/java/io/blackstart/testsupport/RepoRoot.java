package io.blackstart.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout's root directory, found from wherever a test runs (Maven runs each module's tests in the module's
 * directory): the nearest directory at or above the working directory whose {@code pom.xml} lists {@code <modules>}.
 */
public final class RepoRoot {

    private RepoRoot() {
    }

    /** The root; fails naming the working directory when no parent pom with modules is above it. */
    public static Path find() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && listsModules(pom)) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml with <modules> at or above " + start);
    }

    private static boolean listsModules(Path pom) {
        try {
            return Files.readString(pom).contains("<modules>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
