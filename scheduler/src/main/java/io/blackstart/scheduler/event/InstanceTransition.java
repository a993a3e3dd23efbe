package io.blackstart.scheduler.event;

import io.blackstart.protocol.Tier;
import io.blackstart.scheduler.InstanceState;

/**
 * An instance moved from one state to another. A container killed and restarted in place is to give its
 * transitions out of {@code running} and back into it, however quickly they follow each other.
 *
 * @param instanceId the instance
 * @param appId      its app
 * @param tier       its app's tier
 * @param from       the state before; {@code null} when the instance first appears (a catalog added it)
 * @param to         the state after; {@code null} when the instance left the catalog
 * @param nodeId     the host it is on or assigned to after the transition, {@code null} if none
 * @param reason     why, in a few words ({@code "assigned"}, {@code "container exited"}, the failure's message)
 * @param at         epoch millis
 */
public record InstanceTransition(String instanceId, String appId, Tier tier, InstanceState from, InstanceState to,
                                 String nodeId, String reason, long at) implements LedgerEvent {
}
