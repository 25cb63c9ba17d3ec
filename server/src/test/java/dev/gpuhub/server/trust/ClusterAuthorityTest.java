package dev.gpuhub.server.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.wire.tls.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster CA: made once, kept owner-only, and a node's certificate speaks for that node only. */
class ClusterAuthorityTest {
  @TempDir Path dataDir;

  @Test
  void theCaIsMadeOnceKeptOwnerOnlyAndSurvivesARestart() throws Exception {
    ClusterAuthority first = ClusterAuthority.open(dataDir, List.of("10.0.0.1"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("pki/ca.key")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("pki")))).isEqualTo("rwx------");
    ClusterAuthority again = ClusterAuthority.open(dataDir, List.of("10.0.0.1"));
    assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
    X509Certificate plane = again.controlPlane().certificate();
    plane.verify(first.ca().getPublicKey());
    assertThat(Pki.role(plane)).isEqualTo(Pki.ROLE_CONTROL_PLANE);
    assertThat(plane.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList()).containsExactly("10.0.0.1");
    assertThat(ClusterNames.of("10.0.0.1")).startsWith("10.0.0.1").contains("127.0.0.1", "localhost");
    assertThat(Files.readString(dataDir.resolve("pki/ca.crt"))).doesNotContain("PRIVATE");
  }

  @Test
  void aNodesCertificateSpeaksForThatNodeOnlyUntilSupersededOrRevoked() throws Exception {
    ClusterAuthority ca = ClusterAuthority.open(dataDir, List.of("127.0.0.1"));
    X509Certificate a = ca.join("node-a", "10.0.0.5", Pki.newKeyPair().getPublic());
    X509Certificate b = ca.join("node-b", "10.0.0.6", Pki.newKeyPair().getPublic());
    a.verify(ca.ca().getPublicKey());
    assertThat(Pki.commonName(a)).isEqualTo("node-a");
    assertThat(a.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList()).containsExactly("10.0.0.5", "node-a");
    assertThat(ca.refusalForNode(a, "node-a")).isNull();
    assertThat(ca.refusalForNode(b, "node-a")).isEqualTo("the certificate is node node-b's; it cannot speak for node-a");
    assertThat(ca.refusalForNode(ca.controlPlane().certificate(), "node-a")).contains("not a node's");

    X509Certificate newer = ca.join("node-a", "10.0.0.5", Pki.newKeyPair().getPublic());
    assertThat(ca.refusalForNode(a, "node-a")).contains("superseded");
    assertThat(ca.refusalForNode(newer, "node-a")).isNull();
    assertThat(ClusterAuthority.open(dataDir, List.of()).refusalForNode(a, "node-a")).as("after a restart too").contains("superseded");

    assertThat(ca.revoke("node-a")).isTrue();
    assertThat(ca.refusalForNode(newer, "node-a")).contains("revoked");
    assertThat(ClusterAuthority.open(dataDir, List.of()).refusalForNode(newer, "node-a")).contains("revoked");

    X509Certificate foreign = Pki.issue(Pki.selfSignedCa(Pki.newKeyPair(), "x", Duration.ofDays(1)), Pki.newKeyPair().getPrivate(),
        Pki.newKeyPair().getPublic(), "node-b", Pki.ROLE_NODE, List.of("10.0.0.6"), Duration.ofDays(1));
    assertThatThrownBy(() -> foreign.verify(ca.ca().getPublicKey())).as("TLS refuses it before this check")
        .isInstanceOf(java.security.GeneralSecurityException.class);
    assertThatThrownBy(() -> ca.join("bad host", "10.0.0.7", Pki.newKeyPair().getPublic())).hasMessageContaining("hostname");
    assertThatThrownBy(() -> ca.join("node-c", "not-an-ip", Pki.newKeyPair().getPublic())).hasMessageContaining("ip");
  }
}
