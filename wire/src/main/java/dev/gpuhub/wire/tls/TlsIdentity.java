package dev.gpuhub.wire.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Who one end of a cluster connection is: its private key, the certificate the cluster CA issued
 * for it, and the CA, the only issuer it trusts. Its {@link #sslContext()} presents the
 * certificate and accepts only peers whose certificates the same CA issued; what a peer may do
 * (its role and name, see {@link Pki}) is checked by the caller. Never prints the key.
 */
public record TlsIdentity(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
  /** Password of the in-memory key store; it never leaves this process. */
  private static final char[] IN_MEMORY = "gpuhub".toCharArray();

  /** The JDK's TLS (1.3 or 1.2) with this identity and the cluster CA as the only trust anchor. */
  public SSLContext sslContext() {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("identity", key, IN_MEMORY, new Certificate[] {certificate, ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, IN_MEMORY);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trustOnly(ca).getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not set up TLS with the cluster certificate", e);
    }
  }

  /** A trust manager factory whose only anchor is {@code ca}. */
  public static TrustManagerFactory trustOnly(X509Certificate ca) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("cluster-ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      return tmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not trust the cluster CA", e);
    }
  }

  /**
   * A server context presenting {@code chain} (its own certificate first) with {@code key}, for a
   * public endpoint whose certificate an administrator configured; it asks clients for nothing.
   */
  public static SSLContext serverContext(PrivateKey key, java.util.List<X509Certificate> chain) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", key, IN_MEMORY, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, IN_MEMORY);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the configured key does not go with the certificate: " + e.getMessage(), e);
    }
  }

  /** A client context that trusts only {@code ca} and presents no certificate (joining, before a node has one). */
  public static SSLContext trustingOnly(X509Certificate ca) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustOnly(ca).getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not set up TLS", e);
    }
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + Pki.commonName(certificate) + " (" + Pki.role(certificate) + "), issued by "
        + certificate.getIssuerX500Principal().getName() + "]";
  }
}
