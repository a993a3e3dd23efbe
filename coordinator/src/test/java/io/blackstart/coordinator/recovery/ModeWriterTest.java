package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.store.DesiredStateStore.ModeRecord;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mode record against the in-memory store: read once (retried), stored latest-wins, operators wait for it. */
@Timeout(60)
public class ModeWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ModeRecord ON = new ModeRecord(true, 1_000, ModeRecord.OPERATOR);
    private static final ModeRecord OFF = new ModeRecord(false, 2_000, ModeRecord.AUTO);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    private ActorRef<ModeWriter.Command> writer(InMemoryDesiredStateStore store, TestProbe<ModeWriter.Event> parent) {
        return kit.get().spawn(ModeWriter.create(store, parent.ref(), Duration.ofMillis(20), Duration.ofMillis(100)));
    }

    @Test
    void readsTheStoredModeOnceRetryingWhileTheStoreIsDown() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.writeMode(ON).toCompletableFuture().join();
        store.setDown(true);
        TestProbe<ModeWriter.Event> parent = kit.get().createTestProbe(ModeWriter.Event.class);
        writer(store, parent);
        ModeWriter.Failed failed = parent.expectMessageClass(ModeWriter.Failed.class, WAIT);
        assertTrue(failed.why().startsWith("reading mode: "), failed.why());
        store.setDown(false);
        ModeWriter.Event e;
        do {
            e = parent.receiveMessage(WAIT);
        } while (e instanceof ModeWriter.Failed);
        assertEquals(new ModeWriter.Loaded(Optional.of(ON)), e);
        parent.expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void storesTheLatestModeAndAnswersTheOperatorOnceStored() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        TestProbe<ModeWriter.Event> parent = kit.get().createTestProbe(ModeWriter.Event.class);
        TestProbe<RecoveryManager.ModeReply> operator = kit.get().createTestProbe(RecoveryManager.ModeReply.class);
        ActorRef<ModeWriter.Command> w = writer(store, parent);
        assertEquals(new ModeWriter.Loaded(Optional.empty()), parent.receiveMessage(WAIT));
        w.tell(new ModeWriter.Write(ON));
        w.tell(new ModeWriter.Write(OFF));
        w.tell(new ModeWriter.WhenStored(OFF, operator.ref()));
        assertEquals(new RecoveryManager.ModeReply("normal", 2_000, ModeRecord.AUTO, "ok"), operator.receiveMessage(WAIT));
        assertEquals(Optional.of(OFF), store.modeNow());
        // nothing waiting: answered at once with the parent's mode
        w.tell(new ModeWriter.WhenStored(OFF, operator.ref()));
        assertEquals("ok", operator.receiveMessage(WAIT).message());
    }

    @Test
    void aFailedWriteIsReportedAnsweredAndRetriedOnTheNextRetry() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        TestProbe<ModeWriter.Event> parent = kit.get().createTestProbe(ModeWriter.Event.class);
        TestProbe<RecoveryManager.ModeReply> operator = kit.get().createTestProbe(RecoveryManager.ModeReply.class);
        ActorRef<ModeWriter.Command> w = writer(store, parent);
        parent.expectMessageClass(ModeWriter.Loaded.class, WAIT);
        store.setDown(true);
        w.tell(new ModeWriter.Write(ON));
        assertTrue(parent.expectMessageClass(ModeWriter.Failed.class, WAIT).why().startsWith("writing mode: "));
        // not stored: the operator waits for the next try, and is told it failed
        w.tell(new ModeWriter.WhenStored(ON, operator.ref()));
        w.tell(ModeWriter.Retry.INSTANCE);
        parent.expectMessageClass(ModeWriter.Failed.class, WAIT);
        RecoveryManager.ModeReply reply = operator.receiveMessage(WAIT);
        assertEquals("recovery", reply.mode());
        assertTrue(reply.message().startsWith("in force, but not yet stored in etcd"), reply.message());

        store.setDown(false);
        w.tell(new ModeWriter.WhenStored(ON, operator.ref()));
        w.tell(ModeWriter.Retry.INSTANCE);
        assertEquals(new ModeWriter.Stored(ON), parent.receiveMessage(WAIT));
        assertEquals("ok", operator.receiveMessage(WAIT).message());
        assertEquals(Optional.of(ON), store.modeNow());
    }
}
