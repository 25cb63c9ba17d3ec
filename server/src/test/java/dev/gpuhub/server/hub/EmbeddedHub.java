package dev.gpuhub.server.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.server.hub.auth.HubUser;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A control plane with its hub on 127.0.0.1 (embedded store, no nodes), called over HTTP with API
 * tokens: for tests of hub routes that need no running server.
 */
public final class EmbeddedHub implements AutoCloseable {
  public final ControlPlane plane;
  private final String agentToken = AgentAuth.generateToken();
  private final HttpClient http = HttpClient.newHttpClient();

  public EmbeddedHub(Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_AGENT_TOKEN", agentToken);
    env.put("API_PORT", "0");
    env.put("HUB_PORT", "0");
    env.put("GPUHUB_BIND", "127.0.0.1");
    env.put("GPUHUB_DATA_DIR", dataDir.toString());
    plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env));
  }

  /** Makes a user (no password) and returns an API token with all of their rights. */
  public String user(String name, boolean admin) {
    HubUser u = plane.hub().auth().accounts().create(name, null, admin);
    return plane.hub().auth().accounts().createToken(u, "test", null).token();
  }

  /** A hub call with {@code token}; {@code body} JSON or null. */
  public HttpResponse<String> hub(String method, String path, String token, String body) {
    return call(method, plane.hub().url() + path, "token " + token, body);
  }

  /** A discovery API call with the cluster's credentials. */
  public HttpResponse<String> discovery(String method, String path, String body) {
    return call(method, plane.discoveryUrl() + path, "Bearer " + agentToken, body);
  }

  private HttpResponse<String> call(String method, String url, String auth, String body) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode json(HttpResponse<String> r) {
    try {
      return WireJson.mapper().readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(r.body(), e);
    }
  }

  @Override
  public void close() {
    plane.close();
  }
}
