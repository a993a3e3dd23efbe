package io.blackstart.protocol;

import io.blackstart.protocol.CatalogValidator.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class CatalogValidatorTest {

    private static Document app(String id, String... deps) {
        String dependsOn = deps.length == 0 ? "" : ",\"dependsOn\":[\"" + String.join("\",\"", deps) + "\"]";
        return new Document("/bs/apps/" + id, id, "{\"id\":\"" + id + "\",\"image\":\"busybox\"" + dependsOn + "}");
    }

    @Test
    void validAppsAreKeptBesideAnInvalidOne() {
        Catalog c = CatalogValidator.validate(List.of(app("db"), app("web", "db"),
                new Document("/bs/apps/broken", "broken", "{\"id\":\"broken\",\"image\":7}")));
        assertEquals(List.of("db", "web"), List.copyOf(c.apps().keySet()));
        assertEquals(List.of(new SpecError("/bs/apps/broken", "image", "expected a string, got an integer")), c.rejected());
        assertEquals(2, c.desiredInstances());
    }

    @Test
    void unknownDependencyRejectsOnlyTheDependant() {
        Catalog c = CatalogValidator.validate(List.of(app("web", "ghost"), app("db")));
        assertEquals(List.of("db"), List.copyOf(c.apps().keySet()));
        assertEquals(List.of(new SpecError("/bs/apps/web", "dependsOn", "depends on unknown app 'ghost'")), c.rejected());
    }

    @Test
    void dependingOnARejectedAppIsRejectedTransitively() {
        Catalog c = CatalogValidator.validate(List.of(
                new Document("/bs/apps/db", "db", "{\"id\":\"db\"}"), app("api", "db"), app("web", "api")));
        assertEquals(List.of(), List.copyOf(c.apps().keySet()));
        assertEquals(List.of(
                new SpecError("/bs/apps/db", "image", "is required"),
                new SpecError("/bs/apps/api", "dependsOn", "depends on 'db', which was rejected"),
                new SpecError("/bs/apps/web", "dependsOn", "depends on 'api', which was rejected")), c.rejected());
    }

    @Test
    void aPlatformAppDependingOnAnotherTierIsRejectedWithItsDependants() {
        Catalog c = CatalogValidator.validate(List.of(
                new Document("/bs/apps/db", "db", "{\"id\":\"db\",\"image\":\"busybox\",\"tier\":\"database\"}"),
                new Document("/bs/apps/dns", "dns", "{\"id\":\"dns\",\"image\":\"busybox\",\"tier\":\"platform\","
                        + "\"dependsOn\":[\"db\"]}"),
                new Document("/bs/apps/mq", "mq", "{\"id\":\"mq\",\"image\":\"busybox\",\"tier\":\"platform\","
                        + "\"dependsOn\":[\"dns\"]}"),
                app("web", "db")));
        assertEquals(List.of("db", "web"), List.copyOf(c.apps().keySet()), "an app may depend on an earlier tier");
        assertEquals(List.of("/bs/apps/dns: dependsOn: depends on 'db' of tier database: a platform app can only "
                        + "depend on platform apps (every other tier waits for the platform)",
                        "/bs/apps/mq: dependsOn: depends on 'dns', which was rejected"),
                c.rejected().stream().map(SpecError::toString).toList());
    }

    @Test
    void aCycleRejectsEveryMemberAndNamesTheCycle() {
        Catalog c = CatalogValidator.validate(List.of(app("a", "b"), app("b", "c"), app("c", "a"), app("d")));
        assertEquals(List.of("d"), List.copyOf(c.apps().keySet()));
        assertEquals(List.of(
                new SpecError("/bs/apps/a", "dependsOn", "dependency cycle: a -> b -> c -> a"),
                new SpecError("/bs/apps/b", "dependsOn", "dependency cycle: b -> c -> a -> b"),
                new SpecError("/bs/apps/c", "dependsOn", "dependency cycle: c -> a -> b -> c")), c.rejected());
    }

    @Test
    void anAppDependingOnACycleIsRejectedToo() {
        Catalog c = CatalogValidator.validate(List.of(app("a", "b"), app("b", "a"), app("web", "a")));
        assertEquals(List.of(), List.copyOf(c.apps().keySet()));
        assertEquals(new SpecError("/bs/apps/web", "dependsOn", "depends on 'a', which was rejected"),
                c.rejected().get(2));
    }

    @Test
    void theSameIdUnderTwoKeysIsRejectedOnce() {
        Catalog c = CatalogValidator.validate(List.of(
                new Document("one.json", null, "{\"id\":\"web\",\"image\":\"busybox\"}"),
                new Document("two.json", null, "{\"id\":\"web\",\"image\":\"nginx\"}")));
        assertEquals("busybox", c.apps().get("web").image());
        assertEquals(List.of(new SpecError("two.json", "id", "'web' is already defined by one.json")), c.rejected());
    }
}
