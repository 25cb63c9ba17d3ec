package dev.gpuhub.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A control plane on a free loopback port with an HTTP client for tests. */
final class RunningServer implements AutoCloseable {
  final String token = AgentAuth.generateToken();
  final ControlPlane plane;
  final String url;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningServer(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("GPUHUB_AGENT_TOKEN", token);
    all.putIfAbsent("API_PORT", "0");
    all.putIfAbsent("GPUHUB_BIND", "127.0.0.1");
    all.putIfAbsent("HUB_PORT", "0");
    plane = ControlPlane.start(ServerConfig.fromEnv(all), StoreConfig.fromEnv(all));
    url = plane.discoveryUrl();
  }

  /** Embedded H2 in {@code dataDir} and in-memory live state, plus {@code extra} settings. */
  static RunningServer embedded(Path dataDir, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("GPUHUB_DATA_DIR", dataDir.toString());
    return new RunningServer(env);
  }

  static RunningServer withEnv(Map<String, String> env) {
    return new RunningServer(env);
  }

  /** A GET with the cluster's token, as an agent or an operator's script reads. */
  HttpResponse<String> get(String path) {
    return send(authed(path).GET());
  }

  /** A GET without any credential, as anyone on the network could send. */
  HttpResponse<String> getAnonymous(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  HttpResponse<String> post(String path, String body) {
    return send(authed(path).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> postBytes(String path, byte[] body) {
    return send(authed(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<String> put(String path, String body) {
    return send(authed(path).PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> putBytes(String path, byte[] body) {
    return send(authed(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<String> delete(String path) {
    return send(authed(path).DELETE());
  }

  HttpResponse<String> postWithoutToken(String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpRequest.Builder authed(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return WireJson.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  /** Waits until every heartbeat accepted so far is in the durable store. */
  void flushWrites() {
    try {
      if (!plane.writer().flush(Duration.ofSeconds(10))) throw new AssertionError("writer did not flush in 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    plane.close();
  }
}
