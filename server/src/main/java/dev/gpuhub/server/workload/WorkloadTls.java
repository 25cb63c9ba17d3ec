package dev.gpuhub.server.workload;

import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.function.BiFunction;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS between the hub and users' Jupyter servers and kernel hosts, as JupyterHub's
 * {@code internal_ssl}: every such container gets a key and a certificate of the cluster CA for
 * its node's address, as secret files ({@link #CERT_FILE}, {@link #KEY_FILE} in
 * {@link ContainerRequest#SECRETS_DIR}), and serves HTTPS with them; the hub's proxy, WebSocket
 * bridge, readiness probe, kernel gateway and kernel culler speak HTTPS to them and trust only the
 * cluster CA, checking that the certificate names the address they dialled. So nobody on the
 * network between hub and node reads or alters a user's traffic, and a readiness probe is answered
 * only by a container the control plane issued a certificate to. {@link #off()} is plain HTTP, for
 * server commands that cannot take a certificate.
 */
public final class WorkloadTls {
  /** The certificate's file name in the container's secrets directory (the runtime's {@code ContainerSpec.TLS_CERT_FILE}). */
  public static final String CERT_FILE = "server.crt";
  /** The key's file name there, PKCS#8 PEM (the runtime's {@code ContainerSpec.TLS_KEY_FILE}). */
  public static final String KEY_FILE = "server.key";

  private final BiFunction<String, String, TlsIdentity> issuer;
  private final SSLContext client;

  private WorkloadTls(BiFunction<String, String, TlsIdentity> issuer, SSLContext client) {
    this.issuer = issuer;
    this.client = client;
  }

  /**
   * TLS with certificates from {@code issuer} (common name, address → identity) and {@code client},
   * the context the hub dials with (it must trust only the cluster CA).
   */
  public static WorkloadTls of(BiFunction<String, String, TlsIdentity> issuer, SSLContext client) {
    return new WorkloadTls(issuer, client);
  }

  /** Plain HTTP to workloads. */
  public static WorkloadTls off() {
    try {
      return new WorkloadTls(null, SSLContext.getDefault());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether workloads serve HTTPS. */
  public boolean on() {
    return issuer != null;
  }

  /** {@code https} or {@code http}. */
  public String httpScheme() {
    return on() ? "https" : "http";
  }

  /** {@code wss} or {@code ws}. */
  public String wsScheme() {
    return on() ? "wss" : "ws";
  }

  /** Where the certificate is in the container. */
  public static String certPath() {
    return ContainerRequest.SECRETS_DIR + "/" + CERT_FILE;
  }

  /** Where the key is in the container. */
  public static String keyPath() {
    return ContainerRequest.SECRETS_DIR + "/" + KEY_FILE;
  }

  /**
   * A fresh key and certificate for a container named {@code name} serving at {@code ip}, as the
   * secret files of its request; none when TLS is off.
   */
  public Map<String, String> filesFor(String name, String ip) {
    if (!on()) return Map.of();
    TlsIdentity id = issuer.apply(name, ip);
    return Map.of(CERT_FILE, Pki.pem(id.certificate()), KEY_FILE, Pki.pem(id.key()));
  }

  /** The JDK HTTP client's builder, dialling with the cluster's trust. */
  public HttpClient.Builder httpClient() {
    return HttpClient.newBuilder().sslContext(client);
  }

  /** A Jetty client connector dialling with the cluster's trust (host names and addresses checked). */
  public ClientConnector jettyConnector() {
    SslContextFactory.Client tls = new SslContextFactory.Client();
    tls.setSslContext(client);
    tls.setEndpointIdentificationAlgorithm("HTTPS");
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(tls);
    return connector;
  }
}
