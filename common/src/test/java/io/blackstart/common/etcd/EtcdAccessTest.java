package io.blackstart.common.etcd;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EtcdAccess}: combinations, URL schemes, password sources, and that the password is never shown. */
@Timeout(30)
class EtcdAccessTest {

    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void badCombinationsAreClearErrors() throws Exception {
        Path ca = file("ca.crt", "x");
        Path cert = file("c.crt", "x");
        String m = assertThrows(IllegalArgumentException.class, () -> new EtcdAccess(Optional.of(ca),
                Optional.of(cert), Optional.empty(), Optional.empty(), Optional.empty())).getMessage();
        assertTrue(m.contains("both or neither"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new EtcdAccess(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("bob"), Optional.empty())).getMessage();
        assertTrue(m.contains("etcd authentication: user 'bob' is set but no password"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new EtcdAccess(Optional.of(dir.resolve("missing")),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())).getMessage();
        assertTrue(m.contains("cannot read file") && m.contains("missing"), m);
    }

    @Test
    void schemesMustMatchTheTlsSetting() throws Exception {
        EtcdAccess tls = new EtcdAccess(Optional.of(file("ca.crt", "x")), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        String m = assertThrows(IllegalArgumentException.class,
                () -> tls.checkEndpoints(List.of("http://10.0.0.1:2379"), "--etcd")).getMessage();
        assertTrue(m.contains("plain http but etcd TLS files are set"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> EtcdAccess.NONE.checkEndpoints(List.of("https://10.0.0.1:2379"), "--etcd")).getMessage();
        assertTrue(m.contains("https but no etcd CA file"), m);
        tls.checkEndpoints(List.of("https://10.0.0.1:2379"), "--etcd");
        EtcdAccess.NONE.checkEndpoints(List.of("http://10.0.0.1:2379"), "--etcd");
    }

    @Test
    void passwordComesFromTheFileOrTheEnvironmentAndIsNeverShown() throws Exception {
        Path pw = file("pw", "s3cret-from-file\nignored\n");
        assertEquals(Optional.of("s3cret-from-file"), EtcdAccess.password(Optional.of(pw), Map.of()));
        assertEquals(Optional.of("env-s3cret"), EtcdAccess.password(Optional.empty(),
                Map.of(EtcdAccess.PASSWORD_ENV, "env-s3cret")));
        EtcdAccess a = EtcdAccess.fromConfig(ConfigFactory.parseString("user = bob, password = \"s3cret-9\""));
        assertFalse(a.toString().contains("s3cret-9"), a.toString());
        assertTrue(a.toString().contains("password=<set>"), a.toString());
        String m = a.explain("https://h:2379", new RuntimeException("etcdserver: authentication failed, invalid user "
                + "ID or password")).orElseThrow();
        assertEquals("etcd at https://h:2379: authentication failed for user 'bob': invalid user ID or password", m);
    }

    @Test
    void keysThatNeedConvertingSayHow() throws Exception {
        Path key = file("ec.key", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        String m = assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(key)).getMessage();
        assertTrue(m.contains(key.toString()) && m.contains("openssl pkcs8 -topk8 -nocrypt"), m);
    }
}
