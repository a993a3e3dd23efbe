package io.blackstart.doctor;

import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;
import javax.naming.ServiceUnavailableException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import java.net.InetAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Resolves one name and reports the addresses and the time it took: through the system resolver
 * ({@code /etc/hosts}, {@code /etc/resolv.conf}) by default, or by asking one DNS server directly
 * ({@code --dns-server}: A and AAAA queries with the JDK's DNS client, its own timeout and attempts). Unresolvable
 * or no answer in time: fail. Slower than half the time allowed: warn.
 */
public final class DnsCheck implements CheckTask {

    /** The check group. */
    public static final String GROUP = "dns";

    private final String host;
    private final Duration timeout;
    private final Optional<DnsServer> server;
    private final Executor executor;

    /**
     * Through the system resolver.
     *
     * @param host     the name to resolve
     * @param timeout  how long the lookup may take
     * @param executor runs the (blocking, uninterruptible) lookup so that the timeout can be enforced
     */
    public DnsCheck(String host, Duration timeout, Executor executor) {
        this(host, timeout, Optional.empty(), executor);
    }

    /**
     * @param host     the name to resolve
     * @param timeout  how long a lookup through the system resolver may take
     * @param server   the server to ask directly instead of the system resolver, if any
     * @param executor runs the (blocking) lookup so that the time allowed can be enforced
     */
    public DnsCheck(String host, Duration timeout, Optional<DnsServer> server, Executor executor) {
        this.host = host;
        this.timeout = timeout;
        this.server = server;
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
        return server.map(this::viaServer).orElseGet(this::viaSystemResolver);
    }

    private List<Check> viaSystemResolver() {
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

    private List<Check> viaServer(DnsServer dns) {
        String name = checkName(host);
        String at = dns.display();
        long t0 = System.nanoTime();
        // A first; AAAA only once the server has answered for the name
        long bound = 2 * dns.queryBound().toMillis();
        CompletableFuture<List<String>> lookup = CompletableFuture.supplyAsync(() -> {
            try {
                List<String> addresses = new ArrayList<>(query(dns, "A"));
                try {
                    addresses.addAll(query(dns, "AAAA"));
                } catch (NamingException e) {
                    // the A answer is what matters; a server without AAAA support still resolves the name
                }
                return addresses;
            } catch (NamingException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
        try {
            List<String> addresses = lookup.get(bound + 1000, TimeUnit.MILLISECONDS);
            long ms = HttpFetch.millisSince(t0);
            if (addresses.isEmpty()) {
                return List.of(Check.fail(GROUP, name, host + " has no A or AAAA record at " + at + " (" + ms
                        + " ms)", "add an address record for it to the zone " + at + " serves", ms));
            }
            String list = String.join(", ", addresses.stream().distinct().toList());
            if (ms * 2 > dns.queryBound().toMillis()) {
                return List.of(Check.warn(GROUP, name, host + " resolves to " + list + " at " + at + " but took "
                        + ms + " ms", "a slow DNS server: check " + at + " and the network to it", ms));
            }
            return List.of(Check.ok(GROUP, name, host + " resolves to " + list + " in " + ms + " ms (server "
                    + at + ")", ms));
        } catch (TimeoutException e) {
            return List.of(Check.fail(GROUP, name, host + ": no answer from " + at + " within " + (bound + 1000)
                    + " ms", "check that the DNS server at " + at + " runs and is reachable", HttpFetch.millisSince(t0)));
        } catch (ExecutionException e) {
            long ms = HttpFetch.millisSince(t0);
            return List.of(serverFailure(name, dns, e.getCause(), ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(Check.fail(GROUP, name, host + ": lookup interrupted", "", HttpFetch.millisSince(t0)));
        }
    }

    private Check serverFailure(String name, DnsServer dns, Throwable t, long ms) {
        String at = dns.display();
        if (t instanceof NameNotFoundException) {
            return Check.fail(GROUP, name, host + " does not exist (NXDOMAIN from " + at + ", " + ms + " ms)",
                    "add the record to the zone " + at + " serves, or fix the name in the configuration", ms);
        }
        if (t instanceof OperationNotSupportedException) {
            return Check.fail(GROUP, name, at + " refused to answer for " + host + " (REFUSED, " + ms + " ms)",
                    "the server neither serves this name nor recurses for this machine: check its zones and ACLs, "
                            + "or ask another server", ms);
        }
        if (t instanceof ServiceUnavailableException) {
            return Check.fail(GROUP, name, at + " failed to answer for " + host + " (SERVFAIL, " + ms + " ms)",
                    "the server could not resolve it (its upstreams or the zone's servers are down?)", ms);
        }
        if (t instanceof CommunicationException && t.getCause() instanceof PortUnreachableException) {
            return Check.fail(GROUP, name, "no DNS server at " + at + ": port unreachable (" + ms + " ms)",
                    "start the DNS server there, or fix --dns-server / dns-server", ms);
        }
        if (t instanceof CommunicationException && t.getCause() instanceof SocketTimeoutException) {
            return Check.fail(GROUP, name, host + ": no answer from " + at + " within " + dns.queryBound().toMillis()
                            + " ms (" + dns.attempts() + " attempt" + (dns.attempts() == 1 ? "" : "s") + ")",
                    "check that the DNS server at " + at + " runs and that nothing drops the packets", ms);
        }
        String why = t instanceof NamingException ne && ne.getRootCause() != null
                ? HttpFetch.describe(t) + " (" + HttpFetch.describe(ne.getRootCause()) + ")" : HttpFetch.describe(t);
        return Check.fail(GROUP, name, host + ": lookup at " + at + " failed (" + ms + " ms): " + why,
                "check the DNS server at " + at, ms);
    }

    /** The values of the records of one type; empty when the name exists without such records. */
    private List<String> query(DnsServer dns, String type) throws NamingException {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, dns.providerUrl());
        env.put("com.sun.jndi.dns.timeout.initial", String.valueOf(dns.timeout().toMillis()));
        env.put("com.sun.jndi.dns.timeout.retries", String.valueOf(dns.attempts()));
        DirContext ctx = new InitialDirContext(env);
        try {
            Attribute records = ctx.getAttributes(host, new String[]{type}).get(type);
            List<String> values = new ArrayList<>();
            if (records != null) {
                NamingEnumeration<?> all = records.getAll();
                while (all.hasMore()) {
                    values.add(String.valueOf(all.next()));
                }
            }
            return values;
        } finally {
            ctx.close();
        }
    }
}
