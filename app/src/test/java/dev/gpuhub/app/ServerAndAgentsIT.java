package dev.gpuhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.testkit.FreePorts;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the packaged jar: {@code gpuhub server} plus two {@code gpuhub agent} processes
 * with different host names, as separate JVMs on this machine. Both nodes must be available within
 * one heartbeat interval (15 s, the seed's); a killed agent's node must vanish after the TTL.
 */
class ServerAndAgentsIT {
  private static final Duration INTERVAL = Duration.ofSeconds(15);
  private static final Duration TTL = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopAll() throws Exception {
    for (Process p : processes) p.destroy();
    for (Process p : processes) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  @Test
  void twoAgentsAppearWithinOneIntervalAndAKilledOneExpiresAfterTheTtl() throws Exception {
    String token = AgentAuth.generateToken();
    int port = FreePorts.pick();
    String url = "http://127.0.0.1:" + port;

    ProcessBuilder server = java("server");
    server.environment().put("GPUHUB_AGENT_TOKEN", token);
    server.environment().put("API_PORT", Integer.toString(port));
    server.environment().put("HUB_PORT", Integer.toString(FreePorts.pick()));
    server.environment().put("GPUHUB_BIND", "127.0.0.1");
    server.environment().put("GPUHUB_DATA_DIR", dir.resolve("data").toString());
    server.environment().put("REDIS_EXPIRE_SECONDS", Long.toString(TTL.toSeconds()));
    start(server, "server");
    awaitHttp(url + "/health-check", Duration.ofSeconds(60));

    long launched = System.nanoTime();
    Process a = start(agent(url, token, "e2e-node-a"), "agent-a");
    start(agent(url, token, "e2e-node-b"), "agent-b");
    List<String> live = List.of();
    while (System.nanoTime() - launched < INTERVAL.toNanos()) {
      live = liveHostnames(url);
      if (live.containsAll(List.of("e2e-node-a", "e2e-node-b"))) break;
      Thread.sleep(200);
    }
    Duration appeared = Duration.ofNanos(System.nanoTime() - launched);
    assertThat(live).as("both agents available within one interval; logs:%n%s", logs()).contains("e2e-node-a", "e2e-node-b");
    System.out.println("ServerAndAgentsIT: both nodes available " + appeared.toMillis() + " ms after the agents were launched");

    // Kill agent a: it stays available until its TTL runs out, then disappears; b stays.
    a.destroyForcibly().waitFor();
    long killed = System.nanoTime();
    assertThat(liveHostnames(url)).contains("e2e-node-a");
    while (liveHostnames(url).contains("e2e-node-a") && System.nanoTime() - killed < TTL.plusSeconds(10).toNanos()) {
      Thread.sleep(250);
    }
    Duration gone = Duration.ofNanos(System.nanoTime() - killed);
    List<String> after = liveHostnames(url);
    assertThat(after).as("a expired, b still reporting").doesNotContain("e2e-node-a").contains("e2e-node-b");
    assertThat(gone).isLessThanOrEqualTo(TTL.plusSeconds(2));
    System.out.println("ServerAndAgentsIT: killed agent's node gone " + gone.toMillis() + " ms after the kill (TTL " + TTL.toSeconds() + " s)");

    JsonNode all = get(url + "/all-nodes");
    assertThat(all.get("nodes").findValuesAsText("hostname")).contains("e2e-node-a", "e2e-node-b");
    JsonNode b = get(url + "/available-nodes").get("all_available_nodes").get(0);
    for (String field : List.of("hostname", "ip", "cpu_cores", "ram_gb", "cpu_usage_percent", "memory_usage_percent",
        "disk_usage_percent", "has_gpu", "gpu_info", "max_containers", "is_active", "total_containers",
        "active_jupyterlab", "active_ray", "last_updated", "load_score")) {
      assertThat(b.has(field)).as("payload field " + field).isTrue();
    }
  }

  private ProcessBuilder agent(String url, String token, String hostname) {
    ProcessBuilder pb = java("agent", "--server", url, "--hostname", hostname, "--ip", "127.0.0.1",
        "--interval", INTERVAL.toSeconds() + "s", "--api-port", "0", "--docker-host", "unix://" + dir.resolve("no-docker.sock"));
    pb.environment().put("GPUHUB_AGENT_TOKEN", token);
    return pb;
  }

  private ProcessBuilder java(String... args) {
    Path jar = Path.of("target", "gpuhub.jar").toAbsolutePath();
    assertThat(jar).as("packaged jar (failsafe runs after package)").exists();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("GPUHUB_AGENT_TOKEN");
    return pb;
  }

  private Process start(ProcessBuilder pb, String name) throws IOException {
    File log = dir.resolve(name + ".log").toFile();
    Process p = pb.redirectErrorStream(true).redirectOutput(log).start();
    processes.add(p);
    return p;
  }

  private String logs() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        sb.append("== ").append(f.getFileName()).append('\n').append(Files.readString(f));
      }
    }
    return sb.toString();
  }

  private List<String> liveHostnames(String url) throws Exception {
    return get(url + "/available-nodes").get("all_available_nodes").findValuesAsText("hostname");
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return WireJson.mapper().readTree(r.body());
  }

  private void awaitHttp(String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError("server did not answer " + url + " within " + timeout + "; logs:\n" + logs());
  }
}
