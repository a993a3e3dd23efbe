package io.blackstart.protocol.trust;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class SessionKeyTest {

    @Test
    void aMacChecksOnlyTheBytesItWasMadeFor() throws Exception {
        SessionKey k = new SessionKey(SessionKey.random(32));
        Payloads.Payload p = new Payloads.Payload(33, "io.x.Report", new byte[]{1, 2, 3});
        byte[] mac = k.mac(Payloads.macInput("event", 7, 1, p));
        assertTrue(k.check(Payloads.macInput("event", 7, 1, p), mac));
        assertFalse(k.check(Payloads.macInput("event", 7, 2, p), mac), "other sequence number");
        assertFalse(k.check(Payloads.macInput("event", 8, 1, p), mac), "other session");
        assertFalse(k.check(Payloads.macInput("command", 7, 1, p), mac), "reflected the other way");
        assertFalse(k.check(Payloads.macInput("event", 7, 1, new Payloads.Payload(33, "io.x.Start", p.bytes()))
                , mac), "other manifest");
        assertFalse(new SessionKey(SessionKey.random(32)).check(Payloads.macInput("event", 7, 1, p), mac));
        assertFalse(k.check(Payloads.macInput("event", 7, 1, p), null));
    }

    @Test
    void fieldsNeverRunIntoEachOther() {
        // without length prefixes ("ab","c") and ("a","bc") would encode alike
        assertFalse(java.util.Arrays.equals(Canonical.of("p").text("ab").text("c").toBytes(),
                Canonical.of("p").text("a").text("bc").toBytes()));
        assertFalse(java.util.Arrays.equals(Canonical.of("p").text("a").toBytes(),
                Canonical.of("q").text("a").toBytes()), "purpose label");
    }

    @Test
    void theKeyHasThirtyTwoBytesAndIsNeverShown() throws Exception {
        assertThrows(TrustException.class, () -> new SessionKey(new byte[16]));
        assertEquals("SessionKey[hidden]", new SessionKey(SessionKey.random(32)).toString());
    }
}
