package dev.gpuhub.agent.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.wire.WireJson;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * How an agent joins its cluster (see the server's {@code TrustRoutes}): it asks the discovery API
 * for the cluster CA ({@code GET /cluster}) and checks it against the fingerprint it was given, or,
 * when the server is on this machine's loopback, takes it as it comes; then it makes a key pair and
 * asks for its certificate over the cluster port's TLS, trusting only that CA
 * ({@code POST /join} with the join secret). The private key never leaves the agent.
 */
public final class ClusterJoin {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** What a join attempt came to. */
  public sealed interface Outcome permits Joined, Legacy, Failed {}

  /** The node's identity and where the cluster port is. */
  public record Joined(URI clusterUrl, TlsIdentity identity) implements Outcome {}

  /**
   * The server, on this machine's loopback, has no cluster CA (an older gpuhub, or the seed's
   * server): plain HTTP with the shared token. (Off loopback that is a {@link Failed}: the token
   * would cross a network in clear.)
   */
  public record Legacy(String why) implements Outcome {}

  /** The join did not happen; {@code retry} when a later attempt may succeed (the server is unreachable). */
  public record Failed(String why, boolean retry) implements Outcome {}

  private ClusterJoin() {}

  /**
   * One attempt.
   *
   * @param server      the discovery API ({@code --server}, plain HTTP)
   * @param secret      the join secret (GPUHUB_AGENT_TOKEN)
   * @param fingerprint the CA's {@code sha256:...} fingerprint, or null to take the CA from a
   *                    loopback server as it comes
   */
  public static Outcome attempt(URI server, String secret, String hostname, String ip, String fingerprint) {
    return attempt(server, secret, hostname, ip, fingerprint, null);
  }

  /**
   * One attempt that keeps the identity it gets in {@code store}, and falls back to the identity
   * kept there when the server refuses the secret (a join token used up or expired by now).
   *
   * @param store where the identity is kept, or null to keep nothing
   */
  public static Outcome attempt(URI server, String secret, String hostname, String ip, String fingerprint,
      IdentityStore store) {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    JsonNode cluster;
    try {
      HttpResponse<String> r = plain.send(HttpRequest.newBuilder(URI.create(base(server) + "/cluster")).timeout(TIMEOUT)
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) {
        String why = "the server at " + server + " has no cluster CA (GET /cluster: 404)";
        return isLoopback(server.getHost()) ? new Legacy(why)
            : new Failed(why + ": refusing to send the shared token in clear to another machine; upgrade the server", true);
      }
      if (r.statusCode() != 200) return new Failed("GET " + server + "/cluster answered " + r.statusCode(), true);
      cluster = WireJson.mapper().readTree(r.body());
    } catch (IOException e) {
      return new Failed("the server at " + server + " is not reachable: " + e.getMessage(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failed("interrupted", false);
    }
    X509Certificate ca;
    URI clusterUrl;
    try {
      ca = Pki.readCertificate(cluster.path("ca_certificate").asText(null));
      clusterUrl = URI.create(cluster.path("cluster_url").asText(""));
    } catch (IllegalArgumentException e) {
      return new Failed("the server's /cluster answer is not usable: " + e.getMessage(), false);
    }
    String actual = Pki.fingerprint(ca);
    if (fingerprint != null && !fingerprint.equalsIgnoreCase(actual)) {
      return new Failed("the cluster CA the server presented (" + actual + ") is not the one this agent was told to "
          + "trust (" + fingerprint + "): refusing to join, someone may be in between", false);
    }
    if (fingerprint == null && !isLoopback(server.getHost())) {
      return new Failed("the server " + server + " is not on this machine: pass the cluster CA's fingerprint "
          + "(--ca-fingerprint, printed by gpuhub server) so the agent can tell it from an impostor", false);
    }
    Outcome joined = join(clusterUrl, ca, secret, hostname, ip);
    if (store == null) return joined;
    if (joined instanceof Joined j) {
      store.save(j.identity());
      return joined;
    }
    if (joined instanceof Failed f && !f.retry()) {
      var kept = store.load(hostname, actual);
      if (kept.isPresent()) return new Joined(clusterUrl, kept.get());
    }
    return joined;
  }

  private static Outcome join(URI clusterUrl, X509Certificate ca, String secret, String hostname, String ip) {
    KeyPair keys = Pki.newKeyPair();
    String body = WireJson.mapper().createObjectNode().put("hostname", hostname).put("ip", ip)
        .put("public_key", Pki.pem(keys.getPublic())).toString();
    HttpClient tls = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(TlsIdentity.trustingOnly(ca)).build();
    X509Certificate cert;
    try {
      HttpResponse<String> r = tls.send(HttpRequest.newBuilder(URI.create(base(clusterUrl) + "/join")).timeout(TIMEOUT)
          .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return new Failed("joining at " + clusterUrl + " was refused (" + r.statusCode() + "): " + r.body(),
            r.statusCode() >= 500);
      }
      cert = Pki.readCertificate(WireJson.mapper().readTree(r.body()).path("certificate").asText(null));
      cert.verify(ca.getPublicKey());
    } catch (IOException e) {
      return new Failed("joining at " + clusterUrl + " failed: " + e.getMessage(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failed("interrupted", false);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return new Failed("the certificate the server issued is not usable: " + e.getMessage(), false);
    }
    if (!hostname.equals(Pki.commonName(cert))) {
      return new Failed("the server issued a certificate for " + Pki.commonName(cert) + ", not " + hostname, false);
    }
    return new Joined(clusterUrl, new TlsIdentity(keys.getPrivate(), cert, ca));
  }

  private static String base(URI u) {
    String s = u.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean isLoopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
