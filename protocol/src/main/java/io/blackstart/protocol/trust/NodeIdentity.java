package io.blackstart.protocol.trust;

import com.typesafe.config.Config;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * This node's identity in the cluster: the key and certificate chain of its Artery key store, and the cluster CA
 * of its trust store to check peers with ({@link PeerCertificates}). The name is the certificate's CN (a
 * coordinator's name or an agent's node id), the role its OU ({@code coordinator} or {@code agent}), as
 * {@code deploy/local/pki.sh} makes them; a role or name a node declares in its config is never trusted. Keys are
 * RSA: signatures SHA256withRSA, key wrapping RSA-OAEP (SHA-256).
 */
public final class NodeIdentity {
    public static final String COORDINATOR = "coordinator";
    public static final String AGENT = "agent";
    private static final String SSL = "pekko.remote.artery.ssl.config-ssl-engine.";
    private static final OAEPParameterSpec OAEP = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
            PSource.PSpecified.DEFAULT);

    private final String name;
    private final String role;
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final List<byte[]> chainDer;
    private final PeerCertificates peers;

    NodeIdentity(PrivateKey key, List<X509Certificate> chain, PeerCertificates peers) throws TrustException {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.peers = peers;
        PeerCertificates.Subject s = PeerCertificates.subject(chain.get(0));
        this.name = s.name();
        this.role = s.role();
        List<byte[]> der = new ArrayList<>();
        try {
            for (X509Certificate c : chain) {
                der.add(c.getEncoded());
            }
        } catch (GeneralSecurityException e) {
            throw new TrustException("cannot encode this node's certificate: " + e.getMessage(), e);
        }
        this.chainDer = Collections.unmodifiableList(der);
    }

    /**
     * The identity of a node whose cluster transport is {@code tls-tcp} with Pekko's config SSL engine provider;
     * empty for plain {@code tcp} (no identity: messages inside the cluster are then not authenticated).
     *
     * @throws TrustException naming the store or entry that is wrong
     */
    public static Optional<NodeIdentity> fromArteryConfig(Config config) throws TrustException {
        if (!"tls-tcp".equals(config.getString("pekko.remote.artery.transport"))) {
            return Optional.empty();
        }
        KeyStore keys = open(config, "key-store", "key-store-password");
        KeyStore trust = open(config, "trust-store", "trust-store-password");
        char[] keyPassword = config.getString(SSL + "key-password").toCharArray();
        try {
            for (String alias : Collections.list(keys.aliases())) {
                if (keys.isKeyEntry(alias)) {
                    Certificate[] certs = keys.getCertificateChain(alias);
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate c : certs) {
                        chain.add((X509Certificate) c);
                    }
                    PrivateKey key = (PrivateKey) keys.getKey(alias, keyPassword);
                    PeerCertificates peers = PeerCertificates.fromTrustStore(trust);
                    // not checked against our own CA here: a node whose certificate the CA did not issue is refused
                    // by the TLS handshake of every peer (and RogueNodeE2ETest shows that the cluster refuses it)
                    return Optional.of(new NodeIdentity(key, chain, peers));
                }
            }
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new TrustException(SSL + "key-store: cannot read this node's key: " + e.getMessage(), e);
        }
        throw new TrustException(SSL + "key-store " + config.getString(SSL + "key-store") + " holds no private key");
    }

    /**
     * {@link #fromArteryConfig}, checked for a node of {@code role} (and, for an agent, whose certificate's CN is
     * its configured node id {@code name}).
     *
     * @throws IllegalArgumentException naming what is wrong (the node then refuses to start)
     */
    public static Optional<NodeIdentity> forNode(Config config, String role, String name) {
        Optional<NodeIdentity> id;
        try {
            id = fromArteryConfig(config);
        } catch (TrustException e) {
            throw new IllegalArgumentException("cluster identity: " + e.getMessage(), e);
        }
        id.ifPresent(i -> {
            if (!i.role().equals(role)) {
                throw new IllegalArgumentException("cluster identity: this node's certificate (" + i
                        + ") is for role " + i.role() + ", but this is a " + role + " node; make its key store with"
                        + " deploy/local/pki.sh node DIR NAME " + role);
            }
            if (name != null && !i.name().equals(name)) {
                throw new IllegalArgumentException("cluster identity: this node's certificate is CN=" + i.name()
                        + " but its node id is " + name + "; the node id must be the certificate's CN");
            }
        });
        return id;
    }

    private static KeyStore open(Config config, String pathKey, String passwordKey) throws TrustException {
        Path path = Path.of(config.getString(SSL + pathKey));
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, config.getString(SSL + passwordKey).toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new TrustException(SSL + pathKey + " " + path + " does not open: " + e.getMessage(), e);
        }
    }

    /** The certificate's CN: a coordinator's name or an agent's node id. */
    public String name() {
        return name;
    }

    /** The certificate's OU: {@link #COORDINATOR} or {@link #AGENT}. */
    public String role() {
        return role;
    }

    /** The certificate chain, DER, leaf first: what peers check with {@link PeerCertificates#verify}. */
    public List<byte[]> chainDer() {
        return chainDer;
    }

    /** Checks peers' chains against this node's cluster CA. */
    public PeerCertificates peers() {
        return peers;
    }

    /** SHA256withRSA over {@code data} with this node's key. */
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with this node's key: " + e.getMessage(), e);
        }
    }

    /** True if {@code signature} is SHA256withRSA over {@code data} by the holder of {@code signer}'s key. */
    public static boolean verify(PublicKey signer, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(signer);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** {@code secret} encrypted for the holder of {@code recipient}'s key (RSA-OAEP, SHA-256). */
    public static byte[] wrap(PublicKey recipient, byte[] secret) {
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.ENCRYPT_MODE, recipient, OAEP);
            return c.doFinal(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap a session key: " + e.getMessage(), e);
        }
    }

    /** The secret {@link #wrap}ped for this node. */
    public byte[] unwrap(byte[] wrapped) throws TrustException {
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.DECRYPT_MODE, key, OAEP);
            return c.doFinal(wrapped);
        } catch (GeneralSecurityException e) {
            throw new TrustException("the session key was not wrapped for this node", e);
        }
    }

    @Override
    public String toString() {
        return "CN=" + name + ", OU=" + role; // never the key
    }
}
