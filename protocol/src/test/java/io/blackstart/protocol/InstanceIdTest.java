package io.blackstart.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class InstanceIdTest {
    @Test
    void formatsAndParsesWithDashesInTheAppId() {
        InstanceId id = new InstanceId("billing-api", 12);
        assertEquals("billing-api-12", id.toString());
        assertEquals("bs-billing-api-12", id.containerName());
        assertEquals(Optional.of(id), InstanceId.parse("billing-api-12"));
    }

    @Test
    void rejectsTextWithoutIndex() {
        assertEquals(Optional.empty(), InstanceId.parse("billing-api"));
        assertEquals(Optional.empty(), InstanceId.parse("billing-"));
        assertEquals(Optional.empty(), InstanceId.parse("-3"));
        assertThrows(IllegalArgumentException.class, () -> new InstanceId("a", -1));
    }
}
