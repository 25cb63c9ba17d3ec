package dev.gpuhub.agent.trust;

import dev.gpuhub.wire.tls.OwnerOnlyFiles;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Optional;

/**
 * Where an agent keeps the identity it joined with ({@code node.key} 0600, {@code node.crt},
 * {@code ca.crt} in a 0700 directory), so that a restart does not need a new join token: join
 * tokens are short-lived and, by default, good for one node once.
 */
public final class IdentityStore {
  private final Path dir;

  public IdentityStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /**
   * The stored identity of {@code hostname} under the CA with {@code caFingerprint}, if there is
   * one that is still valid; empty otherwise (none, another node's, another cluster's, expired or
   * unreadable).
   */
  public Optional<TlsIdentity> load(String hostname, String caFingerprint) {
    try {
      if (!Files.exists(dir.resolve("node.key"))) return Optional.empty();
      X509Certificate ca = Pki.readCertificate(Files.readString(dir.resolve("ca.crt"), StandardCharsets.US_ASCII));
      X509Certificate cert = Pki.readCertificate(Files.readString(dir.resolve("node.crt"), StandardCharsets.US_ASCII));
      if (!Pki.fingerprint(ca).equalsIgnoreCase(caFingerprint) || !hostname.equals(Pki.commonName(cert))) {
        return Optional.empty();
      }
      cert.verify(ca.getPublicKey());
      cert.checkValidity(new Date());
      return Optional.of(new TlsIdentity(Pki.readPrivateKey(Files.readString(dir.resolve("node.key"),
          StandardCharsets.US_ASCII)), cert, ca));
    } catch (IOException | IllegalArgumentException | java.security.GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  /** Keeps {@code identity}, replacing what was stored. */
  public void save(TlsIdentity identity) {
    try {
      OwnerOnlyFiles.directory(dir);
      OwnerOnlyFiles.write(dir.resolve("node.key"), Pki.pem(identity.key()));
      OwnerOnlyFiles.write(dir.resolve("node.crt"), Pki.pem(identity.certificate()));
      OwnerOnlyFiles.write(dir.resolve("ca.crt"), Pki.pem(identity.ca()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the node's identity in " + dir + ": " + e.getMessage(), e);
    }
  }

}
