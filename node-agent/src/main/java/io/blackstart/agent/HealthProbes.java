package io.blackstart.agent;

import io.blackstart.protocol.HealthCheck;
import io.blackstart.protocol.wire.ContainerInfo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Runs one readiness probe of a container, off the caller's thread: {@code exec} through the engine (Docker exec,
 * exit code 0 passes), {@code tcp} as a connect to the container's address, {@code http} as a GET of its path (an
 * answer 200–399 passes). Each is bounded by the check's {@code timeoutSeconds}; the stage always completes, with a
 * failed {@link ProbeResult} naming what went wrong rather than exceptionally.
 */
final class HealthProbes {

    private final ContainerRuntime runtime;
    private final Executor executor;
    private final HttpClient http;

    /**
     * @param runtime  runs exec probes (on its own dispatcher)
     * @param executor runs the blocking tcp and http probes (a bounded dispatcher)
     */
    HealthProbes(ContainerRuntime runtime, Executor executor) {
        this.runtime = runtime;
        this.executor = executor;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    CompletionStage<ProbeResult> run(ProbeTarget target) {
        HealthCheck check = target.check();
        Duration timeout = Duration.ofSeconds(check.timeoutSeconds());
        if (check.kind() != HealthCheck.Kind.EXEC && target.address() == null) {
            return CompletableFuture.completedFuture(new ProbeResult(false,
                    "the container has no network address to probe port " + check.port()));
        }
        CompletionStage<ProbeResult> probe = switch (check.kind()) {
            case EXEC -> runtime.exec(target.containerId(), check.exec(), timeout, ContainerInfo.MAX_DETAIL_CHARS)
                    .thenApply(r -> !r.ended()
                            ? new ProbeResult(false, "timed out after " + check.timeoutSeconds() + " s" + tail(r.output()))
                            : new ProbeResult(r.exitCode() == 0, "exit " + r.exitCode() + tail(r.output())));
            case TCP -> CompletableFuture.supplyAsync(() -> tcp(target.address(), check.port(), timeout), executor);
            case HTTP -> CompletableFuture.supplyAsync(() -> http(target.address(), check.port(), check.path(),
                    timeout), executor);
        };
        return probe.exceptionally(error -> new ProbeResult(false, StartExecutor.describe(error)));
    }

    private static ProbeResult tcp(String address, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            return new ProbeResult(true, "connected to " + address + ":" + port);
        } catch (java.net.SocketTimeoutException e) {
            return new ProbeResult(false, "tcp " + address + ":" + port + ": no answer within " + timeout.toSeconds()
                    + " s");
        } catch (IOException e) {
            return new ProbeResult(false, "tcp " + address + ":" + port + ": " + e.getMessage());
        }
    }

    private ProbeResult http(String address, int port, String path, Duration timeout) {
        String url = "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port + path;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int code = response.statusCode();
            return new ProbeResult(code >= 200 && code < 400, "GET " + url + ": HTTP " + code);
        } catch (java.net.http.HttpTimeoutException e) {
            return new ProbeResult(false, "GET " + url + ": no answer within " + timeout.toSeconds() + " s");
        } catch (IOException | IllegalArgumentException e) {
            return new ProbeResult(false, "GET " + url + ": " + StartExecutor.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeResult(false, "GET " + url + ": interrupted");
        }
    }

    private static String tail(String output) {
        String o = output == null ? "" : output.strip().replaceAll("\\p{Cntrl}+", " ");
        return o.isEmpty() ? "" : ": " + o;
    }
}
