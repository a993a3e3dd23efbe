package io.blackstart.coordinator.agents;

import io.blackstart.testsupport.Await;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.api.EventStream;
import io.blackstart.coordinator.api.HostDiagnosisRoutes;
import io.blackstart.coordinator.api.HttpApi;
import io.blackstart.coordinator.api.Metrics;
import io.blackstart.coordinator.api.TrackerRoutes;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import io.blackstart.coordinator.tracker.TrackerSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.blackstart.coordinator.store.DesiredStateStore.AgentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.StoredAgent;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.EngineDiagnosis;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent roster on an in-memory store with a manual wall clock: agent records written on first sight, on an
 * address change and after the refresh interval only, compare-and-set against another writer, retried after the
 * store comes back; and host diagnoses over agents registered with the receptionist, one of which never answers.
 */
@Timeout(60)
public class AgentRosterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration REFRESH = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActorTestKit kit;
    private InMemoryDesiredStateStore store;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private String self;

    @BeforeEach
    void setUp() {
        kit = ActorTestKit.create(TestFixtures.localConfig());
        store = new InMemoryDesiredStateStore();
        self = kit.system().address().toString();
    }

    @AfterEach
    void tearDown() {
        kit.shutdownTestKit();
        store.close();
    }

    private ActorRef<AgentRoster.Command> roster(Duration deadline) {
        return kit.spawn(AgentRoster.create(store, new CoordinatorSettings.Agents(REFRESH, Duration.ofMillis(100),
                Duration.ofMillis(400), deadline), clock::get));
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT, condition);
    }

    private AgentRecord record(String nodeId) {
        StoredAgent s = store.agentsNow().get(nodeId);
        return s == null ? null : s.agent();
    }

    @Test
    void anAgentIsRecordedOnFirstSightNotOnEveryReport() {
        ActorRef<AgentRoster.Command> roster = roster(Duration.ofSeconds(1));
        ActorRef<AgentCommand> a = kit.<AgentCommand>createTestProbe().ref();
        long first = clock.get();
        for (int i = 0; i < 5; i++) {
            roster.tell(new AgentRoster.Reported("n1", a));
        }
        // messages are handled in order: once n2 is recorded, every report of n1 has been seen
        roster.tell(new AgentRoster.Reported("n2", kit.<AgentCommand>createTestProbe().ref()));
        await("n2 recorded", () -> record("n2") != null);

        AgentRecord n1 = record("n1");
        assertEquals(new AgentRecord("n1", self, first, first), n1);
        assertEquals(2, store.agentWrites.get(), "one write per agent, not one per report");
    }

    @Test
    void lastSeenIsRefreshedOnlyOnceItIsOlderThanTheRefreshInterval() {
        ActorRef<AgentRoster.Command> roster = roster(Duration.ofSeconds(1));
        ActorRef<AgentCommand> a = kit.<AgentCommand>createTestProbe().ref();
        long first = clock.get();
        roster.tell(new AgentRoster.Reported("n1", a));
        await("n1 recorded", () -> record("n1") != null);

        clock.set(first + REFRESH.toMillis() - 1);
        roster.tell(new AgentRoster.Reported("n1", a));
        roster.tell(new AgentRoster.Reported("n2", kit.<AgentCommand>createTestProbe().ref()));
        await("n2 recorded", () -> record("n2") != null);
        assertEquals(first, record("n1").lastSeenMillis(), "not refreshed before the interval");

        clock.set(first + REFRESH.toMillis());
        roster.tell(new AgentRoster.Reported("n1", a));
        await("n1 refreshed", () -> record("n1").lastSeenMillis() == first + REFRESH.toMillis());
        assertEquals(first, record("n1").firstSeenMillis());
        assertEquals(3, store.agentWrites.get());
    }

    @Test
    void anAgentSeenAtAnotherAddressIsRewrittenKeepingItsFirstSeen() throws Exception {
        long rev = ((DesiredStateStore.AgentWrite.Written) store.recordAgent(
                new AgentRecord("n1", "pekko://blackstart@10.9.9.9:25520", 1_000, 2_000), 0)
                .toCompletableFuture().get(5, TimeUnit.SECONDS)).modRevision();
        ActorRef<AgentRoster.Command> roster = roster(Duration.ofSeconds(1));

        roster.tell(new AgentRoster.Reported("n1", kit.<AgentCommand>createTestProbe().ref()));

        await("n1 rewritten", () -> record("n1").address().equals(self));
        assertEquals(new AgentRecord("n1", self, 1_000, clock.get()), record("n1"));
        assertTrue(store.agentsNow().get("n1").modRevision() > rev);
    }

    @Test
    void aRecordWrittenMeanwhileByAnotherCoordinatorIsNotOverwrittenBlindly() throws Exception {
        ActorRef<AgentRoster.Command> roster = roster(Duration.ofSeconds(1));
        // the roster has loaded an empty store; another coordinator node records n1 first
        roster.tell(new AgentRoster.Reported("n0", kit.<AgentCommand>createTestProbe().ref()));
        await("n0 recorded (the load is done)", () -> record("n0") != null);
        store.recordAgent(new AgentRecord("n1", "pekko://blackstart@10.9.9.9:25520", 500, 500), 0)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);

        roster.tell(new AgentRoster.Reported("n1", kit.<AgentCommand>createTestProbe().ref()));

        // its compare-and-set fails, it learns the record and rewrites it with the other's firstSeen
        await("n1 at this node's address", () -> record("n1").address().equals(self));
        assertEquals(500, record("n1").firstSeenMillis());
    }

    @Test
    void whileTheStoreIsDownNothingIsLostAndTheRecordIsWrittenOnceItAnswers() {
        store.setDown(true);
        ActorRef<AgentRoster.Command> roster = roster(Duration.ofSeconds(1));
        ActorRef<AgentCommand> a = kit.<AgentCommand>createTestProbe().ref();
        roster.tell(new AgentRoster.Reported("n1", a));

        store.setDown(false);
        // the load is retried after its backoff, then what was seen meanwhile is written
        await("n1 recorded", () -> record("n1") != null);
        assertEquals(self, record("n1").address());
    }

    /** An agent that answers every DiagnoseHost with its clock {@code skewMillis} ahead and a healthy engine. */
    private Behavior<AgentCommand> answeringAgent(String nodeId, long skewMillis) {
        return Behaviors.receive(AgentCommand.class)
                .onMessage(AgentCommand.DiagnoseHost.class, d -> {
                    long now = System.currentTimeMillis() + skewMillis;
                    d.replyTo().tell(new AgentEvent.HostDiagnosis(nodeId, d.requestId(), now, now,
                            new EngineDiagnosis(true, "20.10.24", "1.41", "overlay2", "/var/lib/docker", 10L << 30,
                                    100L << 30, "", 3)));
                    return Behaviors.same();
                })
                .build();
    }

    private void register(ActorRef<AgentCommand> agent) {
        kit.system().receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, agent));
    }

    private void awaitListed(int n) {
        TestProbe<Receptionist.Listing> listing = kit.createTestProbe();
        await(n + " agents registered", () -> {
            kit.system().receptionist().tell(Receptionist.find(RecoveryManager.AGENT_KEY, listing.ref()));
            return listing.receiveMessage(WAIT).getServiceInstances(RecoveryManager.AGENT_KEY).size() == n;
        });
    }

    @Test
    void aDiagnosisListsEveryAgentTheSilentOneAndTheExpectedOneThatIsNotThere() {
        // the real clock here: the agents' readings must be comparable with the coordinator's
        ActorRef<AgentCommand> fine = kit.spawn(answeringAgent("n1", 2_000), "n1");
        TestProbe<AgentCommand> silent = kit.createTestProbe();
        register(fine);
        register(silent.ref());
        awaitListed(2);
        ActorRef<AgentRoster.Command> roster = kit.spawn(AgentRoster.create(store, new CoordinatorSettings.Agents(
                REFRESH, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(500)),
                System::currentTimeMillis));
        roster.tell(new AgentRoster.Reported("n2", silent.ref()));
        TestProbe<HostsDiagnosis> asker = kit.createTestProbe();
        TestProbe<HostsDiagnosis> second = kit.createTestProbe();

        long t0 = System.nanoTime();
        roster.tell(new AgentRoster.DiagnoseHosts(Set.of("n1", "n2", "n3"), asker.ref()));
        roster.tell(new AgentRoster.DiagnoseHosts(Set.of("n1", "n2", "n3"), second.ref()));
        HostsDiagnosis d = asker.receiveMessage(WAIT);
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(d, second.receiveMessage(WAIT), "a request during a running diagnosis shares its result");
        silent.expectMessageClass(AgentCommand.DiagnoseHost.class);
        silent.expectNoMessage(Duration.ofMillis(100));
        assertTrue(ms >= 500 && ms < 5_000, "waited " + ms + " ms for the silent agent");
        assertEquals(2, d.asked());
        assertEquals(List.of("n1", "n2", "n3"), d.hosts().stream().map(HostsDiagnosis.Host::nodeId).toList());
        HostsDiagnosis.Host n1 = d.hosts().get(0);
        assertTrue(n1.answered());
        assertEquals("20.10.24", n1.docker().orElseThrow().version());
        long skew = n1.clock().orElseThrow().offsetMillis();
        long uncertainty = n1.clock().orElseThrow().uncertaintyMillis();
        assertTrue(Math.abs(skew - 2_000) <= uncertainty + 1, "skew " + skew + " ± " + uncertainty);
        assertEquals(HostsDiagnosis.Host.silent("n2", self, "its agent did not answer within 500 ms"), d.hosts().get(1));
        assertEquals(HostsDiagnosis.Host.silent("n3", "", "no agent of this node id is registered in the cluster"),
                d.hosts().get(2));
    }

    @Test
    void theHttpRouteAnswersTheDiagnosisAsJson() throws Exception {
        ActorRef<AgentCommand> fine = kit.spawn(answeringAgent("n1", 0), "n1");
        register(fine);
        awaitListed(1);
        ActorRef<AgentRoster.Command> roster = kit.spawn(AgentRoster.create(store, new CoordinatorSettings.Agents(
                REFRESH, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2)),
                System::currentTimeMillis));
        StatusBoard board = new StatusBoard();
        HttpApi api = new HttpApi(board, kit.<RecoveryManager.Command>createTestProbe().ref(),
                new CoordinatorSettings.Api(true, "127.0.0.1", 0, "", Duration.ofSeconds(2)), kit.system(),
                new TrackerRoutes(board, new EventStream(board, kit.system()), new Metrics(board),
                        TrackerSettings.DEFAULT), java.util.Optional.empty(),
                java.util.Optional.of(new HostDiagnosisRoutes(roster, board, kit.system(), Duration.ofSeconds(2))));
        ServerBinding b = Http.get(kit.system()).newServerAt("127.0.0.1", 0).bind(api.route())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + b.localAddress().getPort() + "/api/v1/hosts/diagnosis"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = JSON.readTree(r.body());
        assertEquals(1, j.path("asked").asInt());
        assertEquals(1, j.path("answered").asInt());
        assertEquals(2000, j.path("deadlineMillis").asLong());
        JsonNode h = j.path("hosts").get(0);
        assertEquals("n1", h.path("nodeId").asText());
        assertTrue(h.path("answered").asBoolean());
        assertEquals("overlay2", h.path("docker").path("storageDriver").asText());
        assertEquals(10L << 30, h.path("docker").path("freeBytes").asLong());
        assertTrue(Math.abs(h.path("clock").path("skewMillis").asLong())
                <= h.path("clock").path("uncertaintyMillis").asLong() + 1, h.toString());
        assertEquals(0, h.path("clock").path("provableSkewMillis").asLong());
        assertFalse(j.path("coordinator").asText().isEmpty());
        b.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void noAgentMeansAnImmediateEmptyAnswer() {
        ActorRef<AgentRoster.Command> roster = roster(Duration.ofSeconds(30));
        TestProbe<HostsDiagnosis> asker = kit.createTestProbe();
        roster.tell(new AgentRoster.DiagnoseHosts(Set.of(), asker.ref()));
        HostsDiagnosis d = asker.receiveMessage(Duration.ofSeconds(3));
        assertEquals(0, d.asked());
        assertEquals(List.of(), d.hosts());
        assertEquals(Map.of(), store.agentsNow());
    }
}
