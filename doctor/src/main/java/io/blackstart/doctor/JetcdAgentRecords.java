package io.blackstart.doctor;

import io.blackstart.common.etcd.EtcdAccess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@link AgentRecordsPort} over jetcd: a <em>serializable</em> prefix read of {@code <prefix>/agents/} from every
 * configured member at once, each through its own tuned client (ETCD.md section 3), and the answer with the highest
 * revision wins. A serializable read is answered from the member's local copy, so the recorded agents are known
 * while etcd has lost quorum (from any member that was serving before) and while no coordinator runs.
 */
public final class JetcdAgentRecords implements AgentRecordsPort {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> endpoints;
    private final String prefix;
    private final Duration callTimeout;
    private final Executor executor;
    private final EtcdAccess access;

    /**
     * @param endpoints   etcd client URLs, one per member
     * @param prefix      the coordinators' key prefix ({@code /blackstart})
     * @param callTimeout deadline of each read
     * @param executor    runs the reads concurrently
     */
    public JetcdAgentRecords(List<String> endpoints, String prefix, Duration callTimeout, Executor executor) {
        this(endpoints, prefix, callTimeout, executor, EtcdAccess.NONE);
    }

    /** Reads with this TLS / user / password. */
    public JetcdAgentRecords(List<String> endpoints, String prefix, Duration callTimeout, Executor executor,
                             EtcdAccess access) {
        this.access = access;
        this.endpoints = List.copyOf(endpoints);
        this.prefix = prefix;
        this.callTimeout = callTimeout;
        this.executor = executor;
    }

    private record Answer(String endpoint, Optional<GetResponse> response, String problem) {
    }

    @Override
    public RecordedAgents read() {
        long t0 = System.nanoTime();
        if (endpoints.isEmpty()) {
            return RecordedAgents.failed("no etcd endpoint configured", 0);
        }
        List<CompletableFuture<Answer>> reads = new ArrayList<>();
        for (String endpoint : endpoints) {
            reads.add(CompletableFuture.supplyAsync(() -> readFrom(endpoint), executor));
        }
        List<Answer> answers = reads.stream().map(CompletableFuture::join).toList();
        Optional<Answer> best = answers.stream().filter(a -> a.response().isPresent())
                .max(Comparator.comparingLong(a -> a.response().get().getHeader().getRevision()));
        long ms = HttpFetch.millisSince(t0);
        if (best.isEmpty()) {
            List<String> why = answers.stream().map(a -> a.endpoint() + ": " + a.problem()).toList();
            return RecordedAgents.failed("no etcd member answered (" + String.join("; ", why) + ")", ms);
        }
        String dir = prefix + "/agents/";
        List<RecordedAgents.Agent> agents = new ArrayList<>();
        for (KeyValue kv : best.get().response().get().getKvs()) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            agents.add(parse(key.substring(dir.length()), kv.getValue().toString(StandardCharsets.UTF_8)));
        }
        agents.sort(Comparator.comparing(RecordedAgents.Agent::nodeId));
        return new RecordedAgents(agents, best.get().endpoint(), Optional.empty(), ms);
    }

    /** One record; an unreadable value keeps the node id (the key's last segment) and nothing else. */
    static RecordedAgents.Agent parse(String nodeId, String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new RecordedAgents.Agent(nodeId, n.path("address").asText(""), n.path("firstSeen").asLong(0),
                    n.path("lastSeen").asLong(0));
        } catch (Exception e) {
            return new RecordedAgents.Agent(nodeId, "", 0, 0);
        }
    }

    private Answer readFrom(String endpoint) {
        long deadline = JetcdMemberPort.firstCallDeadlineMillis(callTimeout);
        long t0 = System.nanoTime();
        try (Client client = JetcdMemberPort.tunedClient(endpoint, callTimeout, deadline, access)) {
            ByteSequence dir = ByteSequence.from(prefix + "/agents/", StandardCharsets.UTF_8);
            GetResponse r = JetcdMemberPort.await(() -> client.getKVClient().get(dir,
                    GetOption.builder().isPrefix(true).withSerializable(true).build()), deadline);
            JetcdMemberPort.warm();
            return new Answer(endpoint, Optional.of(r), "");
        } catch (Exception e) {
            return new Answer(endpoint, Optional.empty(), JetcdMemberPort.classify(access, endpoint, e, t0).detail());
        }
    }
}
