package io.blackstart.coordinator.store;

import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The assignment journal file: what is appended is read back, a torn line is skipped, trimming keeps the rest. */
@Timeout(30)
public class AssignmentJournalTest {

    @TempDir
    Path dir;

    private static AssignmentJournal.Entry entry(long seq, String id, String node, long base) {
        return new AssignmentJournal.Entry(seq, id, new AssignmentValue(node, 1, "coord-a", 1_700_000_000_000L + seq),
                base);
    }

    @Test
    void appendedEntriesAreReadBackInOrder() throws Exception {
        AssignmentJournal j = new AssignmentJournal(dir.resolve("sub/assignments.journal"));
        assertEquals(0, j.read().entries().size(), "no file: no entries");
        j.append(List.of(entry(1, "web-0", "host-a", 0), entry(2, "web-1", "host-b", 17)));
        j.append(List.of(entry(3, "web-0", "host-c", 0)));
        AssignmentJournal.Contents c = j.read();
        assertEquals(List.of(entry(1, "web-0", "host-a", 0), entry(2, "web-1", "host-b", 17),
                entry(3, "web-0", "host-c", 0)), c.entries());
        assertEquals(3, c.lastSeq());
        assertEquals(0, c.unreadableLines());
    }

    @Test
    void aTornLastLineIsSkippedAndCounted() throws Exception {
        Path f = dir.resolve("assignments.journal");
        AssignmentJournal j = new AssignmentJournal(f);
        j.append(List.of(entry(1, "web-0", "host-a", 0)));
        String whole = AssignmentJournal.toLine(entry(2, "web-1", "host-b", 0));
        Files.writeString(f, whole.substring(0, whole.length() / 2), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        AssignmentJournal.Contents c = j.read();
        assertEquals(List.of(entry(1, "web-0", "host-a", 0)), c.entries());
        assertEquals(1, c.unreadableLines());
        // the next append after a crash: its first entry is not glued to the torn line
        j.append(List.of(entry(3, "web-2", "host-c", 0)));
        c = j.read();
        assertEquals(List.of(entry(1, "web-0", "host-a", 0), entry(3, "web-2", "host-c", 0)), c.entries());
        assertEquals(1, c.unreadableLines());
    }

    @Test
    void linesWithoutTheRequiredFieldsAreNotEntries() {
        assertNull(AssignmentJournal.parse("{\"seq\":1,\"instance\":\"web-0\"}"));
        assertNull(AssignmentJournal.parse("{\"seq\":0,\"instance\":\"web-0\",\"node\":\"a\",\"attempt\":1,"
                + "\"coordinator\":\"c\",\"at\":1,\"base\":0}"));
        assertNull(AssignmentJournal.parse("[1,2]"));
        assertNull(AssignmentJournal.parse("not json"));
        assertEquals(entry(4, "db-0", "host-a", 9), AssignmentJournal.parse(AssignmentJournal.toLine(entry(4, "db-0",
                "host-a", 9))));
    }

    @Test
    void retainAfterKeepsOnlyLaterEntriesAndRemovesAnEmptyJournal() throws Exception {
        Path f = dir.resolve("assignments.journal");
        AssignmentJournal j = new AssignmentJournal(f);
        j.append(List.of(entry(1, "a-0", "h", 0), entry(2, "b-0", "h", 0), entry(3, "c-0", "h", 0)));
        j.retainAfter(2);
        assertEquals(List.of(entry(3, "c-0", "h", 0)), j.read().entries());
        j.append(List.of(entry(4, "d-0", "h", 0)));
        assertEquals(4, j.read().lastSeq());
        j.retainAfter(4);
        assertFalse(Files.exists(f), "everything written back: no file left");
    }

    @Test
    void anUnwritableJournalFailsLoudly() throws Exception {
        Path notAFile = Files.createDirectories(dir.resolve("is-a-directory"));
        AssignmentJournal j = new AssignmentJournal(notAFile);
        assertThrows(java.io.IOException.class, () -> j.append(List.of(entry(1, "a-0", "h", 0))));
    }
}
