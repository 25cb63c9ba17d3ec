package dev.gpuhub.server.hub;

import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * HTTPS for the hub with a certificate an administrator configured: {@code GPUHUB_TLS_CERT} (a PEM
 * file with the certificate and its chain) and {@code GPUHUB_TLS_KEY} (the PEM private key, a file
 * readable by the hub only). Both or neither; with them, the hub's port speaks HTTPS only.
 *
 * @param certFile the certificate chain file
 * @param keyFile  the private key file
 */
public record HubTls(Path certFile, Path keyFile) {
  public static final String CERT_ENV = "GPUHUB_TLS_CERT";
  public static final String KEY_ENV = "GPUHUB_TLS_KEY";

  /**
   * The hub's TLS settings in {@code env}, or null when neither is set.
   *
   * @throws IllegalArgumentException when only one is set
   */
  public static HubTls fromEnv(Map<String, String> env) {
    String cert = env.get(CERT_ENV);
    String key = env.get(KEY_ENV);
    boolean hasCert = cert != null && !cert.isBlank();
    boolean hasKey = key != null && !key.isBlank();
    if (!hasCert && !hasKey) return null;
    if (!hasCert || !hasKey) {
      throw new IllegalArgumentException((hasCert ? KEY_ENV : CERT_ENV) + " is missing: HTTPS needs both "
          + CERT_ENV + " (certificate chain, PEM) and " + KEY_ENV + " (private key, PEM)");
    }
    return new HubTls(Path.of(cert.strip()), Path.of(key.strip()));
  }

  /**
   * Reads both files.
   *
   * @throws IllegalArgumentException naming the file that cannot be read or used
   */
  public SSLContext context() {
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      chain = Pki.readCertificates(Files.readString(certFile, StandardCharsets.US_ASCII));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(CERT_ENV + ": cannot use " + certFile + ": " + e.getMessage(), e);
    }
    try {
      key = Pki.readPrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(KEY_ENV + ": cannot use " + keyFile + ": " + e.getMessage(), e);
    }
    return TlsIdentity.serverContext(key, chain);
  }
}
