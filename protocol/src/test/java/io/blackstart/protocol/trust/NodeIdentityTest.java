package io.blackstart.protocol.trust;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class NodeIdentityTest {
    private static TestPki pki;
    private static NodeIdentity agent;
    private static NodeIdentity coordinator;
    private static NodeIdentity selfSigned;
    private static Path agentStore;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(TestPki.tempDir());
        agentStore = pki.node("host-7", "agent", false);
        agent = pki.identity(agentStore);
        coordinator = pki.identity(pki.node("coordinator-1", "coordinator", false));
        // the same subject as the real agent, not issued by the CA; it trusts the CA (as in RogueNodeE2ETest)
        Path self = pki.node("host-7", "agent", true);
        selfSigned = new NodeIdentity(keyOf(self), chainOf(self), agent.peers());
    }

    @Test
    void nameAndRoleComeFromTheCertificate() {
        assertEquals("host-7", agent.name());
        assertEquals("agent", agent.role());
        assertEquals("coordinator", coordinator.role());
        assertEquals("CN=host-7, OU=agent", agent.toString(), "never the key");
    }

    @Test
    void aPeerOfTheClusterCaIsCheckedForItsRole() throws Exception {
        PeerCertificates.Peer p = coordinator.peers().verify(agent.chainDer(), NodeIdentity.AGENT);
        assertEquals("host-7", p.name());
        TrustException e = assertThrows(TrustException.class,
                () -> agent.peers().verify(agent.chainDer(), NodeIdentity.COORDINATOR));
        assertEquals("certificate CN=host-7 has role (OU) agent, not coordinator", e.getMessage());
    }

    @Test
    void aCertificateNotIssuedByTheClusterCaIsRefused() {
        TrustException e = assertThrows(TrustException.class,
                () -> coordinator.peers().verify(selfSigned.chainDer(), NodeIdentity.AGENT));
        assertTrue(e.getMessage().startsWith("certificate not issued by the cluster CA"), e.getMessage());
    }

    @Test
    void hostileChainsAreRefusedBeforeParsingMuch() {
        List<byte[]> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(agent.chainDer().get(0));
        }
        assertThrows(TrustException.class, () -> coordinator.peers().verify(five, NodeIdentity.AGENT));
        assertThrows(TrustException.class, () -> coordinator.peers().verify(List.of(new byte[9_000]),
                NodeIdentity.AGENT));
        assertThrows(TrustException.class, () -> coordinator.peers().verify(List.of(new byte[]{1, 2, 3}),
                NodeIdentity.AGENT));
        assertThrows(TrustException.class, () -> coordinator.peers().verify(List.of(), NodeIdentity.AGENT));
    }

    @Test
    void signaturesAndWrappedKeysWorkOnlyWithTheRightKey() throws Exception {
        byte[] data = Handshake.hello("host-7", new byte[16], 1);
        byte[] sig = agent.sign(data);
        PeerCertificates.Peer p = coordinator.peers().verify(agent.chainDer(), NodeIdentity.AGENT);
        assertTrue(NodeIdentity.verify(p.key(), data, sig));
        assertFalse(NodeIdentity.verify(p.key(), Handshake.hello("host-8", new byte[16], 1), sig));
        assertFalse(NodeIdentity.verify(p.key(), data, selfSigned.sign(data)), "same subject, other key");
        byte[] secret = SessionKey.random(32);
        byte[] wrapped = NodeIdentity.wrap(p.key(), secret);
        assertArrayEquals(secret, agent.unwrap(wrapped));
        assertThrows(TrustException.class, () -> coordinator.unwrap(wrapped));
        assertThrows(TrustException.class, () -> selfSigned.unwrap(wrapped));
    }

    @Test
    void aNodeStartsOnlyWithACertificateForItsRoleAndName() {
        var config = pki.config(agentStore);
        assertEquals("host-7", NodeIdentity.forNode(config, "agent", "host-7").orElseThrow().name());
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class,
                () -> NodeIdentity.forNode(config, "coordinator", null));
        assertTrue(role.getMessage().contains("is for role agent, but this is a coordinator node"), role.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> NodeIdentity.forNode(config, "agent", "host-8"));
        assertTrue(name.getMessage().contains("certificate is CN=host-7 but its node id is host-8"), name.getMessage());
        assertTrue(NodeIdentity.forNode(ConfigFactory.parseString("pekko.remote.artery.transport = tcp"), "agent",
                "host-7").isEmpty(), "plain tcp: no identity");
    }

    @Test
    void aMissingOrWrongStoreNamesTheKey() {
        var bad = pki.config(agentStore.resolveSibling("missing.p12"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeIdentity.forNode(bad, "agent", null));
        assertTrue(e.getMessage().contains("pekko.remote.artery.ssl.config-ssl-engine.key-store"), e.getMessage());
        assertFalse(e.getMessage().contains(TestPki.PASSWORD), "never the password");
    }

    private static java.security.PrivateKey keyOf(Path store) throws Exception {
        var ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            ks.load(in, TestPki.PASSWORD.toCharArray());
        }
        return (java.security.PrivateKey) ks.getKey("node", TestPki.PASSWORD.toCharArray());
    }

    private static List<java.security.cert.X509Certificate> chainOf(Path store) throws Exception {
        var ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            ks.load(in, TestPki.PASSWORD.toCharArray());
        }
        List<java.security.cert.X509Certificate> out = new ArrayList<>();
        for (var c : ks.getCertificateChain("node")) {
            out.add((java.security.cert.X509Certificate) c);
        }
        return out;
    }
}
