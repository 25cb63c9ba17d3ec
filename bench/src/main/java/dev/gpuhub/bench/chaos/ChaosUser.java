package dev.gpuhub.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.bench.HubBrowser;
import dev.gpuhub.bench.KernelChannel;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A user of the hub with an API token: signs up, starts and stops the default server (single-cpu),
 * keeps a file in its home and runs code in a kernel, all through the hub.
 */
final class ChaosUser {
  static final String FILE = "chaos-proof.txt";

  final String name;
  final String password;
  private final TokenClient api;
  private String kernelId;

  private ChaosUser(String name, String password, TokenClient api) {
    this.name = name;
    this.password = password;
    this.api = api;
  }

  /** Signs {@code name} up with the form, logs in and makes an API token. */
  static ChaosUser signUp(String hubUrl, String name) throws Exception {
    String password = name + "-password-" + Long.toHexString(System.nanoTime());
    HubBrowser b = new HubBrowser(hubUrl);
    int status = b.signUp(name, password);
    if (status != 302) throw new IllegalStateException("sign-up of " + name + " answered " + status);
    if (b.logIn(name, password) != 302) throw new IllegalStateException("login of " + name + " failed");
    return new ChaosUser(name, password, new TokenClient(hubUrl, b.token(name)));
  }

  /** Asks for the default server on the single-cpu profile; returns the status (201, 202 or an error). */
  HttpResponse<String> requestServer() throws IOException, InterruptedException {
    return api.call("POST", "/hub/api/users/" + name + "/server", "{\"profile\":\"single-cpu\"}");
  }

  /** The server's status as the hub shows it, or null when the user has none. */
  JsonNode server() throws IOException, InterruptedException {
    HttpResponse<String> r = api.call("GET", "/hub/api/users/" + name + "/server", null);
    if (r.statusCode() == 404) return null;
    if (r.statusCode() != 200) throw new IOException("server status: " + r.statusCode() + " " + r.body());
    return WireJson.mapper().readTree(r.body());
  }

  /** The user's place in the placement queue, 0 when not waiting. */
  int queuePosition() throws IOException, InterruptedException {
    JsonNode s = server();
    return s == null ? 0 : s.path("queue").path("position").asInt(0);
  }

  /**
   * Starts the server and waits until it is ready; returns null when it is, else what went wrong
   * (its state and failure reason, or the refusal).
   */
  String startAndAwaitReady(Duration limit) throws Exception {
    HttpResponse<String> r = requestServer();
    if (r.statusCode() != 201 && r.statusCode() != 202) return "start answered " + r.statusCode() + " " + r.body();
    return awaitReady(limit);
  }

  /** Waits until the server is ready; null when it is, else its last state and failure reason. */
  String awaitReady(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    JsonNode s = null;
    while (System.nanoTime() < deadline) {
      try {
        s = server();
      } catch (IOException e) {
        s = null; // the hub is away for a moment: keep waiting
      }
      if (SteadyLoad.ready(s)) return null;
      if (s != null && (s.path("state").asText().equals("failed") || s.path("state").asText().equals("stopped"))) {
        return "server " + s.path("state").asText() + ": " + s.path("failure_reason").asText("");
      }
      Thread.sleep(250);
    }
    return "not ready within " + limit.toSeconds() + " s (last: " + s + ")";
  }

  /** Stops the server (or leaves the queue) and waits until the hub shows none running. */
  void stopAndAwaitGone(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode s = server();
        String state = s == null ? "none" : s.path("state").asText();
        if (state.equals("none") || state.equals("stopped") || state.equals("failed")) return;
        if (!state.equals("stopping")) api.call("DELETE", "/hub/api/users/" + name + "/server", null);
      } catch (IOException e) {
        // the hub is away for a moment
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + "'s server did not stop within " + limit.toSeconds() + " s");
  }

  /** Saves {@link #FILE} with {@code content} in the home, through the hub's proxy. */
  void writeFile(String content) throws Exception {
    HttpResponse<String> r = api.call("PUT", "/user/" + name + "/api/contents/" + FILE,
        "{\"type\":\"file\",\"format\":\"text\",\"content\":\"" + content + "\"}");
    if (r.statusCode() != 200 && r.statusCode() != 201) throw new IOException("saving " + FILE + ": " + r.statusCode() + " " + r.body());
  }

  /** {@link #FILE}'s content read through the hub's proxy, or null when the server does not serve it. */
  String readFile() throws IOException, InterruptedException {
    HttpResponse<String> r = api.call("GET", "/user/" + name + "/api/contents/" + FILE, null);
    if (r.statusCode() != 200) return null;
    return WireJson.mapper().readTree(r.body()).path("content").asText(null);
  }

  /** A channel to the user's kernel, started now when the server has none of ours yet (or lost it). */
  KernelChannel openKernel() throws Exception {
    if (kernelId == null || api.call("GET", "/user/" + name + "/api/kernels/" + kernelId, null).statusCode() != 200) {
      HttpResponse<String> r = api.call("POST", "/user/" + name + "/api/kernels", "{}");
      if (r.statusCode() != 201 && r.statusCode() != 200) throw new IOException("starting a kernel: " + r.statusCode() + " " + r.body());
      kernelId = WireJson.mapper().readTree(r.body()).path("id").asText();
    }
    String ws = api.base.replaceFirst("^http", "ws") + "/user/" + name + "/api/kernels/" + kernelId + "/channels";
    return KernelChannel.open(ws, "token " + api.token, Duration.ofSeconds(5));
  }
}
