package io.blackstart.doctor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Protocol greetings and probe URLs, judged without servers. */
@Timeout(10)
class HandshakesTest {

    @Test
    void natsInfoLine() {
        Handshakes.Verdict v = Handshakes.nats("INFO {\"server_id\":\"NABC\",\"version\":\"2.10.1\",\"port\":4222}");

        assertEquals(Status.OK, v.status());
        assertEquals("NATS server 2.10.1 (NABC) sent INFO", v.finding());
        assertEquals(Status.FAIL, Handshakes.nats("+PONG").status());
        assertEquals(Status.FAIL, Handshakes.nats(null).status());
    }

    @Test
    void amqpConnectionStartFrame() {
        // method frame, channel 0, size, class 10 method 10, version 0-9
        byte[] start = {1, 0, 0, 0, 0, 1, (byte) 0xf4, 0, 10, 0, 10, 0, 9};
        assertEquals(Status.OK, Handshakes.amqp(start).status());

        byte[] otherMethod = {1, 0, 0, 0, 0, 0, 4, 0, 10, 0, 11};
        assertEquals(Status.FAIL, Handshakes.amqp(otherMethod).status());

        byte[] refused = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
        assertEquals("the broker refused AMQP 0-9-1 and offered protocol 0-1-0-0", Handshakes.amqp(refused).finding());

        assertEquals(Status.FAIL, Handshakes.amqp(new byte[3]).status());
    }

    @Test
    void redisReplies() {
        assertEquals(Status.OK, Handshakes.redis("+PONG").status());
        assertEquals(Status.WARN, Handshakes.redis("-NOAUTH Authentication required.").status());
        assertEquals(Status.WARN, Handshakes.redis("-ERR something").status());
        assertEquals(Status.FAIL, Handshakes.redis("HTTP/1.1 400 Bad Request").status());
        assertEquals(Status.FAIL, Handshakes.redis(null).status());
    }

    @Test
    void readLineStripsCrLfAndSeesEndOfStream() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream("+PONG\r\nnext".getBytes(StandardCharsets.US_ASCII));

        assertEquals("+PONG", Handshakes.readLine(in));
        assertEquals("next", Handshakes.readLine(in));
        assertNull(Handshakes.readLine(in));
    }

    @Test
    void probeUrls() {
        assertEquals(6379, ProbeTarget.parse("redis://cache").port());
        assertEquals(5672, ProbeTarget.parse("amqp://mq").port());
        assertEquals(4222, ProbeTarget.parse("nats://bus").port());
        ProbeTarget http = ProbeTarget.parse("http://h:8080/health#status=204");
        assertEquals(204, http.expectedStatus().getAsInt());
        assertEquals("http://h:8080/health", http.httpUrl());
        assertThrows(IllegalArgumentException.class, () -> ProbeTarget.parse("tcp://h"));
        assertThrows(IllegalArgumentException.class, () -> ProbeTarget.parse("gopher://h:70"));
        assertThrows(IllegalArgumentException.class, () -> ProbeTarget.parse("redis://h#status=200"));
        assertThrows(IllegalArgumentException.class, () -> ProbeTarget.parse("not a url"));
    }
}
