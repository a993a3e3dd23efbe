package io.blackstart.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Catalogs shaped to hurt the validator: long dependency chains, a 20,000-app cycle, 100,000 apps. Each validates
 * with a reason per rejected app, without a deep stack and with reasons of bounded length. The class timeout is
 * the guard against quadratic work (no wall-clock assertion: machines here are noisy).
 */
@Timeout(60)
class HostileCatalogTest {
    private static final int CHAIN = 20_000;

    private static CatalogValidator.Document doc(String id, List<String> dependsOn) {
        String deps = dependsOn.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(","));
        return new CatalogValidator.Document("/bs/apps/" + id, id, "{\"id\":\"" + id
                + "\",\"image\":\"registry.local/x:1\",\"instances\":1,\"memoryMb\":16,\"cpus\":0.1,\"dependsOn\":["
                + deps + "]}");
    }

    private static List<CatalogValidator.Document> chain(String first) {
        List<CatalogValidator.Document> docs = new ArrayList<>(CHAIN);
        for (int i = 0; i < CHAIN; i++) {
            docs.add(doc("c-" + i, i == 0 ? (first == null ? List.of() : List.of(first)) : List.of("c-" + (i - 1))));
        }
        return docs;
    }

    @Test
    void aTwentyThousandAppChainIsValid() {
        Catalog c = CatalogValidator.validate(chain(null));
        assertEquals(CHAIN, c.apps().size());
        assertEquals(List.of(), c.rejected());
    }

    @Test
    void aChainOnAnUnknownAppIsRejectedAppByApp() {
        Catalog c = CatalogValidator.validate(chain("missing"));
        assertEquals(0, c.apps().size());
        assertEquals(CHAIN, c.rejected().size());
        Map<String, SpecError> byKey = c.rejected().stream().collect(Collectors.toMap(SpecError::key, e -> e));
        assertEquals("depends on unknown app 'missing'", byKey.get("/bs/apps/c-0").message());
        assertEquals("depends on 'c-9998', which was rejected", byKey.get("/bs/apps/c-9999").message());
        assertEquals("depends on 'c-19998', which was rejected", byKey.get("/bs/apps/c-19999").message());
    }

    @Test
    void aTwentyThousandAppCycleNamesAFewOfItsAppsInEachReason() {
        Catalog c = CatalogValidator.validate(chain("c-" + (CHAIN - 1)));
        assertEquals(0, c.apps().size());
        assertEquals(CHAIN, c.rejected().size());
        Map<String, SpecError> byKey = c.rejected().stream().collect(Collectors.toMap(SpecError::key, e -> e));
        assertEquals("dependency cycle: c-5 -> c-4 -> c-3 -> c-2 -> c-1 -> c-0 -> c-19999 -> c-19998 -> ..."
                + " (20000 apps in the cycle) -> c-5", byKey.get("/bs/apps/c-5").message());
        assertTrue(c.rejected().stream().allMatch(e -> e.message().length() < 200), "bounded reasons");
    }

    @Test
    void aHundredThousandAppCatalogValidatesWithItsBadAppsNamed() {
        SplittableRandom random = new SplittableRandom(446105);
        List<CatalogValidator.Document> docs = new ArrayList<>();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            List<String> deps = new ArrayList<>();
            for (int k = 0; k < 3 && i > 0; k++) {
                deps.add("a-" + random.nextInt(i)); // only earlier apps: a DAG
            }
            docs.add(doc("a-" + i, deps.stream().distinct().toList()));
        }
        docs.set(500, new CatalogValidator.Document("/bs/apps/a-500", "a-500", "{\"id\":\"a-500\"}"));
        Catalog c = CatalogValidator.validate(docs);
        assertTrue(c.apps().size() > 1000 && c.apps().size() < n, "some apps depend on a-500: " + c.apps().size());
        assertEquals(n, c.apps().size() + c.rejected().size(), "every app accepted or rejected with a reason");
        assertTrue(c.rejected().stream().anyMatch(e -> e.key().equals("/bs/apps/a-500")
                && !e.message().contains("depends on")), "a-500's own reason");
        assertTrue(c.rejected().stream().filter(e -> !e.key().equals("/bs/apps/a-500"))
                .allMatch(e -> e.message().startsWith("depends on 'a-")), "the others: a rejected dependency");
    }

    @Test
    void appsBeyondTheTotalInstancesCapAreRejectedInIdOrder() {
        SpecLimits small = new SpecLimits(64 * 1024, 32, 64, 256, 32 * 1024, 256, 32 * 1024, 256, 2);
        Catalog c = CatalogValidator.validate(List.of(doc("a", List.of()), doc("b", List.of()),
                doc("c", List.of()), doc("d", List.of("c"))), small);
        assertEquals(List.of("a", "b"), List.copyOf(c.apps().keySet()));
        assertEquals(List.of(new SpecError("/bs/apps/c", "instances", "1 more instances would take the catalog"
                        + " beyond the limit of 2 desired instances (2 before this app, in app id order)"),
                new SpecError("/bs/apps/d", "dependsOn", "depends on 'c', which was rejected")), c.rejected());
    }
}
