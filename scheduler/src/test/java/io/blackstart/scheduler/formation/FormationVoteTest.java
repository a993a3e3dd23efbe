package io.blackstart.scheduler.formation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class FormationVoteTest {

    @Test
    void oneCandidateAtATimeUntilTheLeaseExpires() {
        FormationVote v = new FormationVote(1000);
        assertTrue(v.grant("a", 0));
        assertFalse(v.grant("b", 999));
        assertTrue(v.grant("a", 500), "the same candidate renews");
        assertFalse(v.grant("b", 1499));
        assertTrue(v.grant("b", 1500), "expired");
        assertEquals(Optional.of("b"), v.promisedTo(1500));
        assertEquals(Optional.empty(), v.promisedTo(2500));
    }

    @Test
    void releaseFreesOnlyTheCandidatesOwnPromise() {
        FormationVote v = new FormationVote(1000);
        v.grant("a", 0);
        v.release("b");
        assertFalse(v.grant("b", 1));
        v.release("a");
        assertTrue(v.grant("b", 2));
    }

    /** Two founders asking the same three voters in any interleaving never both get two votes. */
    @Test
    void twoFoundersNeverBothHoldAMajority() {
        List<String> order = List.of("a", "b");
        for (int mask = 0; mask < 8; mask++) {
            FormationVote[] voters = {new FormationVote(1000), new FormationVote(1000), new FormationVote(1000)};
            int votesA = 0;
            int votesB = 0;
            for (int i = 0; i < 3; i++) {
                String first = order.get((mask >> i) & 1);
                String second = order.get(1 - ((mask >> i) & 1));
                boolean firstGot = voters[i].grant(first, 10);
                boolean secondGot = voters[i].grant(second, 11);
                votesA += (first.equals("a") && firstGot) || (second.equals("a") && secondGot) ? 1 : 0;
                votesB += (first.equals("b") && firstGot) || (second.equals("b") && secondGot) ? 1 : 0;
            }
            assertFalse(votesA >= 2 && votesB >= 2, "both got a majority, mask " + mask);
        }
    }

    @Test
    void aLeaseMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new FormationVote(0));
    }
}
