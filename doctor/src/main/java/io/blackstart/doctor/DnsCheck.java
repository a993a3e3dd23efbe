package io.blackstart.doctor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Resolves one name through the system resolver ({@code /etc/hosts}, {@code /etc/resolv.conf}) and reports
 * the addresses and the time it took. Unresolvable or slower than the read timeout: fail. Slower than half
 * the timeout: warn.
 */
public final class DnsCheck implements CheckTask {

    /** The check group. */
    public static final String GROUP = "dns";

    private final String host;
    private final Duration timeout;
    private final Executor executor;

    /**
     * @param host     the name to resolve
     * @param timeout  how long the lookup may take
     * @param executor runs the (blocking, uninterruptible) lookup so that the timeout can be enforced
     */
    public DnsCheck(String host, Duration timeout, Executor executor) {
        this.host = host;
        this.timeout = timeout;
        this.executor = executor;
    }

    /** The name of the check for this host. */
    public static String checkName(String host) {
        return "dns " + host;
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(checkName(host));
    }

    @Override
    public List<Check> run() {
        String name = checkName(host);
        long t0 = System.nanoTime();
        CompletableFuture<InetAddress[]> lookup = CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
        try {
            InetAddress[] addresses = lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long ms = HttpFetch.millisSince(t0);
            String list = Arrays.stream(addresses).map(InetAddress::getHostAddress).distinct()
                    .collect(Collectors.joining(", "));
            if (ms * 2 > timeout.toMillis()) {
                return List.of(Check.warn(GROUP, name, host + " resolves to " + list + " but took " + ms + " ms",
                        "a slow resolver: check the servers in /etc/resolv.conf", ms));
            }
            return List.of(Check.ok(GROUP, name, host + " resolves to " + list + " in " + ms + " ms", ms));
        } catch (TimeoutException e) {
            return List.of(Check.fail(GROUP, name, host + ": no answer from the resolver within "
                    + timeout.toMillis() + " ms", "check the servers in /etc/resolv.conf and that they are up",
                    HttpFetch.millisSince(t0)));
        } catch (ExecutionException e) {
            long ms = HttpFetch.millisSince(t0);
            return List.of(Check.fail(GROUP, name, host + " does not resolve (" + ms + " ms): "
                            + HttpFetch.describe(e.getCause()),
                    "add the record to DNS or /etc/hosts, or fix the name in the configuration", ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(Check.fail(GROUP, name, host + ": lookup interrupted", "", HttpFetch.millisSince(t0)));
        }
    }
}
