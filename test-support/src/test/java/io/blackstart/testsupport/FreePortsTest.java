package io.blackstart.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ports handed out by {@link FreePorts} can be bound on 127.0.0.1, and several at once differ. */
@Timeout(30)
class FreePortsTest {

    @Test
    void portsTakenTogetherDifferAndCanBeBound() throws IOException {
        List<Integer> ports = FreePorts.take(6);
        assertEquals(6, new HashSet<>(ports).size(), ports.toString());
        for (int p : ports) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(p, s.getLocalPort());
            }
        }
        assertTrue(FreePorts.one() > 0);
    }

    @Test
    void twoPortsApartAreAtLeastTheGapApart() {
        int[] pair = FreePorts.apart(16);
        assertTrue(Math.abs(pair[0] - pair[1]) >= 16, pair[0] + " " + pair[1]);
    }
}
