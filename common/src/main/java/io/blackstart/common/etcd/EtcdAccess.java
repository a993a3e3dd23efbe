package io.blackstart.common.etcd;

import com.typesafe.config.Config;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How every etcd client of Blackstart (coordinator, doctor, {@code blackstart catalog}) authenticates: TLS trust
 * (a PEM CA file), an optional client certificate and key (PEM, key PKCS#8 or PKCS#1 RSA), and an optional etcd
 * user and password. One record, read from the same keys under {@code blackstart.coordinator.etcd} and
 * {@code blackstart.doctor} ({@code tls.ca-file}, {@code tls.cert-file}, {@code tls.key-file}, {@code user},
 * {@code password}), applied to a jetcd {@link ClientBuilder} and to the JDK HTTP client.
 *
 * <p>{@link #toString()} never shows the password; error messages built here never contain it.
 */
public record EtcdAccess(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                         Optional<String> user, Optional<String> password) {

    /** The environment variable the password is read from when no other source gives one. */
    public static final String PASSWORD_ENV = "BLACKSTART_ETCD_PASSWORD";

    /** No TLS, no user: plain http endpoints. */
    public static final EtcdAccess NONE = new EtcdAccess(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    /** Validates the combination (both or neither of cert and key; a user needs a password and vice versa). */
    public EtcdAccess {
        caFile = blankToEmpty(caFile);
        certFile = blankToEmpty(certFile);
        keyFile = blankToEmpty(keyFile);
        user = user.filter(u -> !u.isBlank());
        password = password.filter(p -> !p.isEmpty());
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("etcd TLS: a client certificate needs its key and a key its "
                    + "certificate (tls.cert-file and tls.key-file / --etcd-cert and --etcd-key: both or neither)");
        }
        if (certFile.isPresent() && caFile.isEmpty()) {
            throw new IllegalArgumentException("etcd TLS: a client certificate is set but no CA file "
                    + "(tls.ca-file / --etcd-ca) to verify the etcd server with");
        }
        if (user.isPresent() && password.isEmpty()) {
            throw new IllegalArgumentException("etcd authentication: user '" + user.get() + "' is set but no "
                    + "password (set " + PASSWORD_ENV + " or --etcd-password-file / the password key)");
        }
        if (user.isEmpty() && password.isPresent()) {
            throw new IllegalArgumentException("etcd authentication: a password is set but no user "
                    + "(user / --etcd-user)");
        }
        for (Optional<Path> f : List.of(caFile, certFile, keyFile)) {
            if (f.isPresent() && !Files.isReadable(f.get())) {
                throw new IllegalArgumentException("etcd TLS: cannot read file " + f.get());
            }
        }
    }

    private static Optional<Path> blankToEmpty(Optional<Path> p) {
        return p.filter(x -> !x.toString().isBlank());
    }

    /**
     * Reads {@code tls.ca-file}, {@code tls.cert-file}, {@code tls.key-file}, {@code user}, {@code password} of
     * {@code c} ("" = unset).
     */
    public static EtcdAccess fromConfig(Config c) {
        return fromConfig(c, "tls.", "user", "password");
    }

    /** Reads {@code <tls>ca-file}, {@code <tls>cert-file}, {@code <tls>key-file} and the user and password keys. */
    public static EtcdAccess fromConfig(Config c, String tls, String userKey, String passwordKey) {
        return new EtcdAccess(path(c, tls + "ca-file"), path(c, tls + "cert-file"), path(c, tls + "key-file"),
                string(c, userKey), string(c, passwordKey));
    }

    private static Optional<String> string(Config c, String key) {
        return c.hasPath(key) ? Optional.of(c.getString(key)).filter(s -> !s.isEmpty()) : Optional.empty();
    }

    private static Optional<Path> path(Config c, String key) {
        return string(c, key).map(Path::of);
    }

    /**
     * The password of a command line: the first line of {@code passwordFile} when given, else
     * {@value #PASSWORD_ENV} of {@code env}. Never a command-line value (it would show in {@code ps}).
     */
    public static Optional<String> password(Optional<Path> passwordFile, Map<String, String> env) {
        if (passwordFile.isPresent()) {
            try {
                String text = Files.readString(passwordFile.get(), StandardCharsets.UTF_8);
                return Optional.of(text.lines().findFirst().orElse(""));
            } catch (IOException e) {
                throw new IllegalArgumentException("etcd authentication: cannot read password file "
                        + passwordFile.get() + ": " + e.getClass().getSimpleName());
            }
        }
        return Optional.ofNullable(env.get(PASSWORD_ENV)).filter(s -> !s.isEmpty());
    }

    /** A copy with these TLS files / user / password where given (command-line overrides of a config). */
    public EtcdAccess with(Optional<Path> ca, Optional<Path> cert, Optional<Path> key, Optional<String> u,
                           Optional<String> p) {
        return new EtcdAccess(ca.or(() -> caFile), cert.or(() -> certFile), key.or(() -> keyFile), u.or(() -> user),
                p.or(() -> password));
    }

    /** True when the endpoints are https. */
    public boolean tls() {
        return caFile.isPresent();
    }

    /**
     * Checks that every endpoint's scheme fits the TLS setting: https with a CA file, http without.
     *
     * @param what how the endpoints are configured, for the message (e.g. {@code blackstart.coordinator.etcd.endpoints})
     */
    public void checkEndpoints(List<String> endpoints, String what) {
        for (String e : endpoints) {
            String scheme;
            try {
                scheme = String.valueOf(URI.create(e).getScheme()).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(what + ": not a URL: '" + e + "'");
            }
            if (scheme.equals("https") && !tls()) {
                throw new IllegalArgumentException(what + ": " + e + " is https but no etcd CA file is set "
                        + "(tls.ca-file / --etcd-ca)");
            }
            if (scheme.equals("http") && tls()) {
                throw new IllegalArgumentException(what + ": " + e + " is plain http but etcd TLS files are set; "
                        + "use https://");
            }
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException(what + ": " + e + " must be http:// or https://");
            }
        }
    }

    /** Adds TLS and the user and password to a jetcd builder. */
    public ClientBuilder applyTo(ClientBuilder b) {
        if (tls()) {
            b.sslContext(nettyContext());
        }
        if (user.isPresent()) {
            b.user(ByteSequence.from(user.get(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(password.orElseThrow(), StandardCharsets.UTF_8));
        }
        return b;
    }

    /** The Netty (gRPC) TLS context of jetcd: trusts the CA file only, presents the client key pair if given. */
    public SslContext nettyContext() {
        try {
            var b = GrpcSslContexts.forClient().trustManager(PemFiles.trust(caFile.orElseThrow()));
            if (certFile.isPresent()) {
                b.keyManager(PemFiles.keys(certFile.get(), keyFile.orElseThrow()));
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("etcd TLS: cannot build the TLS context from " + files() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The JDK TLS context for the doctor's HTTP calls to etcd (/health, /version, /metrics, peer /members). */
    public Optional<SSLContext> jdkContext() {
        return tls() ? Optional.of(PemFiles.sslContext(caFile, certFile, keyFile)) : Optional.empty();
    }

    private String files() {
        StringBuilder s = new StringBuilder("CA file ").append(caFile.map(Path::toString).orElse("-"));
        certFile.ifPresent(f -> s.append(", client certificate ").append(f));
        keyFile.ifPresent(f -> s.append(", key ").append(f));
        return s.toString();
    }

    /**
     * An error of an etcd call named by its root cause when it is etcd authentication or TLS, e.g.
     * {@code etcd at https://127.0.0.1:2379: authentication failed for user 'blackstart': invalid user ID or
     * password}; empty for every other error (down, no quorum, ...).
     */
    public Optional<String> explain(String endpoint, Throwable error) {
        String all = chain(error);
        String lower = all.toLowerCase(Locale.ROOT);
        String who = user.map(u -> " for user '" + u + "'").orElse("");
        if (lower.contains("invalid user id or password") || lower.contains("authentication failed")) {
            return Optional.of("etcd at " + endpoint + ": authentication failed" + who
                    + ": invalid user ID or password");
        }
        if (lower.contains("user name is empty") || lower.contains("user name not found")
                || lower.contains("invalid auth token")) {
            return Optional.of("etcd at " + endpoint + ": etcd authentication is required but "
                    + (user.isEmpty() ? "no user is configured (user / --etcd-user, password from "
                    + PASSWORD_ENV + ")" : "it was refused" + who));
        }
        if (lower.contains("permission denied")) {
            return Optional.of("etcd at " + endpoint + ": etcd authentication: permission denied" + who
                    + " (grant the user a role with readwrite on the prefix)");
        }
        if (lower.contains("pkix") || lower.contains("certificate_unknown") || lower.contains("unable to find valid "
                + "certification path")) {
            return Optional.of("etcd at " + endpoint + ": TLS: the server certificate is not trusted by the etcd CA"
                    + " file " + caFile.map(Path::toString).orElse("(none)"));
        }
        if (lower.contains("bad_certificate") || lower.contains("bad certificate")
                || lower.contains("certificate_required") || lower.contains("certificate required")) {
            return Optional.of("etcd at " + endpoint + ": TLS: the server refused the client certificate "
                    + certFile.map(f -> f + " (not signed by a CA it trusts?)")
                    .orElse("(none configured: set tls.cert-file and tls.key-file / --etcd-cert and --etcd-key)"));
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return Optional.of("etcd at " + endpoint + ": TLS: the server certificate does not name this host ("
                    + firstLine(all) + ")");
        }
        if (lower.contains("sslhandshake") || lower.contains("ssl") && lower.contains("handshake")
                || lower.contains("not an ssl/tls record")) {
            return Optional.of("etcd at " + endpoint + ": TLS handshake failed (" + files() + "): "
                    + firstLine(all));
        }
        return Optional.empty();
    }

    private static String chain(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            s.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
            if (c instanceof io.grpc.StatusRuntimeException || c instanceof io.grpc.StatusException) {
                s.append(Status.fromThrowable(c).getDescription()).append('\n');
            }
        }
        return s.toString();
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }

    @Override
    public String toString() {
        return "EtcdAccess[caFile=" + caFile.map(Path::toString).orElse("-") + ", certFile="
                + certFile.map(Path::toString).orElse("-") + ", keyFile=" + keyFile.map(Path::toString).orElse("-")
                + ", user=" + user.orElse("-") + ", password=" + (password.isPresent() ? "<set>" : "<none>") + "]";
    }
}
