package io.blackstart.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The agents an operator expects ({@code --inventory FILE}): one node id per line; blank lines and everything
 * after {@code #} are ignored, surrounding whitespace is stripped, duplicates count once.
 */
public final class Inventory {

    private Inventory() {
    }

    /** The node ids of {@code file}, in file order. */
    public static List<String> read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** The node ids of {@code lines}, in order. */
    static List<String> parse(List<String> lines) {
        Set<String> ids = new LinkedHashSet<>();
        for (String line : lines) {
            int hash = line.indexOf('#');
            String id = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }
}
