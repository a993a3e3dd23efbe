package io.blackstart.coordinator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The recovery manager's local record of assignments made while etcd had no quorum (degraded recovery, started by
 * an operator with {@code --allow-stale-catalog}): one JSON line per assignment in a file on the singleton's node,
 * {@code {"seq":7,"instance":"web-0","node":"local-1","attempt":1,"coordinator":"..","at":<millis>,"base":<rev>}},
 * where {@code base} is the etcd mod revision of the instance's record this incarnation knew when it assigned
 * (0: none), so the write-back can tell whether someone else wrote the key meanwhile.
 *
 * <p>{@link #append} writes a batch and forces it to the device before it returns: a start is sent only after its
 * line is on disk, as in etcd's case only after the compare-and-set. A crash can leave a torn last line; {@link #read}
 * skips lines that do not parse and counts them. {@link #retainAfter} rewrites the file (temporary file, then an
 * atomic move) without the entries already written back to etcd.
 *
 * <p>Blocking file I/O: callers run it on a blocking dispatcher. Not thread-safe: one recovery manager owns it.
 */
public final class AssignmentJournal {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One journaled assignment. */
    public record Entry(long seq, String instanceId, AssignmentValue value, long baseRevision) {
    }

    /** What {@link #read} found: the entries in file order and how many lines were unreadable. */
    public record Contents(List<Entry> entries, int unreadableLines) {
        public Contents {
            entries = List.copyOf(entries);
        }

        public long lastSeq() {
            return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
        }
    }

    private final Path file;

    public AssignmentJournal(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Appends {@code entries} and forces them to the device. */
    public void append(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (Entry e : entries) {
            lines.append(toLine(e)).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size > 0) {
                // a torn last line (a crash mid-write) must not swallow the first new entry: end it first
                ByteBuffer last = ByteBuffer.allocate(1);
                ch.read(last, size - 1);
                if (last.get(0) != '\n') {
                    lines.insert(0, '\n');
                }
            }
            ByteBuffer buf = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            long at = size;
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
            ch.force(true);
        }
        if (created) {
            syncDirectory(dir); // the new file's name survives a power loss too
        }
    }

    /** Forces a directory's entries (a created, renamed or deleted file) to the device, where the OS allows it. */
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be opened or forced; the file's own data is forced regardless
        }
    }

    /** Every readable entry (none if the file does not exist). */
    public Contents read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return new Contents(List.of(), 0);
        }
        List<Entry> entries = new ArrayList<>();
        int unreadable = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Entry e = parse(line);
            if (e == null) {
                unreadable++;
            } else {
                entries.add(e);
            }
        }
        return new Contents(entries, unreadable);
    }

    /** Keeps only the entries with a sequence number above {@code seq} (removes the file when none is left). */
    void retainAfter(long seq) throws IOException {
        List<Entry> rest = read().entries().stream().filter(e -> e.seq() > seq).toList();
        Path dir = file.toAbsolutePath().getParent();
        if (rest.isEmpty()) {
            Files.deleteIfExists(file);
            syncDirectory(dir);
            return;
        }
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        StringBuilder lines = new StringBuilder();
        rest.forEach(e -> lines.append(toLine(e)).append('\n'));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
    }

    static String toLine(Entry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", e.seq());
        n.put("instance", e.instanceId());
        n.put("node", e.value().node());
        n.put("attempt", e.value().attempt());
        n.put("coordinator", e.value().coordinator());
        n.put("at", e.value().atMillis());
        n.put("base", e.baseRevision());
        return n.toString();
    }

    /** The entry of one line, or null if the line is not a complete entry (a torn write, a foreign line). */
    static Entry parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            if (n == null || !n.isObject()) {
                return null;
            }
            for (String f : new String[]{"seq", "instance", "node", "attempt", "coordinator", "at", "base"}) {
                if (!n.hasNonNull(f)) {
                    return null;
                }
            }
            if (!n.get("seq").canConvertToLong() || n.get("seq").asLong() <= 0 || n.get("instance").asText().isEmpty()
                    || n.get("node").asText().isEmpty()) {
                return null;
            }
            return new Entry(n.get("seq").asLong(), n.get("instance").asText(),
                    new AssignmentValue(n.get("node").asText(), n.get("attempt").asInt(), n.get("coordinator").asText(),
                            n.get("at").asLong()), n.get("base").asLong());
        } catch (IOException e) {
            return null;
        }
    }
}
