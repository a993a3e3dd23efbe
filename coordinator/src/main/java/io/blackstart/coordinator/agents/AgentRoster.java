package io.blackstart.coordinator.agents;

import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.store.DesiredStateStore;

import io.blackstart.coordinator.store.DesiredStateStore.AgentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AgentWrite;
import io.blackstart.coordinator.store.DesiredStateStore.StoredAgent;
import io.blackstart.protocol.wire.AgentCommand;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The agents as this coordinator node knows them: one per node, fed by the node's {@link AgentGateway}.
 *
 * <p><b>Responsibility.</b> (1) Records every agent whose reports pass through this node's gateway in the store
 * ({@code <prefix>/agents/<nodeId>}, see {@link DesiredStateStore#recordAgent}): when it first sees the agent and
 * the store has no record, when the agent's address differs from the record (restarted elsewhere), and when the
 * record's {@code lastSeen} is older than {@code agents.record-refresh} — never on every report. Writes are
 * compare-and-set against the record it last loaded or wrote, so two coordinator nodes never lose each other's
 * {@code firstSeen}. (2) Answers {@link DiagnoseHosts} by spawning one {@link HostDiagnosisQuery} over every agent
 * registered in the cluster's receptionist; requests that arrive while a query runs share its result, so at most one
 * fan-out per node is in flight whatever the HTTP load.
 *
 * <p><b>States.</b> Until the stored records are loaded it writes nothing (it remembers what it saw); loading and
 * writes that fail are retried with exponential backoff ({@code agents.store-retry-backoff-min/max}). Until the
 * receptionist's first listing of agents has arrived, diagnosis requests wait for it.
 *
 * <p><b>Never.</b> It never blocks (store calls come back through {@code pipeToSelf}) and never tells agents
 * anything but {@code DiagnoseHost} (through its queries).
 */
public final class AgentRoster extends AbstractBehavior<AgentRoster.Command> {

    /** Messages of the roster. */
    public interface Command {
    }

    /** From the gateway: {@code nodeId} reported with this command ref. */
    public record Reported(String nodeId, ActorRef<AgentCommand> agent) implements Command {
    }

    /**
     * Diagnose every agent's host.
     *
     * @param expected node ids to list even if no agent of theirs is registered (the hosts the recovery manager sees)
     * @param replyTo  gets the {@link HostsDiagnosis}
     */
    public record DiagnoseHosts(Set<String> expected, ActorRef<HostsDiagnosis> replyTo) implements Command {
    }

    private record Listed(Receptionist.Listing listing) implements Command {
    }

    private record Loaded(Map<String, StoredAgent> agents, Throwable error) implements Command {
    }

    private record Written(AgentRecord attempted, AgentWrite result, Throwable error) implements Command {
    }

    private record QueryDone(HostsDiagnosis result) implements Command {
    }

    private enum Reload implements Command { INSTANCE }

    private record QueryOverdue(long query) implements Command {
    }

    private record Seen(ActorRef<AgentCommand> agent, String address, long firstSeenMillis) {
    }

    private final DesiredStateStore store;
    private final CoordinatorSettings.Agents settings;
    private final LongSupplier clock;
    private final TimerScheduler<Command> timers;
    private final Address selfAddress;
    private final ActorRef<HostsDiagnosis> queryReplies;

    private Map<String, StoredAgent> stored;
    private final Map<String, Seen> seen = new HashMap<>();
    private final Set<String> writing = new HashSet<>();
    private Set<ActorRef<AgentCommand>> listed = Set.of();
    private Duration backoff;
    private long storeBlockedUntilNanos;
    private final List<ActorRef<HostsDiagnosis>> waiters = new ArrayList<>();
    private final Set<String> waitersExpect = new LinkedHashSet<>();
    private boolean listedOnce;
    private boolean queryRunning;
    private long queries;

    private AgentRoster(ActorContext<Command> ctx, TimerScheduler<Command> timers, DesiredStateStore store,
                        CoordinatorSettings.Agents settings, LongSupplier clock) {
        super(ctx);
        this.timers = timers;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.backoff = settings.storeRetryBackoffMin();
        this.selfAddress = ctx.getSystem().address();
        this.queryReplies = ctx.messageAdapter(HostsDiagnosis.class, QueryDone::new);
        ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(RecoveryManager.AGENT_KEY, listings));
        load();
    }

    /**
     * @param store    where agent records live
     * @param settings record refresh, store backoff, diagnosis deadline
     * @param clock    wall clock in epoch millis ({@code System::currentTimeMillis})
     */
    public static Behavior<Command> create(DesiredStateStore store, CoordinatorSettings.Agents settings,
                                           LongSupplier clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new AgentRoster(ctx, timers, store, settings,
                clock)));
    }

    /** The full address of {@code ref}'s actor system ({@code local} for a ref in this system). */
    static String addressOf(ActorRef<?> ref, Address local) {
        Address a = ref.path().address();
        return (a.hasLocalScope() ? local : a).toString();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Reported.class, this::onReported)
                .onMessage(Listed.class, this::onListed)
                .onMessage(Loaded.class, this::onLoaded)
                .onMessageEquals(Reload.INSTANCE, this::onReload)
                .onMessage(Written.class, this::onWritten)
                .onMessage(DiagnoseHosts.class, this::onDiagnose)
                .onMessage(QueryDone.class, this::onQueryDone)
                .onMessage(QueryOverdue.class, this::onQueryOverdue)
                .build();
    }

    // ---------------------------------------------------------------- records in the store

    private void load() {
        getContext().pipeToSelf(store.loadAgents(), Loaded::new);
    }

    private Behavior<Command> onReload() {
        load();
        return this;
    }

    private Behavior<Command> onLoaded(Loaded l) {
        if (l.error() != null) {
            getContext().getLog().warn("cannot load the agent records (retry in {} ms): {}", backoff.toMillis(),
                    l.error().toString());
            timers.startSingleTimer(Reload.INSTANCE, Reload.INSTANCE, backoff);
            growBackoff();
            return this;
        }
        stored = new HashMap<>(l.agents());
        backoff = settings.storeRetryBackoffMin();
        for (String nodeId : List.copyOf(seen.keySet())) {
            maybeWrite(nodeId);
        }
        return this;
    }

    private Behavior<Command> onReported(Reported r) {
        // every report of every agent passes here: only a new or changed ref costs more than two lookups
        Seen before = seen.get(r.nodeId());
        if (before == null || !before.agent().equals(r.agent())) {
            seen.put(r.nodeId(), new Seen(r.agent(), addressOf(r.agent(), selfAddress),
                    before == null ? clock.getAsLong() : before.firstSeenMillis()));
        }
        maybeWrite(r.nodeId());
        return this;
    }

    /** Writes the record of {@code nodeId} if it is missing, names another address, or its lastSeen is stale. */
    private void maybeWrite(String nodeId) {
        Seen s = seen.get(nodeId);
        if (stored == null || s == null || writing.contains(nodeId) || System.nanoTime() < storeBlockedUntilNanos) {
            return;
        }
        long now = clock.getAsLong();
        StoredAgent current = stored.get(nodeId);
        AgentRecord next;
        long expected;
        if (current == null) {
            // first seen when this node first saw it, also if the store could only be read later
            next = new AgentRecord(nodeId, s.address(), Math.min(s.firstSeenMillis(), now), now);
            expected = 0;
        } else if (!current.agent().address().equals(s.address())
                || now - current.agent().lastSeenMillis() >= settings.recordRefresh().toMillis()) {
            next = new AgentRecord(nodeId, s.address(), current.agent().firstSeenMillis(), now);
            expected = current.modRevision();
        } else {
            return;
        }
        writing.add(nodeId);
        getContext().pipeToSelf(store.recordAgent(next, expected), (result, error) -> new Written(next, result, error));
    }

    private Behavior<Command> onWritten(Written w) {
        String nodeId = w.attempted().nodeId();
        writing.remove(nodeId);
        if (w.error() != null) {
            getContext().getLog().warn("cannot record agent {} in the store (next try in {} ms or later): {}", nodeId,
                    backoff.toMillis(), w.error().toString());
            // the agent's next report after the backoff tries again
            storeBlockedUntilNanos = System.nanoTime() + backoff.toNanos();
            growBackoff();
            return this;
        }
        backoff = settings.storeRetryBackoffMin();
        if (w.result() instanceof AgentWrite.Written ok) {
            stored.put(nodeId, new StoredAgent(w.attempted(), ok.modRevision()));
            getContext().getLog().debug("recorded agent {} at {}", nodeId, w.attempted().address());
        } else if (w.result() instanceof AgentWrite.Conflict c) {
            // another coordinator node wrote it meanwhile: decide again against what is there now
            if (c.current().isPresent()) {
                stored.put(nodeId, c.current().get());
            } else {
                stored.remove(nodeId);
            }
            maybeWrite(nodeId);
        }
        return this;
    }

    private void growBackoff() {
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(settings.storeRetryBackoffMax()) > 0 ? settings.storeRetryBackoffMax() : doubled;
    }

    // ---------------------------------------------------------------- host diagnoses

    private Behavior<Command> onListed(Listed l) {
        if (l.listing().isForKey(RecoveryManager.AGENT_KEY)) {
            // all instances, reachable or not: an unreachable agent is asked and listed as silent, not dropped
            listed = Set.copyOf(l.listing().getAllServiceInstances(RecoveryManager.AGENT_KEY));
            listedOnce = true;
            maybeStartQuery();
        }
        return this;
    }

    private Behavior<Command> onDiagnose(DiagnoseHosts d) {
        waiters.add(d.replyTo());
        waitersExpect.addAll(d.expected());
        maybeStartQuery();
        return this;
    }

    /** Starts a query for the waiting requests, unless one runs (they share it) or no agent listing came yet. */
    private void maybeStartQuery() {
        if (queryRunning || waiters.isEmpty() || !listedOnce) {
            return;
        }
        Map<ActorRef<AgentCommand>, String> names = new HashMap<>();
        seen.forEach((id, s) -> names.put(s.agent(), id));
        Map<String, String> byAddress = new HashMap<>();
        if (stored != null) {
            stored.values().forEach(a -> byAddress.put(a.agent().address(), a.agent().nodeId()));
        }
        seen.forEach((id, s) -> byAddress.put(s.address(), id));
        List<HostDiagnosisQuery.Target> targets = new ArrayList<>();
        for (ActorRef<AgentCommand> ref : listed) {
            String name = names.getOrDefault(ref, byAddress.getOrDefault(addressOf(ref, selfAddress), ""));
            targets.add(new HostDiagnosisQuery.Target(ref, name));
        }
        targets.sort(Comparator.comparing(t -> t.agent().path().toString()));
        getContext().spawn(HostDiagnosisQuery.create(targets, Set.copyOf(waitersExpect), settings.diagnosisDeadline(),
                clock, queryReplies), "host-diagnosis-" + (++queries));
        queryRunning = true;
        // a query always replies within its deadline; should one die without replying, the next request starts afresh
        timers.startSingleTimer(QueryOverdue.class, new QueryOverdue(queries),
                settings.diagnosisDeadline().plusSeconds(1));
    }

    private Behavior<Command> onQueryDone(QueryDone q) {
        timers.cancel(QueryOverdue.class);
        queryRunning = false;
        for (ActorRef<HostsDiagnosis> w : waiters) {
            w.tell(q.result());
        }
        waiters.clear();
        waitersExpect.clear();
        return this;
    }

    private Behavior<Command> onQueryOverdue(QueryOverdue o) {
        if (o.query() == queries && queryRunning) {
            getContext().getLog().warn("host diagnosis {} did not reply within its deadline; {} request(s) dropped",
                    o.query(), waiters.size());
            queryRunning = false;
            waiters.clear();
            waitersExpect.clear();
        }
        return this;
    }
}
