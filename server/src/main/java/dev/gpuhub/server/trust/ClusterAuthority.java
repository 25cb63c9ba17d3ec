package dev.gpuhub.server.trust;

import dev.gpuhub.wire.tls.OwnerOnlyFiles;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The cluster's certificate authority, kept by the control plane in {@code <data dir>/pki}: the
 * CA's key ({@code ca.key}, 0600) and certificate ({@code ca.crt}), made on the first start, and
 * the register of which certificate each node holds now ({@code nodes.properties}). It issues
 * the control plane its own certificate at every start, and a node one when it joins with the
 * shared join secret or a {@link JoinTokens join token}; a node's newest certificate supersedes its earlier ones, and a revoked node's
 * certificates are refused until it joins again.
 *
 * <p>What a certificate allows: a {@link Pki#ROLE_NODE} certificate lets its holder heartbeat as
 * the host name it names, nothing else; a {@link Pki#ROLE_CONTROL_PLANE} certificate lets its
 * holder call node APIs.
 */
public final class ClusterAuthority {
  /** The CA lives ten years; nodes' and the control plane's certificates one. */
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  /** The common name of the control plane's certificate. */
  public static final String CONTROL_PLANE_NAME = "gpuhub-control-plane";
  private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
  private static final String REVOKED = "revoked";

  private final Path dir;
  private final X509Certificate ca;
  private final PrivateKey caKey;
  private final TlsIdentity controlPlane;
  /** Host name to the serial (hex) of its current certificate, or {@value #REVOKED}. */
  private final Map<String, String> nodes;
  private final JoinTokens joinTokens;

  private ClusterAuthority(Path dir, X509Certificate ca, PrivateKey caKey, List<String> controlPlaneNames) {
    this.dir = dir;
    this.ca = ca;
    this.caKey = caKey;
    KeyPair keys = Pki.newKeyPair();
    this.controlPlane = new TlsIdentity(keys.getPrivate(), Pki.issue(ca, caKey, keys.getPublic(), CONTROL_PLANE_NAME,
        Pki.ROLE_CONTROL_PLANE, controlPlaneNames, LEAF_VALIDITY), ca);
    this.nodes = readRegister(dir.resolve("nodes.properties"));
    this.joinTokens = new JoinTokens(dir, Pki.fingerprint(ca));
  }

  /**
   * The authority in {@code dataDir/pki}, made there on first use, with a fresh control-plane
   * certificate for {@code controlPlaneNames} (the addresses and names agents reach it at).
   *
   * @throws IllegalStateException when the directory or its files cannot be read or written
   */
  public static ClusterAuthority open(Path dataDir, List<String> controlPlaneNames) {
    Path dir = dataDir.resolve("pki");
    Path keyFile = dir.resolve("ca.key");
    Path certFile = dir.resolve("ca.crt");
    try {
      OwnerOnlyFiles.directory(dir);
      if (!Files.exists(keyFile) || !Files.exists(certFile)) {
        KeyPair keys = Pki.newKeyPair();
        X509Certificate ca = Pki.selfSignedCa(keys, "gpuhub cluster CA", CA_VALIDITY);
        OwnerOnlyFiles.write(keyFile, Pki.pem(keys.getPrivate()));
        OwnerOnlyFiles.write(certFile, Pki.pem(ca));
      }
      PrivateKey key = Pki.readPrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
      X509Certificate ca = Pki.readCertificate(Files.readString(certFile, StandardCharsets.US_ASCII));
      return new ClusterAuthority(dir, ca, key, controlPlaneNames);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot open the cluster CA in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The CA certificate every agent pins. */
  public X509Certificate ca() {
    return ca;
  }

  /** {@code sha256:<hex>} of the CA certificate: what an agent on another machine is given to pin it. */
  public String fingerprint() {
    return Pki.fingerprint(ca);
  }

  /** The short-lived tokens nodes may join with (besides the cluster's shared join secret). */
  public JoinTokens joinTokens() {
    return joinTokens;
  }

  /** The control plane's identity (server side of the cluster port, client side of node API calls). */
  public TlsIdentity controlPlane() {
    return controlPlane;
  }

  /**
   * Issues {@code hostname} a node certificate for {@code key}, reachable at {@code ip}; it
   * supersedes the node's earlier certificates (and lifts a revocation).
   *
   * @throws IllegalArgumentException when the host name or address is not acceptable
   */
  public synchronized X509Certificate join(String hostname, String ip, PublicKey key) {
    if (hostname == null || !HOSTNAME.matcher(hostname).matches()) {
      throw new IllegalArgumentException("hostname '" + hostname + "' is not a host name");
    }
    if (ip == null || !Pki.isIpLiteral(ip)) throw new IllegalArgumentException("ip '" + ip + "' is not an IP address");
    X509Certificate cert = Pki.issue(ca, caKey, key, hostname, Pki.ROLE_NODE, List.of(ip, hostname), LEAF_VALIDITY);
    nodes.put(hostname, cert.getSerialNumber().toString(16));
    saveRegister();
    return cert;
  }

  /**
   * A fresh key and certificate for a workload (a user's Jupyter server or kernel host) named
   * {@code name} that serves at {@code ip}: role {@link Pki#ROLE_WORKLOAD}, the address as its only
   * subject alternative name. Not registered: it lets its holder serve, nothing else.
   */
  public TlsIdentity issueWorkload(String name, String ip) {
    KeyPair keys = Pki.newKeyPair();
    return new TlsIdentity(keys.getPrivate(), Pki.issue(ca, caKey, keys.getPublic(), name, Pki.ROLE_WORKLOAD,
        List.of(ip), LEAF_VALIDITY), ca);
  }

  /**
   * Checks that {@code cert} (which TLS already proved was issued by this CA) lets its holder speak
   * for node {@code hostname}.
   *
   * @return null when it does, else why not
   */
  public synchronized String refusalForNode(X509Certificate cert, String hostname) {
    if (!Pki.ROLE_NODE.equals(Pki.role(cert))) return "the certificate is not a node's";
    String named = Pki.commonName(cert);
    if (!hostname.equals(named)) {
      return "the certificate is node " + named + "'s; it cannot speak for " + hostname;
    }
    String current = nodes.get(hostname);
    if (REVOKED.equals(current)) return "node " + hostname + " was revoked by an administrator; it must join again";
    if (current != null && !current.equals(cert.getSerialNumber().toString(16))) {
      return "this certificate of " + hostname + " was superseded by a newer one";
    }
    return null;
  }

  /** Revokes every certificate of {@code hostname}; true when it had joined. */
  public synchronized boolean revoke(String hostname) {
    boolean known = nodes.containsKey(hostname);
    nodes.put(hostname, REVOKED);
    saveRegister();
    return known;
  }

  private static Map<String, String> readRegister(Path file) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(file)) return out;
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  private void saveRegister() {
    StringBuilder text = new StringBuilder("# node = serial of its current certificate (hex), or revoked\n");
    nodes.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    try {
      OwnerOnlyFiles.write(dir.resolve("nodes.properties"), text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the node register in " + dir, e);
    }
  }

}
