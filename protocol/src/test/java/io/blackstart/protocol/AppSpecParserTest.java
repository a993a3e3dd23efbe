package io.blackstart.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class AppSpecParserTest {

    private static final String KEY = "/blackstart/apps/billing-api";

    @Test
    void fullSpecFromDesignDocParses() {
        String json = """
                {"id": "billing-api", "image": "registry.local/billing-api:2024-01-20", "instances": 2,
                 "tier": "app", "priority": 100, "memoryMb": 512, "cpus": 0.5, "dependsOn": ["billing-db"],
                 "command": ["/bin/sh", "-c", "exec ./server"], "env": {"PORT": "8080"}, "startTimeoutSeconds": 60}
                """;
        AppSpecParser.Result r = AppSpecParser.parse(KEY, "billing-api", json);
        assertTrue(r.valid(), r.errors().toString());
        AppSpec s = r.spec().orElseThrow();
        assertEquals(new AppSpec("billing-api", "registry.local/billing-api:2024-01-20", 2, Tier.APP, 100, 512, 0.5,
                List.of("billing-db"), List.of("/bin/sh", "-c", "exec ./server"), Map.of("PORT", "8080"), 60), s);
    }

    @Test
    void defaultsApplyToOptionalFields() {
        AppSpec s = AppSpecParser.parse(KEY, "billing-api", "{\"id\":\"billing-api\",\"image\":\"busybox\"}")
                .spec().orElseThrow();
        assertEquals(1, s.instances());
        assertEquals(Tier.APP, s.tier());
        assertEquals(0, s.priority());
        assertEquals(AppSpec.DEFAULT_MEMORY_MB, s.memoryMb());
        assertEquals(AppSpec.DEFAULT_START_TIMEOUT_SECONDS, s.startTimeoutSeconds());
    }

    @Test
    void specRoundTripsThroughItsJsonForm() {
        AppSpec s = AppSpecParser.parse(KEY, null, """
                {"id":"billing-api","image":"busybox:1.36","instances":3,"tier":"database","priority":-4,
                 "memoryMb":64,"cpus":2,"env":{"A":"b"}}""").spec().orElseThrow();
        assertEquals(s, AppSpecParser.parse(KEY, null, AppSpecParser.toJson(s)).spec().orElseThrow());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad JSON           | {"id": "billing-api",                                   | (json)              | not valid JSON: Unexpected end-of-input within/between Object entries
            not an object      | ["billing-api"]                                         | (json)              | expected a JSON object, got an array
            empty document     | ''                                                      | (json)              | empty document
            duplicate field    | {"id":"billing-api","id":"x","image":"busybox"}         | (json)              | not valid JSON: Duplicate field 'id'
            unknown field      | {"id":"billing-api","image":"busybox","replicas":2}     | replicas            | unknown field (known: command, cpus, dependsOn, env, health, id, image, instances, memoryMb, priority, startTimeoutSeconds, tier)
            missing id         | {"image":"busybox"}                                     | id                  | is required
            missing image      | {"id":"billing-api"}                                    | image               | is required
            id wrong type      | {"id":7,"image":"busybox"}                              | id                  | expected a string, got an integer
            id invalid         | {"id":"Billing_API","image":"busybox"}                  | id                  | 'Billing_API' is not a valid app id (1-63 chars of [a-z0-9-], starting with a letter)
            id not its key     | {"id":"billing-web","image":"busybox"}                  | id                  | 'billing-web' does not match its key (expected 'billing-api')
            invalid image      | {"id":"billing-api","image":"Registry/UPPER:tag"}       | image               | 'Registry/UPPER:tag' is not a valid Docker image reference
            image with spaces  | {"id":"billing-api","image":"busy box"}                 | image               | 'busy box' is not a valid Docker image reference
            instances string   | {"id":"billing-api","image":"busybox","instances":"2"}  | instances           | expected an integer, got a string
            instances fraction | {"id":"billing-api","image":"busybox","instances":1.5}  | instances           | expected an integer, got a number
            instances negative | {"id":"billing-api","image":"busybox","instances":-1}   | instances           | -1 is out of range [0, 10000]
            unknown tier       | {"id":"billing-api","image":"busybox","tier":"gold"}    | tier                | 'gold' is not one of platform, database, app
            memory zero        | {"id":"billing-api","image":"busybox","memoryMb":0}     | memoryMb            | 0 is out of range [1, 1073741824]
            cpus zero          | {"id":"billing-api","image":"busybox","cpus":0}         | cpus                | 0 is out of range (0, 1024]
            cpus string        | {"id":"billing-api","image":"busybox","cpus":"1"}       | cpus                | expected a number, got a string
            timeout zero       | {"id":"billing-api","image":"busybox","startTimeoutSeconds":0} | startTimeoutSeconds | 0 is out of range [1, 86400]
            priority fraction  | {"id":"billing-api","image":"busybox","priority":0.5}   | priority            | expected an integer, got a number
            dependsOn string   | {"id":"billing-api","image":"busybox","dependsOn":"db"} | dependsOn           | expected an array of strings, got a string
            dependsOn self     | {"id":"billing-api","image":"busybox","dependsOn":["billing-api"]} | dependsOn | an app cannot depend on itself
            dependsOn bad id   | {"id":"billing-api","image":"busybox","dependsOn":["DB"]} | dependsOn         | 'DB' is not a valid app id
            command number     | {"id":"billing-api","image":"busybox","command":["sleep",5]} | command        | element 1: expected a string, got an integer
            env number         | {"id":"billing-api","image":"busybox","env":{"PORT":8080}} | env              | 'PORT': expected a string, got an integer
            health not object  | {"id":"billing-api","image":"busybox","health":"tcp"}   | health              | expected an object with one of exec, tcp, http, got a string
            health no probe    | {"id":"billing-api","image":"busybox","health":{"retries":2}} | health        | needs one of exec, tcp, http
            health two probes  | {"id":"billing-api","image":"busybox","health":{"tcp":5432,"exec":["true"]}} | health | has exec and tcp: only one probe per app
            health unknown     | {"id":"billing-api","image":"busybox","health":{"tcp":1,"every":5}} | health.every | unknown field (known: exec, http, intervalSeconds, retries, startPeriodSeconds, tcp, timeoutSeconds)
            health tcp range   | {"id":"billing-api","image":"busybox","health":{"tcp":70000}} | health.tcp    | 70000 is out of range [1, 65535]
            health tcp string  | {"id":"billing-api","image":"busybox","health":{"tcp":"5432"}} | health.tcp   | expected an integer, got a string
            health exec empty  | {"id":"billing-api","image":"busybox","health":{"exec":[]}} | health.exec     | is empty: name the command to run
            health exec number | {"id":"billing-api","image":"busybox","health":{"exec":["test",1]}} | health.exec | element 1: expected a string, got an integer
            health http port   | {"id":"billing-api","image":"busybox","health":{"http":{"path":"/"}}} | health.http.port | is required
            health http path   | {"id":"billing-api","image":"busybox","health":{"http":{"port":80,"path":"ready"}}} | health.http.path | 'ready' is not a request path (starts with /, at most 1024 printable ASCII chars without spaces)
            health http field  | {"id":"billing-api","image":"busybox","health":{"http":{"port":80,"host":"x"}}} | health.http.host | unknown field (known: path, port)
            health interval 0  | {"id":"billing-api","image":"busybox","health":{"tcp":80,"intervalSeconds":0}} | health.intervalSeconds | 0 is out of range [1, 3600]
            health retries 0   | {"id":"billing-api","image":"busybox","health":{"tcp":80,"retries":0}} | health.retries | 0 is out of range [1, 1000]
            health period neg  | {"id":"billing-api","image":"busybox","health":{"tcp":80,"startPeriodSeconds":-1}} | health.startPeriodSeconds | -1 is out of range [0, 86400]
            """)
    void eachKindOfInvalidSpecNamesKeyAndField(String name, String json, String field, String message) {
        AppSpecParser.Result r = AppSpecParser.parse(KEY, "billing-api", json);
        assertFalse(r.valid(), name);
        assertEquals(List.of(new SpecError(KEY, field, message)), r.errors(), name);
        assertEquals(KEY + ": " + field + ": " + message, r.errors().get(0).toString());
    }

    @Test
    void healthProbesParseWithDockerLikeDefaultsAndRoundTrip() {
        AppSpec tcp = AppSpecParser.parse(KEY, null, """
                {"id":"billing-api","image":"busybox","health":{"tcp":5432}}""").spec().orElseThrow();
        assertEquals(HealthCheck.tcp(5432), tcp.health());
        assertEquals(30 + 3 * (5 + 3), tcp.health().giveUpSeconds());
        AppSpec http = AppSpecParser.parse(KEY, null, """
                {"id":"billing-api","image":"busybox","health":{"http":{"port":8080,"path":"/ready?x=1"},
                 "intervalSeconds":2,"timeoutSeconds":1,"retries":5,"startPeriodSeconds":0}}""").spec().orElseThrow();
        assertEquals(new HealthCheck(HealthCheck.Kind.HTTP, List.of(), 8080, "/ready?x=1", 2, 1, 5, 0), http.health());
        AppSpec defaultPath = AppSpecParser.parse(KEY, null, """
                {"id":"billing-api","image":"busybox","health":{"http":{"port":80}}}""").spec().orElseThrow();
        assertEquals("/", defaultPath.health().path());
        AppSpec exec = AppSpecParser.parse(KEY, null, """
                {"id":"billing-api","image":"busybox","health":{"exec":["pg_isready","-q"]}}""").spec().orElseThrow();
        assertEquals(HealthCheck.exec(List.of("pg_isready", "-q")), exec.health());
        for (AppSpec s : List.of(tcp, http, exec)) {
            assertEquals(s, AppSpecParser.parse(KEY, null, AppSpecParser.toJson(s)).spec().orElseThrow());
        }
        assertEquals(null, AppSpecParser.parse(KEY, null, "{\"id\":\"a\",\"image\":\"busybox\"}")
                .spec().orElseThrow().health());
    }

    @Test
    void everyBadFieldIsReportedNotOnlyTheFirst() {
        AppSpecParser.Result r = AppSpecParser.parse(KEY, null,
                "{\"id\":\"billing-api\",\"image\":\"busybox\",\"instances\":-1,\"cpus\":-2,\"tier\":\"x\"}");
        assertEquals(List.of("instances", "tier", "cpus"), r.errors().stream().map(SpecError::field).toList());
    }

    @ParameterizedTest
    @CsvSource({"busybox", "busybox:1.36", "library/busybox", "registry.local/billing-api:2024-01-20",
            "localhost:5000/team/app_x:v1.2", "blackstart/testapp:1",
            "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void validImageReferences(String image) {
        assertTrue(AppSpecParser.isValidImage(image), image);
    }

    @ParameterizedTest
    @CsvSource({"UPPER", "busybox:", ":tag", "a//b", "-lead", "trail-", "busybox:-tag", "reg.local/app@sha256:xyz"})
    void invalidImageReferences(String image) {
        assertFalse(AppSpecParser.isValidImage(image), image);
    }
}
