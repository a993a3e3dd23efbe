package io.blackstart.protocol.trust;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ReplayWindowTest {

    @Test
    void eachSequenceNumberIsTakenOnceEvenOutOfOrder() {
        ReplayWindow w = new ReplayWindow();
        assertFalse(w.accept(0), "numbers start at 1");
        assertTrue(w.accept(1));
        assertTrue(w.accept(3));
        assertTrue(w.accept(2), "crossed on another path: still new");
        assertFalse(w.accept(2), "replayed");
        assertFalse(w.accept(3), "replayed");
        assertTrue(w.accept(1_000));
        assertTrue(w.accept(4), "within the window");
        assertFalse(w.accept(4));
    }

    @Test
    void numbersBelowTheWindowAreRefused() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(5));
        assertTrue(w.accept(5 + ReplayWindow.SIZE));
        assertFalse(w.accept(5), "too old to tell");
        assertTrue(w.accept(6), "new, just within the window");
        assertFalse(w.accept(5 + ReplayWindow.SIZE), "replayed");
        // a jump further than the window forgets everything below
        assertTrue(w.accept(10 * ReplayWindow.SIZE));
        assertFalse(w.accept(10 * ReplayWindow.SIZE));
        assertTrue(w.accept(10 * ReplayWindow.SIZE - 1));
    }
}
