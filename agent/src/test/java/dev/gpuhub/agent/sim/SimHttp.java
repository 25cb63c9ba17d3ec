package dev.gpuhub.agent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** HTTP helpers of the simulation tests: the control plane's calls to a node API and the hub's status probe. */
final class SimHttp {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private SimHttp() {}

  static HttpResponse<String> get(URI url, String token) {
    return send(request(url, token).GET());
  }

  static HttpResponse<String> post(URI url, String token, String json) {
    return send(request(url, token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  static HttpResponse<String> delete(URI url, String token) {
    return send(request(url, token).DELETE());
  }

  /** The hub's readiness probe of a user's server. */
  static HttpResponse<String> status(String ip, int port, String user) {
    return get(URI.create("http://" + ip + ":" + port + "/user/" + user + "/api/status"), null);
  }

  static JsonNode json(String body) {
    try {
      return WireJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  /** A container spec as the control plane posts it, with GPUHUB_PORT. */
  static String spec(String name, int port, double cpus, long memoryBytes) {
    return "{\"name\": \"" + name + "\", \"image\": \"gpuhub-notebook:latest\", \"command\": [\"start-notebook.sh\"],"
        + " \"env\": {\"GPUHUB_PORT\": \"" + port + "\", \"JUPYTERHUB_USER\": \"alice\"},"
        + " \"labels\": {\"gpuhub.user\": \"alice\"}, \"cpus\": " + cpus + ", \"memory_bytes\": " + memoryBytes + "}";
  }

  static int freePort(String ip) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void await(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static HttpRequest.Builder request(URI url, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return b;
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
