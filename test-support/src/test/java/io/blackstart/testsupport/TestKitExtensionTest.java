package io.blackstart.testsupport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link TestKitExtension}: the kit runs from before the class's own {@code @BeforeAll} to after its tests, with
 * the given config and the name {@code ActorTestKit.create()} would give it, and is gone after all.
 */
@Timeout(60)
class TestKitExtensionTest {

    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension();
    private static ActorTestKit seenBeforeAll;

    @BeforeAll
    static void start() {
        seenBeforeAll = kit.get();
    }

    @Test
    void theRegisteredKitRunsFromBeforeAllOnAndIsNamedAfterTheClass() {
        assertSame(seenBeforeAll, kit.get());
        assertEquals("TestKitExtensionTest", kit.get().system().name());
        kit.get().createTestProbe(String.class).ref().tell("alive");
    }

    @Test
    void startsWithTheConfigAndIsShutDownAfterAll() throws Exception {
        Config config = ConfigFactory.parseString("blackstart.test-kit-extension = yes")
                .withFallback(ConfigFactory.load());
        TestKitExtension ext = new TestKitExtension(config);
        assertThrows(IllegalStateException.class, ext::get);
        ExtensionContext context = contextOf(TestKitExtensionTest.class);
        ext.beforeAll(context);
        ActorTestKit started = ext.get();
        assertEquals("yes", started.system().settings().config().getString("blackstart.test-kit-extension"));
        ext.afterAll(context);
        started.system().getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, ext::get);
        ext.afterAll(context); // a second after-all (or one without a before-all) does nothing
    }

    @Test
    void namesTheSystemAsPekkosTestKitWouldFromTheSameClass() {
        ActorTestKit own = Nested.create();
        try {
            assertEquals(own.system().name(), TestKitExtension.systemName(Nested.class));
        } finally {
            own.shutdownTestKit();
        }
        assertEquals("TestKitExtensionTest", TestKitExtension.systemName(TestKitExtensionTest.class));
    }

    private static final class Nested {
        static ActorTestKit create() {
            return ActorTestKit.create();
        }
    }

    /** An extension context that knows only its test class, which is all the extension asks. */
    private static ExtensionContext contextOf(Class<?> testClass) {
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getRequiredTestClass")) {
                        return testClass;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
