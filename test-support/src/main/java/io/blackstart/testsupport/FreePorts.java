package io.blackstart.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * TCP ports on 127.0.0.1 that nothing listens on right now, for tests that start a server (an etcd member, a
 * coordinator's HTTP API) on a port of their own. Several ports asked for at once are held open together while they
 * are chosen, so they differ.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** One free port. */
    public static int one() {
        return take(1).get(0);
    }

    /** {@code n} distinct free ports. */
    public static List<Integer> take(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(open());
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            sockets.forEach(FreePorts::closeQuietly);
        }
    }

    /**
     * Two free ports at least {@code gap} apart (for a server that also binds the ports just above its own), both
     * held open while they are chosen.
     */
    public static int[] apart(int gap) {
        ServerSocket a = open();
        try {
            for (int i = 0; i < 50; i++) {
                ServerSocket b = open();
                try {
                    if (Math.abs(b.getLocalPort() - a.getLocalPort()) >= gap) {
                        return new int[]{a.getLocalPort(), b.getLocalPort()};
                    }
                } finally {
                    closeQuietly(b);
                }
            }
        } finally {
            closeQuietly(a);
        }
        throw new IllegalStateException("no two free ports " + gap + " apart on 127.0.0.1 in 50 tries");
    }

    private static ServerSocket open() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a free port on 127.0.0.1", e);
        }
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the port is released either way
        }
    }
}
