package io.blackstart.testsupport;

import com.typesafe.config.Config;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Pekko {@link ActorTestKit} for a whole test class: started before all of the class's tests (before its own
 * {@code @BeforeAll} methods, which may use it) and shut down after all of them (after its own {@code @AfterAll}
 * methods).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
 *
 * @Test
 * void replies() {
 *     TestProbe<Reply> probe = kit.get().createTestProbe(Reply.class);
 *     ...
 * }
 * }</pre>
 *
 * <p>The field must be {@code static} (one kit for the class, whatever the test instance lifecycle). The actor
 * system is named after the test class, as {@code ActorTestKit.create()} called from the class would name it.
 * SLF4J is initialised before the kit starts, so the kit's first log lines reach the configured backend rather than
 * SLF4J's substitute loggers.
 *
 * <p>Not for a kit per test, several kits in one class, or a kit restarted mid-class: create those in the test.
 *
 * <p>Why not Pekko's own {@code TestKitJUnit5Extension} / {@code @JUnit5TestKit}: it does not create the kit (the
 * annotated field does, at class or instance creation), finds it only when a test executes, and its after-all
 * fails with {@code NoSuchElementException} when no test executed; with an instance field it makes a kit per test
 * and shuts down only the last.
 */
public final class TestKitExtension implements BeforeAllCallback, AfterAllCallback {

    private final Config config;
    private ActorTestKit kit;

    /** A kit with the testkit's default configuration, as {@code ActorTestKit.create()}. */
    public TestKitExtension() {
        this(null);
    }

    /** A kit with this configuration, as {@code ActorTestKit.create(config)}. */
    public TestKitExtension(Config config) {
        this.config = config;
    }

    /**
     * The running kit.
     *
     * @throws IllegalStateException before the class's tests start or after they ended
     */
    public ActorTestKit get() {
        if (kit == null) {
            throw new IllegalStateException("no ActorTestKit: register TestKitExtension on a static field"
                    + " with @RegisterExtension and use it while the class's tests run");
        }
        return kit;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        org.slf4j.LoggerFactory.getILoggerFactory();
        String name = systemName(context.getRequiredTestClass());
        kit = config == null ? ActorTestKit.create(name) : ActorTestKit.create(name, config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kit != null) {
            try {
                kit.shutdownTestKit();
            } finally {
                kit = null;
            }
        }
    }

    /** The name Pekko's testkit gives a system created from this class (package and nested parts dropped). */
    static String systemName(Class<?> testClass) {
        return testClass.getName()
                .replaceFirst("^.*\\.", "")
                .replaceAll("\\$\\$?\\w+", "")
                .replaceAll("[^a-zA-Z_0-9]", "_");
    }
}
