package dev.gpuhub.server.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.http.AgentTokenGuard;
import dev.gpuhub.server.http.ApiErrors;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.http.UnauthorizedException;
import dev.gpuhub.wire.tls.JoinToken;
import java.time.Instant;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import dev.gpuhub.wire.WireJson;
import dev.gpuhub.wire.tls.Pki;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * How a node joins the cluster, on the discovery API:
 * <ul>
 *   <li>{@code GET /cluster}: the cluster port's URL (as reached at the host this request named)
 *       and the CA certificate with its fingerprint. Public: an agent on another machine checks
 *       the certificate against the fingerprint it was given; on loopback it may take it as is.</li>
 *   <li>{@code POST /join} with {@code Authorization: Bearer <join secret>} (the shared secret, or
 *       a join token's {@code <id>.<secret>}, which the join uses up once) and
 *       {@code {"hostname", "ip", "public_key" (PEM)}}: the node's certificate, bound to that host
 *       name. Over the cluster port's TLS, or plain HTTP from this machine only, so the join
 *       secret never crosses a network in clear.</li>
 *   <li>{@code POST /nodes/<hostname>/revoke} with the shared secret: the node's certificates are
 *       refused until it joins again, and the {@link Listener} drains it.</li>
 * </ul>
 * And who a heartbeat is from: {@link #nodeCertificate(Context)}.
 */
public final class TrustRoutes {
  static final Set<String> JOIN_FIELDS = Set.of("hostname", "ip", "public_key");
  /** Where Jetty puts the client's certificate chain of a TLS request. */
  static final String CLIENT_CHAIN = "jakarta.servlet.request.X509Certificate";

  private final ClusterAuthority authority;
  private final AgentTokenGuard joinSecret;
  private final java.util.function.IntSupplier clusterPort;

  public TrustRoutes(ClusterAuthority authority, AgentTokenGuard joinSecret, java.util.function.IntSupplier clusterPort) {
    this.authority = authority;
    this.joinSecret = joinSecret;
    this.clusterPort = clusterPort;
  }

  public void install(JavalinConfig c) {
    c.routes.get("/cluster", this::cluster);
    c.routes.post("/join", this::join);
    c.routes.post("/nodes/{hostname}/revoke", this::revoke);
  }

  /** What else happens when a node is revoked or joins. */
  public interface Listener {
    /** The node was revoked: drain it; returns what was done, for the answer. */
    ObjectNode revoked(String hostname);

    /** The node got a new certificate. */
    void joined(String hostname);
  }

  private volatile Listener listener;

  /** Sets what revoking and joining also do (the control plane drains revoked nodes). */
  public void listener(Listener value) {
    this.listener = value;
  }

  private void revoke(Context ctx) {
    joinSecret.require(ctx); // the cluster's shared secret: an administrator on the control plane's machine
    String hostname = ctx.pathParam("hostname");
    boolean joined = authority.revoke(hostname);
    ObjectNode body = WireJson.mapper().createObjectNode().put("hostname", hostname).put("revoked", true)
        .put("had_joined", joined);
    Listener l = listener;
    if (l != null) body.set("drained", l.revoked(hostname));
    ApiErrors.send(ctx, 200, body);
  }

  private void cluster(Context ctx) {
    ObjectNode body = WireJson.mapper().createObjectNode()
        .put("cluster_url", "https://" + hostOf(ctx) + ":" + clusterPort.getAsInt())
        .put("ca_certificate", Pki.pem(authority.ca()))
        .put("ca_fingerprint", authority.fingerprint());
    ApiErrors.send(ctx, 200, body);
  }

  private void join(Context ctx) {
    // The shared secret or a live join token, over TLS or from this machine only.
    String credential = bearer(ctx);
    boolean byToken = !joinSecret.matches(ctx) && credential != null
        && authority.joinTokens().admits(credential, Instant.now());
    if (byToken) AgentTokenGuard.requireSecureTransport(ctx);
    else if (JoinToken.idOfCredential(credential) != null) {
      throw new UnauthorizedException("this join token is unknown, expired or used up: make a new one with "
          + "gpuhub join-token on the control plane's machine");
    } else joinSecret.require(ctx);
    JsonNode json = JsonBodies.read(ctx);
    JsonFields f = JsonFields.of(json, null).acceptOnly(JOIN_FIELDS);
    String hostname = f.requireText("hostname", 253, null, null);
    String ip = f.requireText("ip", 64, null, null);
    PublicKey key;
    try {
      key = Pki.readPublicKey(f.requireText("public_key", 4096, null, null));
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("public_key", e.getMessage());
    }
    X509Certificate cert;
    if (byToken && !authority.joinTokens().redeem(credential, Instant.now())) {
      throw new UnauthorizedException("this join token was used up or expired while the node joined");
    }
    try {
      cert = authority.join(hostname, ip, key);
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException(e.getMessage().startsWith("ip") ? "ip" : "hostname", e.getMessage());
    }
    Listener l = listener;
    if (l != null) l.joined(hostname);
    ApiErrors.send(ctx, 200, WireJson.mapper().createObjectNode()
        .put("certificate", Pki.pem(cert)).put("ca_certificate", Pki.pem(authority.ca())));
  }

  /**
   * The node certificate a request came with over the cluster port, checked against the report's
   * {@code hostname}; null when the request carried no client certificate.
   *
   * @throws ForbiddenResponse (403) when the certificate may not speak for {@code hostname}
   */
  public X509Certificate nodeCertificate(Context ctx, String hostname) {
    Object chain = ctx.req().getAttribute(CLIENT_CHAIN);
    if (!(chain instanceof X509Certificate[] certs) || certs.length == 0) return null;
    String refusal = authority.refusalForNode(certs[0], hostname);
    if (refusal != null) throw new ForbiddenResponse(refusal);
    return certs[0];
  }

  /** True when the request came with a client certificate (over the cluster port). */
  public static boolean hasClientCertificate(Context ctx) {
    return ctx.req().getAttribute(CLIENT_CHAIN) instanceof X509Certificate[] certs && certs.length > 0;
  }

  private static String bearer(Context ctx) {
    String h = ctx.header("Authorization");
    return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
  }

  private static String hostOf(Context ctx) {
    String host = ctx.req().getServerName();
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
