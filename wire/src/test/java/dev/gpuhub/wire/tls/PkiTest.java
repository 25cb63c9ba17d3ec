package dev.gpuhub.wire.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster CA issues leaves that name their holder, role and addresses, and only it verifies them. */
class PkiTest {
  @Test
  void theCaIssuesALeafNamingItsHolderRoleAndAddresses() throws Exception {
    KeyPair caKeys = Pki.newKeyPair();
    X509Certificate ca = Pki.selfSignedCa(caKeys, "gpuhub cluster CA", Duration.ofDays(3650));
    KeyPair node = Pki.newKeyPair();
    X509Certificate leaf = Pki.issue(ca, caKeys.getPrivate(), node.getPublic(), "gpu-node-1", Pki.ROLE_NODE,
        List.of("10.0.0.5", "gpu-node-1.lab"), Duration.ofDays(365));
    leaf.verify(ca.getPublicKey());
    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    assertThat(leaf.getBasicConstraints()).as("a leaf cannot issue").isEqualTo(-1);
    assertThat(Pki.commonName(leaf)).isEqualTo("gpu-node-1");
    assertThat(Pki.role(leaf)).isEqualTo("node");
    assertThat(leaf.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList()).containsExactly("10.0.0.5", "gpu-node-1.lab");
    assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");

    X509Certificate other = Pki.selfSignedCa(Pki.newKeyPair(), "a self-made CA", Duration.ofDays(1));
    assertThatThrownBy(() -> leaf.verify(other.getPublicKey())).isInstanceOf(java.security.SignatureException.class);
  }

  @Test
  void pemRoundTripsAndFingerprintsPinTheCa() {
    KeyPair keys = Pki.newKeyPair();
    X509Certificate ca = Pki.selfSignedCa(keys, "ca", Duration.ofDays(1));
    assertThat(Pki.readCertificate(Pki.pem(ca))).isEqualTo(ca);
    assertThat(Pki.readPrivateKey(Pki.pem(keys.getPrivate())).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    assertThat(Pki.readPublicKey(Pki.pem(keys.getPublic()))).isEqualTo(keys.getPublic());
    assertThat(Pki.fingerprint(ca)).startsWith("sha256:").hasSize(7 + 64).isEqualTo(Pki.fingerprint(Pki.readCertificate(Pki.pem(ca))));
    assertThat(Pki.fingerprint(Pki.selfSignedCa(keys, "ca", Duration.ofDays(1)))).isNotEqualTo(Pki.fingerprint(ca));
    assertThatThrownBy(() -> Pki.readCertificate("nonsense")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pki.readPublicKey(Pki.pem(ca))).isInstanceOf(IllegalArgumentException.class);
    assertThat(new TlsIdentity(keys.getPrivate(), ca, ca).toString()).doesNotContain("PRIVATE");
  }
}
