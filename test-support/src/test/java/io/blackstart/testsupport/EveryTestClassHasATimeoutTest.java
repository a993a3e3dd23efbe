package io.blackstart.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps every test class of every module bounded: each {@code *Test.java} and {@code *IT.java} under a module's
 * {@code src/test/java} (the modules found from the repository root) carries JUnit's {@code @Timeout} on the class
 * (an annotation at the start of a line, where class annotations are), so a hung test fails naming itself instead
 * of stalling the build until CI's limit.
 */
@Timeout(60)
class EveryTestClassHasATimeoutTest {

    private static final Pattern CLASS_TIMEOUT = Pattern.compile("(?m)^@Timeout\\b");

    @Test
    void everyTestClassHasAClassLevelTimeout() throws IOException {
        Path root = RepoRoot.find();
        List<Path> classes;
        try (Stream<Path> modules = Files.list(root)) {
            classes = modules.filter(m -> Files.isDirectory(m.resolve("src/test/java")))
                    .flatMap(m -> walk(m.resolve("src/test/java")))
                    .filter(f -> f.getFileName().toString().endsWith("Test.java")
                            || f.getFileName().toString().endsWith("IT.java"))
                    .sorted().toList();
        }
        assertTrue(classes.size() > 50, "too few test classes found under " + root + ": " + classes);
        List<String> missing = classes.stream().filter(f -> !hasClassTimeout(f))
                .map(f -> root.relativize(f).toString()).toList();
        assertTrue(missing.isEmpty(), "test classes without a class-level @Timeout (add e.g. @Timeout(60), generous "
                + "for a loaded 2-core machine): " + missing);
    }

    private static boolean hasClassTimeout(Path file) {
        try {
            return CLASS_TIMEOUT.matcher(Files.readString(file)).find();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> walk(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
