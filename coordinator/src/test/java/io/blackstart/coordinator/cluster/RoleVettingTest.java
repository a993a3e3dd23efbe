package io.blackstart.coordinator.cluster;

import io.blackstart.coordinator.TestPki;

import io.blackstart.protocol.trust.NodeIdentity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
public class RoleVettingTest {
    private static final String SELF = "pekko://blackstart@10.0.0.1:25520";
    private static final String OTHER = "pekko://blackstart@10.0.0.2:25520";
    private static NodeIdentity self;
    private static NodeIdentity coordinator;
    private static NodeIdentity agent;

    @BeforeAll
    static void certificates() throws Exception {
        TestPki pki = new TestPki();
        self = pki.node("coordinator-1", "coordinator");
        coordinator = pki.node("coordinator-2", "coordinator");
        agent = pki.node("host-1", "agent");
    }

    private static RoleVetting vetting() {
        return new RoleVetting(SELF, self.peers(), 30_000);
    }

    private static byte[] sign(NodeIdentity who, String address, byte[] nonce) {
        return who.sign(RoleVetting.signed(address, nonce));
    }

    @Test
    void aCoordinatorThatSignsItsOwnAddressIsVetted() {
        RoleVetting v = vetting();
        v.up(OTHER, Set.of("coordinator"), 0);
        byte[] nonce = v.nonce(OTHER);
        assertEquals(List.of(OTHER), v.tick(1_000).challenge());
        assertTrue(v.proof(OTHER, nonce, coordinator.chainDer(), sign(coordinator, OTHER, nonce)));
        assertEquals("coordinator certificate CN=coordinator-2", v.reason(OTHER));
        RoleVetting.Actions later = v.tick(60_000);
        assertEquals(List.of(), later.down());
        assertEquals(List.of(), later.challenge());
    }

    @Test
    void membersWithoutTheRoleAndThisNodeAreNotChallenged() {
        RoleVetting v = vetting();
        v.up(SELF, Set.of("coordinator"), 0);
        v.up(OTHER, Set.of("agent"), 0);
        assertNull(v.nonce(OTHER));
        assertEquals(List.of(), v.tick(60_000).down());
    }

    @Test
    void anAgentCertificateARelayedSignatureOrAnOldNonceIsRefused() {
        RoleVetting v = vetting();
        v.up(OTHER, Set.of("coordinator"), 0);
        byte[] nonce = v.nonce(OTHER);
        assertFalse(v.proof(OTHER, nonce, agent.chainDer(), sign(agent, OTHER, nonce)));
        assertEquals("certificate CN=host-1 has role (OU) agent, not coordinator", v.reason(OTHER));
        // a real coordinator's signature for its own address, relayed by the member at OTHER
        assertFalse(v.proof(OTHER, nonce, coordinator.chainDer(), sign(coordinator, SELF, nonce)));
        assertFalse(v.proof(OTHER, new byte[16], coordinator.chainDer(), sign(coordinator, OTHER, new byte[16])));
        assertEquals("answer to another challenge", v.reason(OTHER));
    }

    @Test
    void noProofInTimeDownsAReachableMemberAndWaitsForAnUnreachableOne() {
        RoleVetting v = vetting();
        v.up(OTHER, Set.of("coordinator"), 0);
        v.reachable(OTHER, false);
        RoleVetting.Actions a = v.tick(30_000);
        assertEquals(List.of(), a.down(), "unreachable: the split brain resolver's call");
        v.reachable(OTHER, true);
        assertEquals(List.of(), v.tick(45_000).down(), "a new deadline from when it was seen unreachable");
        assertEquals(List.of(OTHER), v.tick(60_000).down());
        assertEquals("no proof within 30000 ms", v.reason(OTHER));
        v.removed(OTHER);
        assertNull(v.reason(OTHER));
    }
}
