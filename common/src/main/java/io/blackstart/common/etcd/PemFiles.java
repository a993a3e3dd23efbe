package io.blackstart.common.etcd;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trust and key material for etcd clients from PEM files, with the JDK alone: a CA bundle (one or more
 * {@code CERTIFICATE} blocks), a client certificate chain, and its private key as PKCS#8
 * ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, wrapped into PKCS#8 here). EC keys in
 * SEC1 form ({@code BEGIN EC PRIVATE KEY}) and encrypted keys are refused with the {@code openssl} command that
 * converts them. Every error names the file.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];
    private static final String CONVERT = "openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";

    private PemFiles() {
    }

    /** The trust managers of the CA file: the certificates it holds, nothing else. */
    static TrustManagerFactory trust(Path caFile) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certificates(caFile, "CA file")) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("etcd TLS: CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** The key managers of a client certificate (chain) and its private key. */
    static KeyManagerFactory keys(Path certFile, Path keyFile) {
        List<Certificate> chain = certificates(certFile, "client certificate file");
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            return kmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("etcd TLS: client certificate " + certFile + " and key " + keyFile
                    + " do not make a key pair: " + e.getMessage(), e);
        }
    }

    /** A TLS client context: trusts the CA file (or the JDK's CAs when absent), presents the key pair if given. */
    static SSLContext sslContext(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(certFile.isPresent() ? keys(certFile.get(), keyFile.orElseThrow()).getKeyManagers() : null,
                    caFile.map(f -> trust(f).getTrustManagers()).orElse(null), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("etcd TLS: " + e.getMessage(), e);
        }
    }

    static List<Certificate> certificates(Path file, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("etcd TLS: " + what + " " + file + " holds no certificate");
            }
            return new ArrayList<>(certs);
        } catch (IOException e) {
            throw new IllegalArgumentException("etcd TLS: cannot read " + what + " " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("etcd TLS: " + what + " " + file + " is not a PEM certificate: "
                    + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("etcd TLS: cannot read key file " + file + ": " + e.getMessage(), e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("etcd TLS: key file " + file + ": bad base64 in " + type, e);
            }
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, der);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(file, rsaPkcs1ToPkcs8(der));
                }
                case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("etcd TLS: key file "
                        + file + " holds an " + type + " block; convert it to unencrypted PKCS#8: " + CONVERT);
                default -> {
                    // e.g. "EC PARAMETERS" before the key: keep looking
                }
            }
        }
        throw new IllegalArgumentException("etcd TLS: key file " + file + " holds no PEM private key "
                + "(expected -----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("etcd TLS: key file " + file + " is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey: version 0, rsaEncryption, the key as an OCTET STRING. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[]{0x02, 0x01, 0x00});
        body.writeBytes(algorithm);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derLength(int n) {
        if (n < 0x80) {
            return new byte[]{(byte) n};
        }
        if (n < 0x100) {
            return new byte[]{(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[]{(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[]{(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
}
