package io.blackstart.doctor;

import io.blackstart.common.ClockSkew;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Clock skew between this machine and every etcd member, from the {@code Date} header of the member's
 * client URL {@code /version} (which answers without quorum), else of its peer URL {@code /version}. Warn
 * above 500 ms, fail above 5 s; see {@link ClockSkew} for the one-second resolution.
 */
public final class ClockCheck implements CheckTask {

    /** The check group. */
    public static final String GROUP = "clocks";
    /** Name of the check. */
    public static final String NAME = "clock skew";

    static final long WARN_MILLIS = 500;
    static final long FAIL_MILLIS = 5000;

    private final List<String> clientUrls;
    private final List<String> peerUrls;
    private final HttpFetch http;
    private final Executor executor;

    /**
     * @param clientUrls etcd client URLs
     * @param peerUrls   etcd peer URLs aligned with them, or empty
     * @param connectTimeout connect timeout of each request
     * @param readTimeout    request timeout
     * @param executor   runs the requests concurrently
     */
    public ClockCheck(List<String> clientUrls, List<String> peerUrls, Duration connectTimeout, Duration readTimeout,
                      Executor executor) {
        this(clientUrls, peerUrls, connectTimeout, readTimeout, executor, Optional.empty());
    }

    /** The same, with this TLS context for https etcd URLs (the etcd CA and client key pair). */
    public ClockCheck(List<String> clientUrls, List<String> peerUrls, Duration connectTimeout, Duration readTimeout,
                      Executor executor, Optional<javax.net.ssl.SSLContext> tls) {
        this.clientUrls = List.copyOf(clientUrls);
        this.peerUrls = List.copyOf(peerUrls);
        this.http = new HttpFetch(connectTimeout, readTimeout, tls);
        this.executor = executor;
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(NAME);
    }

    @Override
    public List<Check> run() {
        long t0 = System.nanoTime();
        List<CompletableFuture<Optional<Long>>> samples = new ArrayList<>();
        for (int i = 0; i < clientUrls.size(); i++) {
            String client = clientUrls.get(i);
            Optional<String> peer = peerUrls.isEmpty() ? Optional.empty() : Optional.of(peerUrls.get(i));
            samples.add(CompletableFuture.supplyAsync(() -> sample(client + "/version")
                    .or(() -> peer.flatMap(p -> sample(p + "/version"))), executor));
        }
        List<String> parts = new ArrayList<>();
        long worst = 0;
        int measured = 0;
        for (int i = 0; i < clientUrls.size(); i++) {
            Optional<Long> skew = samples.get(i).join();
            if (skew.isPresent()) {
                measured++;
                worst = Math.abs(skew.get()) > Math.abs(worst) ? skew.get() : worst;
                parts.add(clientUrls.get(i) + " " + signed(skew.get()));
            } else {
                parts.add(clientUrls.get(i) + " not answering");
            }
        }
        long ms = HttpFetch.millisSince(t0);
        String detail = " (" + String.join(", ", parts) + "; HTTP Date resolution 1 s)";
        if (measured == 0) {
            return List.of(Check.warn(GROUP, NAME, "not measured: no etcd member answered on its client or peer port",
                    "see the etcd checks", ms));
        }
        String finding = "largest skew to etcd members " + signed(worst) + detail;
        if (Math.abs(worst) > FAIL_MILLIS) {
            return List.of(Check.fail(GROUP, NAME, finding,
                    "synchronise clocks (chrony/systemd-timesyncd); leases and timelines depend on them", ms));
        }
        if (Math.abs(worst) > WARN_MILLIS) {
            return List.of(Check.warn(GROUP, NAME, finding, "check NTP on this machine and the etcd hosts", ms));
        }
        return List.of(Check.ok(GROUP, NAME, finding, ms));
    }

    private Optional<Long> sample(String url) {
        HttpFetch.Answer a = http.get(url);
        if (!a.outcome().isOk()) {
            return Optional.empty();
        }
        return a.header("Date").flatMap(d -> {
            try {
                long server = ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Optional.of(ClockSkew.provableSkewMillis(a.sentMillis(), a.answeredMillis(), server));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    private static String signed(long ms) {
        return ms == 0 ? "0 ms" : (ms > 0 ? "+" : "") + ms + " ms";
    }
}
