package dev.gpuhub.agent.heartbeat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one heartbeat: {@code POST <server>/register-node} with the report as JSON (seed field
 * names), {@code Authorization: Bearer <token>} and a fresh nonce, and checks the server's proof
 * (see {@link AgentAuth}). {@link #send(NodeReport)} never throws for network or server trouble; it
 * returns a {@link HeartbeatResult}. Redirects are not followed, so the token never leaves for
 * another address. Once the node joined the cluster ({@link #overTls}), heartbeats go to the
 * cluster port over mutual TLS instead: the node's certificate says who sends them, the cluster CA
 * proves the server, and no token is sent.
 */
public final class HeartbeatClient {
  /** The discovery service's heartbeat endpoint (SPEC §3). */
  public static final String REGISTER_PATH = "/register-node";
  /** Connect and answer timeout of one heartbeat. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** Where the token comes from, named in errors. */
  public static final String TOKEN_SOURCE = "GPUHUB_AGENT_TOKEN";
  /** Longest answer body quoted in a result. */
  private static final int MAX_BODY_CHARS = 300;

  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatClient.class);

  private final URI server;
  private volatile URI endpoint;
  private final String token;
  private volatile HttpClient http;
  private volatile boolean tls;

  /**
   * @param server the server's base URL (http or https); a path prefix is kept
   * @param token  the shared agent token, already validated
   */
  public HeartbeatClient(URI server, String token) {
    this.server = server;
    this.endpoint = registerEndpoint(server);
    this.token = token;
    this.http = HttpClient.newBuilder()
        .connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** From now on, heartbeats go to {@code clusterUrl} over mutual TLS with {@code context}. */
  public void overTls(URI clusterUrl, javax.net.ssl.SSLContext context) {
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(context).build();
    this.endpoint = registerEndpoint(clusterUrl);
    this.tls = true;
  }

  /** {@code base} + {@value #REGISTER_PATH}, a path prefix kept. */
  private static URI registerEndpoint(URI base) {
    String s = base.toString();
    return URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + REGISTER_PATH);
  }

  /** The URL heartbeats go to. */
  public URI endpoint() {
    return endpoint;
  }

  /** Posts {@code report}; blocks at most about {@link #TIMEOUT} twice (connect, then answer). */
  public HeartbeatResult send(NodeReport report) {
    String nonce = AgentAuth.newNonce();
    boolean secure = tls;
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(toJson(report)));
    if (!secure) b.header("Authorization", "Bearer " + token).header(AgentAuth.NONCE_HEADER, nonce);
    HttpRequest request = b.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return HeartbeatResult.error("server at " + server + " is not reachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HeartbeatResult.error("interrupted while sending the heartbeat");
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      if (status == 401 || status == 403) {
        LOG.error("server at {} rejected this agent's token (HTTP {}): set {} to the token the server uses",
            server, status, TOKEN_SOURCE);
      }
      return new HeartbeatResult(HeartbeatResult.Outcome.HTTP_ERROR, status, truncate(response.body()));
    }
    if (secure) return HeartbeatResult.ok(status); // the cluster CA proved the server in the handshake
    String proof = response.headers().firstValue(AgentAuth.PROOF_HEADER).orElse(null);
    if (!AgentAuth.proofMatches(token, nonce, proof)) {
      LOG.error("server at {} could not prove it knows {} ({} {}): check that --server points at the gpuhub "
          + "server and that both sides use the same token", server, TOKEN_SOURCE, AgentAuth.PROOF_HEADER,
          proof == null ? "missing" : "wrong");
      return new HeartbeatResult(HeartbeatResult.Outcome.BAD_PROOF, status, "");
    }
    return HeartbeatResult.ok(status);
  }

  private static String toJson(NodeReport report) {
    try {
      return WireJson.mapper().writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not serialise the node report", e);
    }
  }

  private static String truncate(String body) {
    String s = body == null ? "" : body.strip();
    return s.length() <= MAX_BODY_CHARS ? s : s.substring(0, MAX_BODY_CHARS) + "...";
  }
}
