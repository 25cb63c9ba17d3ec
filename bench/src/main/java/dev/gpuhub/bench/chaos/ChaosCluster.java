package dev.gpuhub.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.bench.HubBrowser;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.testkit.FreePorts;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.LocalPostgres;
import dev.gpuhub.testkit.LocalRedis;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A whole installation on this machine, each part a real process the suite can break: PostgreSQL
 * (durable store), Redis (live state), a private dockerd with the notebook image, the control plane
 * as {@code java -jar gpuhub.jar server} and one node as {@code java -jar gpuhub.jar agent}. Ports
 * and data stay the same across restarts, as on a lab's machines. Laid out as {@code gpuhub up}
 * lays out a one-machine installation: everything on 127.0.0.1, the hub also on the workload
 * network's gateway for users' servers. {@link #close()} stops everything and deletes what it made.
 */
final class ChaosCluster implements AutoCloseable {
  static final String NODE = "chaos-node";
  private static final Pattern FINGERPRINT = Pattern.compile("CA (sha256:[0-9a-fA-F]+)");
  private static final Duration START_LIMIT = Duration.ofSeconds(90);

  final Path dir;
  final Duration interval;
  final int ttlSeconds;
  final LocalPostgres pg;
  final LocalRedis redis;
  final LocalDockerd dockerd;
  final String image;
  final String nodeIp;
  private final Path jar;
  private final int maxContainers;
  private final String clusterToken = AgentAuth.generateToken();
  private final Map<String, String> hubEnv = new HashMap<>();
  private final int agentApiPort = FreePorts.pick();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process hub;
  private Process agent;
  private String fingerprint;
  private String adminToken;

  private ChaosCluster(Path dir, Path jar, Duration interval, int ttlSeconds, int maxContainers,
                       LocalPostgres pg, LocalRedis redis, LocalDockerd dockerd) {
    this.dir = dir;
    this.jar = jar;
    this.interval = interval;
    this.ttlSeconds = ttlSeconds;
    this.maxContainers = maxContainers;
    this.pg = pg;
    this.redis = redis;
    this.dockerd = dockerd;
    this.image = TestImages.notebook(dockerd);
    try (DockerContainerRuntime runtime = DockerContainerRuntime.connect(dockerd.dockerHost())) {
      this.nodeIp = runtime.workloadGateway();
    }
  }

  /**
   * Starts every part and waits until the node reports; the node takes {@code maxContainers}
   * servers, its agent heartbeats every {@code interval}, and live state forgets a silent node after
   * {@code ttlSeconds}.
   */
  static ChaosCluster start(Path dir, Path jar, Duration interval, int ttlSeconds, int maxContainers) throws Exception {
    if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " not found: build it with ./gpuhub --help");
    LocalPostgres pg = LocalPostgres.start();
    LocalRedis redis = null;
    LocalDockerd dockerd = null;
    try {
      redis = LocalRedis.start();
      dockerd = LocalDockerd.start();
      ChaosCluster c = new ChaosCluster(dir, jar, interval, ttlSeconds, maxContainers, pg, redis, dockerd);
      try {
        c.configure();
        c.startHub();
        c.startAgent();
        c.awaitNodes(1, START_LIMIT);
        return c;
      } catch (Exception | Error e) {
        c.close();
        throw e;
      }
    } catch (Exception | Error e) {
      if (dockerd != null) dockerd.close();
      if (redis != null) redis.close();
      pg.close();
      throw e;
    }
  }

  private void configure() throws IOException {
    Files.createDirectories(dir);
    hubEnv.put("GPUHUB_AGENT_TOKEN", clusterToken);
    hubEnv.put("API_PORT", Integer.toString(FreePorts.pick()));
    hubEnv.put("HUB_PORT", Integer.toString(FreePorts.pick()));
    hubEnv.put("GPUHUB_CLUSTER_PORT", Integer.toString(FreePorts.pick()));
    hubEnv.put("GPUHUB_BIND", "127.0.0.1");
    hubEnv.put("GPUHUB_HUB_WORKLOAD_BIND", nodeIp);
    hubEnv.put("GPUHUB_DATA_DIR", dir.resolve("data").toString());
    hubEnv.put("GPUHUB_ADMIN_USERS", "admin");
    hubEnv.put("GPUHUB_SIGNUPS_PER_ADDRESS", "100000");
    hubEnv.put("GPUHUB_CPU_IMAGE", image);
    hubEnv.put("GPUHUB_GPU_IMAGE", image);
    hubEnv.put("GPUHUB_START_TIMEOUT_SECONDS", "120");
    // servers from the command template, the proxy adding each server's token: users' API tokens
    // open their servers through the hub (a jupyterhub-singleuser server wants its OAuth cookie)
    hubEnv.put("GPUHUB_NOTEBOOK_COMMAND", dev.gpuhub.server.hub.spawn.SpawnerConfig.NOTEBOOK_COMMAND);
    hubEnv.put("GPUHUB_SWEEP_SECONDS", "1");
    hubEnv.put("GPUHUB_PLACEMENT_TICK_MILLIS", "500");
    hubEnv.putAll(pg.storeEnv(pg.database()));
    hubEnv.put("GPUHUB_LIVE", "redis");
    hubEnv.put("REDIS_HOST", redis.host());
    hubEnv.put("REDIS_PORT", Integer.toString(redis.port()));
    hubEnv.put("REDIS_EXPIRE_SECONDS", Integer.toString(ttlSeconds));
  }

  String hubUrl() {
    return "http://127.0.0.1:" + hubEnv.get("HUB_PORT");
  }

  String discoveryUrl() {
    return "http://127.0.0.1:" + hubEnv.get("API_PORT");
  }

  /** Starts {@code gpuhub server}, waits until the hub answers, and (first time) signs the admin up. */
  synchronized void startHub() throws Exception {
    if (hub != null && hub.isAlive()) throw new IllegalStateException("the control plane is running");
    hub = launch(List.of("-Xmx768m", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString(), "server"), hubEnv,
        dir.resolve("server.log"));
    awaitHttp(hubUrl() + "/hub/api/", hub, dir.resolve("server.log"));
    if (fingerprint == null) {
      Matcher m = FINGERPRINT.matcher(Files.readString(dir.resolve("server.log")));
      if (!m.find()) throw new IllegalStateException("the server printed no CA fingerprint: " + logTail("server.log"));
      fingerprint = m.group(1);
    }
    if (adminToken == null) adminToken = signUpAdmin();
  }

  /** SIGKILL of the control plane: no shutdown hook runs, nothing is flushed. */
  synchronized void killHub() throws InterruptedException {
    hub.destroyForcibly();
    hub.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM of the control plane; returns the seconds it took to exit (or -1 when it outlived {@code limit}). */
  synchronized double stopHub(Duration limit) throws InterruptedException {
    long t0 = System.nanoTime();
    hub.destroy();
    boolean exited = hub.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      hub.destroyForcibly();
      hub.waitFor(30, TimeUnit.SECONDS);
      return -1;
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Starts {@code gpuhub agent} for the node, on the same node API port and identity as before. */
  synchronized void startAgent() throws IOException {
    if (agent != null && agent.isAlive()) throw new IllegalStateException("the agent is running");
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_AGENT_TOKEN", clusterToken);
    env.put("GPUHUB_CA_FINGERPRINT", fingerprint);
    agent = launch(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString(), "agent",
        "--server", discoveryUrl(), "--hostname", NODE, "--ip", "127.0.0.1", "--interval", interval.toMillis() + "ms",
        "--cpu-sample", "200ms", "--docker-host", dockerd.dockerHost(), "--api-port", Integer.toString(agentApiPort),
        "--max-containers", Integer.toString(maxContainers), "--state-dir", dir.resolve("agent").toString()),
        env, dir.resolve("agent.log"));
  }

  /** SIGKILL of the agent; users' containers keep running in dockerd. */
  synchronized void killAgent() throws InterruptedException {
    agent.destroyForcibly();
    agent.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGSTOP (true) or SIGCONT (false) of the agent: a node that goes silent, then comes back. */
  synchronized void freezeAgent(boolean frozen) throws Exception {
    Process p = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(agent.pid())).inheritIO().start();
    if (p.waitFor() != 0) throw new IllegalStateException("kill " + (frozen ? "-STOP" : "-CONT") + " failed");
  }

  /** An API token of the hub's administrator: discovery reads and every user's server. */
  String adminToken() {
    return adminToken;
  }

  private String signUpAdmin() throws Exception {
    HubBrowser admin = new HubBrowser(hubUrl());
    String password = "chaos-admin-" + Long.toHexString(System.nanoTime());
    String secret = Files.readString(dir.resolve("data").resolve(dev.gpuhub.server.hub.auth.AdminSetup.FILE)).strip();
    int status = admin.signUpAdmin("admin", password, secret);
    if (status != 302) throw new IllegalStateException("admin sign-up answered " + status);
    if (admin.logIn("admin", password) != 302) throw new IllegalStateException("admin login failed");
    return admin.token("admin");
  }

  /**
   * Lowers every CPU profile's guarantees to 0.05 core and 0.25 GB and lifts the usage limits: this
   * 2-core machine runs the suite itself besides the servers.
   */
  void shrinkProfiles() throws Exception {
    TokenClient admin = new TokenClient(hubUrl(), adminToken);
    for (JsonNode p : admin.json("/hub/api/profiles")) {
      if (p.path("gpu_count").asInt(0) > 0) continue; // this node has no GPU: such a profile is refused any change
      HttpResponse<String> r = admin.call("PATCH", "/hub/api/profiles/" + p.path("name").asText(),
          "{\"cpu_guarantee\":0.05,\"mem_guarantee\":0.25,\"cpu_limit\":1,\"mem_limit\":1,"
          + "\"max_cpu_usage\":100,\"max_memory_usage\":100}");
      if (r.statusCode() != 200) throw new IllegalStateException("PATCH /hub/api/profiles: " + r.statusCode() + " " + r.body());
    }
  }

  /**
   * A discovery call with the cluster's credential (over loopback, as the local agent sends it: it
   * needs no database, unlike an API token); throws on anything but 200.
   */
  JsonNode discovery(String method, String path, String body) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(discoveryUrl() + path))
        .header("Authorization", "Bearer " + clusterToken).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    if (r.statusCode() != 200) throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
    return WireJson.mapper().readTree(r.body());
  }

  /** How many nodes the control plane offers for placement now. */
  int availableNodes() throws Exception {
    return discovery("GET", "/available-nodes?count=1", null).path("total_available_nodes").asInt();
  }

  /** Waits until {@code count} nodes are available. */
  void awaitNodes(int count, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (availableNodes() == count) return;
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(count + " node(s) not available within " + limit.toSeconds() + " s"
        + (last == null ? "" : " (" + last.getMessage() + ")") + "; agent log: " + logTail("agent.log"));
  }

  /** Users whose server containers exist in dockerd, running or not, by container name. */
  List<String> serverContainers(boolean runningOnly) {
    String out = runningOnly ? dockerd.docker("ps", "--filter", "label=gpuhub.user", "--format", "{{.Label \"gpuhub.user\"}}")
        : dockerd.docker("ps", "-a", "--filter", "label=gpuhub.user", "--format", "{{.Label \"gpuhub.user\"}}");
    return out.isBlank() ? List.of() : List.of(out.strip().split("\\s+"));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String logTail(String name) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(name));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no " + name + ")";
    }
  }

  private static Process launch(List<String> args, Map<String, String> env, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  private void awaitHttp(String url, Process process, Path log) throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("exited with " + process.exitValue() + ": " + logTail(log.getFileName().toString()));
      try {
        if (send(HttpRequest.newBuilder(URI.create(url))).statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(url + " did not answer within " + START_LIMIT.toSeconds() + " s: "
        + logTail(log.getFileName().toString()));
  }

  @Override
  public void close() {
    try {
      if (agent != null) {
        agent.destroyForcibly();
        agent.onExit().join();
      }
      if (hub != null) {
        hub.destroyForcibly();
        hub.onExit().join();
      }
    } finally {
      try {
        dockerd.close();
      } finally {
        try {
          redis.close();
        } finally {
          pg.close();
        }
      }
    }
  }
}
