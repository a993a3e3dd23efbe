package io.blackstart.protocol.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delta an agent sends between two container lists, applied to the old list, gives the new one. */
@Timeout(30)
class ContainerDeltaTest {

    private static ContainerInfo c(String instance, ContainerState state, long since) {
        String app = instance.substring(0, instance.lastIndexOf('-'));
        return new ContainerInfo(instance, app, "id-" + instance + "-" + since, "img/" + app + ":1", state, since);
    }

    private static Map<String, ContainerInfo> map(ContainerInfo... cs) {
        Map<String, ContainerInfo> m = new TreeMap<>();
        for (ContainerInfo x : cs) {
            m.put(x.instanceId(), x);
        }
        return m;
    }

    @Test
    void listsNewAndChangedContainersAndTheOnesGone() {
        var before = map(c("a-0", ContainerState.RUNNING, 1), c("a-1", ContainerState.STOPPED, 1),
                c("b-0", ContainerState.RUNNING, 1));
        var now = map(c("a-0", ContainerState.RUNNING, 1), c("a-1", ContainerState.RUNNING, 5),
                c("c-0", ContainerState.CREATED, 5));
        ContainerDelta d = ContainerDelta.between(before, now);
        assertEquals(List.of(c("a-1", ContainerState.RUNNING, 5), c("c-0", ContainerState.CREATED, 5)), d.changed());
        assertEquals(List.of("b-0"), d.gone());
        assertTrue(ContainerDelta.between(now, new TreeMap<>(now)).changed().isEmpty(), "nothing changed");
    }

    @Test
    void applyingTheDeltaToTheOldListGivesTheNewOneOnRandomHosts() {
        SplittableRandom random = new SplittableRandom(7);
        ContainerState[] states = ContainerState.values();
        for (int round = 0; round < 500; round++) {
            Map<String, ContainerInfo> before = new TreeMap<>();
            Map<String, ContainerInfo> now = new TreeMap<>();
            for (int i = 0; i < 30; i++) {
                String id = "app" + (i % 4) + "-" + i;
                if (random.nextInt(3) > 0) {
                    before.put(id, c(id, states[random.nextInt(states.length)], random.nextInt(3)));
                }
                if (random.nextInt(3) > 0) {
                    now.put(id, c(id, states[random.nextInt(states.length)], random.nextInt(3)));
                }
            }
            Map<String, ContainerInfo> applied = new TreeMap<>(before);
            ContainerDelta.between(before, now).applyTo(applied);
            assertEquals(now, applied, "round " + round);
        }
    }
}
