package io.blackstart.protocol.trust;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a peer's certificate chain: PKIX path validation against the cluster CA (the trust store's certificates),
 * then the role (OU) the message needs. The peer's name is its CN. At most {@value #MAX_CHAIN} certificates of at
 * most {@value #MAX_CERT_BYTES} bytes each are looked at: a chain is untrusted input.
 */
public final class PeerCertificates {
    static final int MAX_CHAIN = 4;
    static final int MAX_CERT_BYTES = 8 * 1024;

    /** A verified peer. */
    public record Peer(String name, String role, PublicKey key) {
    }

    record Subject(String name, String role) {
    }

    private final Set<TrustAnchor> anchors;

    private PeerCertificates(Set<TrustAnchor> anchors) {
        this.anchors = anchors;
    }

    static PeerCertificates fromTrustStore(KeyStore trust) throws GeneralSecurityException, TrustException {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (String alias : Collections.list(trust.aliases())) {
            if (trust.isCertificateEntry(alias) && trust.getCertificate(alias) instanceof X509Certificate c) {
                anchors.add(new TrustAnchor(c, null));
            }
        }
        if (anchors.isEmpty()) {
            throw new TrustException("the trust store holds no CA certificate");
        }
        return new PeerCertificates(anchors);
    }

    /** For tests: trust exactly these CA certificates. */
    public static PeerCertificates trusting(List<X509Certificate> cas) {
        Set<TrustAnchor> anchors = new HashSet<>();
        cas.forEach(c -> anchors.add(new TrustAnchor(c, null)));
        return new PeerCertificates(anchors);
    }

    /**
     * The peer whose chain this is, if the cluster CA issued it and its OU is {@code role}.
     *
     * @throws TrustException saying which check failed
     */
    public Peer verify(List<byte[]> chainDer, String role) throws TrustException {
        if (chainDer == null || chainDer.isEmpty()) {
            throw new TrustException("no certificate");
        }
        if (chainDer.size() > MAX_CHAIN) {
            throw new TrustException("certificate chain of " + chainDer.size() + " (at most " + MAX_CHAIN + ")");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (byte[] der : chainDer) {
                if (der == null || der.length > MAX_CERT_BYTES) {
                    throw new TrustException("certificate larger than " + MAX_CERT_BYTES + " bytes");
                }
                chain.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
            }
            // the path ends below a trust anchor: drop a CA certificate sent along
            List<X509Certificate> path = new ArrayList<>(chain);
            while (path.size() > 1 && isAnchor(path.get(path.size() - 1))) {
                path.remove(path.size() - 1);
            }
            CertPath certPath = f.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false); // no CRL/OCSP inside a cluster CA; rotate the CA to revoke
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
            throw new TrustException("certificate not issued by the cluster CA: " + e.getMessage(), e);
        }
        Subject s = subject(chain.get(0));
        if (!role.equals(s.role())) {
            throw new TrustException("certificate CN=" + s.name() + " has role (OU) " + s.role() + ", not " + role);
        }
        return new Peer(s.name(), s.role(), chain.get(0).getPublicKey());
    }

    private boolean isAnchor(X509Certificate c) {
        return anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c));
    }

    static Subject subject(X509Certificate cert) throws TrustException {
        String cn = null;
        String ou = null;
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("OU")) {
                    ou = rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new TrustException("certificate subject does not parse: " + e.getMessage(), e);
        }
        if (cn == null || ou == null) {
            throw new TrustException("certificate subject " + cert.getSubjectX500Principal().getName()
                    + " lacks CN (name) or OU (role); make node certificates with deploy/local/pki.sh");
        }
        return new Subject(cn, ou);
    }
}
