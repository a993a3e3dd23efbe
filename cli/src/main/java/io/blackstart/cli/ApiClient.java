package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** A small client of the coordinator's HTTP API; every failure becomes an {@link OperatorException}. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    ApiClient(String base, String token, Duration timeout) {
        try {
            this.base = URI.create(base.endsWith("/") ? base : base + "/");
            if (this.base.getScheme() == null || !this.base.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new OperatorException("--api '" + base + "' is not a valid URL: " + e.getMessage(), 2);
        }
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** A GET whose successful answer is text (CSV); errors are still JSON. */
    String getText(String path) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).GET().timeout(timeout).build();
        HttpResponse<String> resp = exchange(request);
        if (resp.statusCode() / 100 != 2) {
            failed(request, resp, parse(request, resp));
        }
        return resp.body();
    }

    JsonNode post(String path, String jsonBody) {
        if (token == null || token.isBlank()) {
            throw new OperatorException("this command changes the platform and needs the API token: --token or BLACKSTART_TOKEN");
        }
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    private JsonNode send(HttpRequest.Builder req) {
        HttpRequest request = req.timeout(timeout).header("Accept", "application/json").build();
        HttpResponse<String> resp = exchange(request);
        JsonNode body = parse(request, resp);
        if (resp.statusCode() / 100 != 2) {
            failed(request, resp, body);
        }
        return body;
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new OperatorException("no coordinator answers at " + base + " (connection refused); is it running? "
                    + "(--api or BLACKSTART_API)");
        } catch (HttpTimeoutException e) {
            throw new OperatorException("the coordinator at " + base + " did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new OperatorException("cannot reach the coordinator at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted");
        }
    }

    private static JsonNode parse(HttpRequest request, HttpResponse<String> resp) {
        try {
            return resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new OperatorException(request.uri() + " answered " + resp.statusCode() + " with a body that is not JSON");
        }
    }

    private static void failed(HttpRequest request, HttpResponse<String> resp, JsonNode body) {
        String why = body.path("error").asText(resp.body());
        throw new OperatorException(request.method() + " " + request.uri().getPath() + " failed: HTTP "
                + resp.statusCode() + ": " + why);
    }
}
