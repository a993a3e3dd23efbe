package io.blackstart.doctor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agents a doctor run expects, shared by its checks: the {@code --inventory} file when given; otherwise the
 * agents recorded in etcd ({@link AgentRecordsPort}, read once per run by whichever check asks first) together with
 * those the coordinator knows, when it answers.
 */
public final class ExpectedAgents {

    private final Optional<Path> inventory;
    private final Optional<AgentRecordsPort> records;
    private final String recordsWhere;
    private final AtomicBoolean reading = new AtomicBoolean();
    private final CompletableFuture<RecordedAgents> recorded = new CompletableFuture<>();

    /**
     * What is expected, and from where.
     *
     * @param ids     node ids, in order
     * @param source  where they come from, for findings ("the inventory", "recorded in etcd", ...)
     * @param problem why the expectation is incomplete (an unreadable inventory), if it is
     */
    public record Expectation(Set<String> ids, String source, Optional<String> problem) {
        public Expectation {
            ids = Set.copyOf(new LinkedHashSet<>(ids));
        }
    }

    /**
     * @param inventory    the {@code --inventory} file, if given
     * @param records      reads the agents recorded in etcd, if etcd is configured
     * @param recordsWhere where the records live, for findings ({@code <prefix>/agents/})
     */
    public ExpectedAgents(Optional<Path> inventory, Optional<AgentRecordsPort> records, String recordsWhere) {
        this.inventory = inventory;
        this.records = records;
        this.recordsWhere = recordsWhere;
    }

    /** Where the records live ({@code /blackstart/agents/}). */
    public String recordsWhere() {
        return recordsWhere;
    }

    /** The agents recorded in etcd, read at most once; empty when etcd is not configured. */
    public Optional<RecordedAgents> recorded() {
        if (records.isEmpty()) {
            return Optional.empty();
        }
        if (reading.compareAndSet(false, true)) {
            try {
                recorded.complete(records.get().read());
            } catch (RuntimeException e) {
                recorded.complete(RecordedAgents.failed("the read crashed: " + HttpFetch.describe(e), 0));
            }
        }
        return Optional.of(recorded.join());
    }

    /**
     * The agents to expect.
     *
     * @param coordinatorKnown the agents the coordinator knows; empty when it did not answer
     */
    public Expectation expect(Collection<String> coordinatorKnown) {
        if (inventory.isPresent()) {
            try {
                return new Expectation(new LinkedHashSet<>(Inventory.read(inventory.get())), "the inventory",
                        Optional.empty());
            } catch (IOException e) {
                return new Expectation(Set.of(), "the inventory", Optional.of("cannot read the inventory "
                        + inventory.get() + ": " + HttpFetch.describe(e)));
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        Optional<RecordedAgents> r = recorded().filter(RecordedAgents::read);
        r.ifPresent(rec -> rec.agents().forEach(a -> ids.add(a.nodeId())));
        int fromEtcd = ids.size();
        ids.addAll(coordinatorKnown);
        String source;
        if (r.isPresent() && !coordinatorKnown.isEmpty() && ids.size() > fromEtcd) {
            source = "recorded in etcd or known to the coordinator";
        } else if (r.isPresent() && fromEtcd > 0) {
            source = "recorded in etcd";
        } else {
            source = "the agents the coordinator knows";
        }
        return new Expectation(ids, source, Optional.empty());
    }

    static List<String> sorted(Collection<String> ids) {
        return ids.stream().sorted().toList();
    }
}
