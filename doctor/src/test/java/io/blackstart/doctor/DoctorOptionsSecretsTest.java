package io.blackstart.doctor;

import com.typesafe.config.ConfigFactory;
import io.blackstart.common.etcd.EtcdAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** The doctor's options never show the etcd password (they are logged at start and printed by --verbose). */
@Timeout(10)
class DoctorOptionsSecretsTest {

    @Test
    void theEtcdPasswordNeverAppearsInTheOptions() {
        EtcdAccess a = EtcdAccess.fromConfig(ConfigFactory.parseString("user = bob, password = \"s3cret-9\""));
        DoctorOptions o = DoctorOptions.defaults().toBuilder().etcdAccess(a).build();
        assertFalse(o.toString().contains("s3cret-9"), o.toString());
    }
}
