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
import java.nio.file.attribute.PosixFilePermissions;
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
    String url = startServer(token);

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

  @Test
  void aNodeJoinsWithAOneUseTokenAndKeepsItsIdentityAcrossARestart() throws Exception {
    String url = startServer(AgentAuth.generateToken());

    // An administrator makes a one-node token on the control plane's machine, with the server running.
    ProcessBuilder make = java("join-token", "--ttl", "10m");
    make.environment().put("GPUHUB_DATA_DIR", dir.resolve("data").toString());
    Process maker = make.redirectErrorStream(true).start();
    String printed = new String(maker.getInputStream().readAllBytes());
    assertThat(maker.waitFor()).as(printed).isZero();
    String joinToken = printed.lines().findFirst().orElseThrow().strip();
    assertThat(joinToken).matches("[0-9a-f]{6}\\.[0-9a-f]{32}\\.[0-9a-f]{64}");
    assertThat(printed).contains("GPUHUB_JOIN_TOKEN=" + joinToken);

    // The new node joins with it alone: no shared secret, no fingerprint.
    Process c = start(tokenAgent(url, joinToken, "e2e-node-c", dir.resolve("state-c")), "agent-c");
    awaitNode(url, "e2e-node-c", Duration.ofSeconds(20));
    assertThat(Files.readString(dir.resolve("agent-c.log"))).contains("joined the cluster at https://");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state-c/node.key"))))
        .isEqualTo("rw-------");

    // The token was for one node: a second node with it is refused and never appears.
    start(tokenAgent(url, joinToken, "e2e-node-d", dir.resolve("state-d")), "agent-d");
    awaitLog("agent-d", "unknown, expired or used up", Duration.ofSeconds(20));
    assertThat(liveHostnames(url)).doesNotContain("e2e-node-d");

    // The first node restarts with the same, used-up token: it comes back under the identity it kept.
    c.destroy();
    c.waitFor(10, TimeUnit.SECONDS);
    String before = lastUpdated(url, "e2e-node-c");
    assertThat(before).isNotEmpty();
    start(tokenAgent(url, joinToken, "e2e-node-c", dir.resolve("state-c")), "agent-c2");
    long restarted = System.nanoTime();
    while (lastUpdated(url, "e2e-node-c").equals(before) && System.nanoTime() - restarted < Duration.ofSeconds(20).toNanos()) {
      Thread.sleep(250);
    }
    assertThat(lastUpdated(url, "e2e-node-c")).as("heartbeats after the restart; logs:%n%s", logs()).isNotEqualTo(before);

    // A token that is not one is a usage error naming the problem.
    ProcessBuilder bad = tokenAgent(url, "not-a-token", "e2e-node-e", dir.resolve("state-e"));
    Process e = bad.redirectErrorStream(true).start();
    String said = new String(e.getInputStream().readAllBytes());
    assertThat(e.waitFor()).isNotZero();
    assertThat(said).contains("--join").contains("three parts");
  }

  /** Starts {@code gpuhub server} with {@code token} on loopback and returns its discovery URL once it answers. */
  private String startServer(String token) throws Exception {
    clusterToken = token;
    int port = FreePorts.pick();
    ProcessBuilder server = java("server");
    server.environment().put("GPUHUB_AGENT_TOKEN", token);
    server.environment().put("API_PORT", Integer.toString(port));
    server.environment().put("HUB_PORT", Integer.toString(FreePorts.pick()));
    server.environment().put("GPUHUB_BIND", "127.0.0.1");
    server.environment().put("GPUHUB_DATA_DIR", dir.resolve("data").toString());
    server.environment().put("REDIS_EXPIRE_SECONDS", Long.toString(TTL.toSeconds()));
    start(server, "server");
    String url = "http://127.0.0.1:" + port;
    awaitHttp(url + "/health-check", Duration.ofSeconds(60));
    return url;
  }

  private ProcessBuilder tokenAgent(String url, String joinToken, String hostname, Path state) {
    ProcessBuilder pb = java("agent", "--server", url, "--hostname", hostname, "--ip", "127.0.0.1",
        "--interval", "2s", "--api-port", "0", "--docker-host", "unix://" + dir.resolve("no-docker.sock"),
        "--state-dir", state.toString());
    pb.environment().put("GPUHUB_JOIN_TOKEN", joinToken);
    return pb;
  }

  private void awaitNode(String url, String hostname, Duration limit) throws Exception {
    long t0 = System.nanoTime();
    while (!liveHostnames(url).contains(hostname)) {
      assertThat(System.nanoTime() - t0).as("%s available; logs:%n%s", hostname, logs()).isLessThan(limit.toNanos());
      Thread.sleep(200);
    }
  }

  private void awaitLog(String name, String text, Duration limit) throws Exception {
    long t0 = System.nanoTime();
    Path log = dir.resolve(name + ".log");
    while (!Files.exists(log) || !Files.readString(log).contains(text)) {
      assertThat(System.nanoTime() - t0).as("'%s' in %s; logs:%n%s", text, name, logs()).isLessThan(limit.toNanos());
      Thread.sleep(200);
    }
  }

  private String lastUpdated(String url, String hostname) throws Exception {
    for (JsonNode n : get(url + "/available-nodes").get("all_available_nodes")) {
      if (hostname.equals(n.path("hostname").asText())) return n.path("last_updated").asText();
    }
    return "";
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
    pb.environment().remove("GPUHUB_JOIN_TOKEN");
    pb.environment().put("GPUHUB_AGENT_STATE_DIR", dir.resolve("agent-state").toString());
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

  /** The shared token of the server started last: discovery reads need it. */
  private String clusterToken;

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + clusterToken)
        .timeout(Duration.ofSeconds(10)).build(),
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
