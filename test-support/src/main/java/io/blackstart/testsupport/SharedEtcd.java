package io.blackstart.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The etcd every test run shares, at {@value #ENDPOINT} (CI starts it, see {@code .ci/run}; a developer runs one the
 * same way). Each test works under a key prefix of its own ({@code /bs-<what>-<random>}), so tests never see each
 * other's keys or a developer's cluster; {@link #close()} deletes everything under it. Opening one fails at once,
 * naming the endpoint, when etcd does not answer: these tests need it and are not skipped without it.
 */
public final class SharedEtcd implements AutoCloseable {

    /** The shared etcd's client URL. */
    public static final String ENDPOINT = "http://127.0.0.1:2379";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String prefix;

    private SharedEtcd(String prefix) {
        this.prefix = prefix;
    }

    /** Checks that the shared etcd answers healthy and picks a fresh prefix {@code /bs-<what>-<random>}. */
    public static SharedEtcd withUniquePrefix(String what) {
        requireHealthy();
        return new SharedEtcd(uniquePrefix(what));
    }

    /** A fresh key prefix {@code /bs-<what>-<random>} (no trailing slash); does not contact etcd. */
    public static String uniquePrefix(String what) {
        return "/bs-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Fails with an AssertionError that says how to start it unless the shared etcd answers {@code /health}. */
    public static void requireHealthy() {
        String why;
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(ENDPOINT + "/health"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                return;
            }
            why = "it answers " + r.statusCode() + " " + r.body().strip();
        } catch (IOException e) {
            why = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        throw new AssertionError("this test needs the shared etcd at " + ENDPOINT + " and it is not healthy (" + why
                + "); start one as .ci/run does: etcd --listen-client-urls " + ENDPOINT + " --advertise-client-urls "
                + ENDPOINT);
    }

    /** This test's prefix, e.g. {@code /bs-doctor-1a2b3c4d}. */
    public String prefix() {
        return prefix;
    }

    /** The client URL, {@value #ENDPOINT}. */
    public String endpoint() {
        return ENDPOINT;
    }

    /** Writes {@code value} at {@code prefix() + key} with {@code etcdctl}. */
    public void put(String key, String value) {
        etcdctl("put", prefix + key, value).orFail();
    }

    /** Deletes {@code prefix() + key} with {@code etcdctl}. */
    public void delete(String key) {
        etcdctl("del", prefix + key).orFail();
    }

    /** The keys under {@code prefix() + under}, as {@code etcdctl get --prefix --keys-only} lists them. */
    public List<String> keys(String under) {
        String out = etcdctl("get", "--prefix", "--keys-only", prefix + under).orFail().output();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** Runs {@code etcdctl ARGS} against the shared etcd (5 s command timeout). */
    public static Commands.Result etcdctl(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("etcdctl", "--endpoints=" + ENDPOINT,
                "--command-timeout=5s"));
        cmd.addAll(Arrays.asList(args));
        return Commands.run(Duration.ofSeconds(20), cmd);
    }

    /** Deletes every key under this test's prefix. */
    @Override
    public void close() {
        etcdctl("del", "--prefix", prefix + "/");
    }
}
