package dev.gpuhub.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.agent.sim.SimulatedCluster;
import dev.gpuhub.agent.sim.SimulatedNodeSpec;
import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.testkit.FreePorts;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A real control plane and hub (embedded store) over simulated GPU nodes in this JVM, whose job
 * containers run the reference trainer as local processes ({@link TrainerProcesses}). Users call
 * the hub with API tokens the admin created for them.
 */
final class JobsHub implements AutoCloseable {
  /** The reference trainer, from the app module's directory (where tests run). */
  static final Path TRAINER = Path.of("..", "scripts", "reference-trainer.py").toAbsolutePath().normalize();

  final String agentToken = AgentAuth.generateToken();
  ControlPlane plane;
  private final Map<String, String> env = new HashMap<>();
  final SimulatedCluster cluster;
  final List<TrainerProcesses> trainers = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, String> tokens = new HashMap<>();

  JobsHub(Path dir, int nodes, String spec, int intervalSeconds) {
    this(dir, nodes, spec, intervalSeconds, Map.of());
  }

  /** @param extraEnv settings of the control plane that replace or add to this hub's */
  JobsHub(Path dir, int nodes, String spec, int intervalSeconds, Map<String, String> extraEnv) {
    env.put("GPUHUB_AGENT_TOKEN", agentToken);
    env.put("GPUHUB_CLUSTER_PORT", Integer.toString(FreePorts.pick())); // the same after a restart: agents keep it
    env.put("API_PORT", Integer.toString(FreePorts.pick()));
    env.put("HUB_PORT", Integer.toString(FreePorts.pick()));
    env.put("GPUHUB_BIND", "127.0.0.1");
    env.put("GPUHUB_DATA_DIR", dir.resolve("data").toString());
    env.put("GPUHUB_ADMIN_USERS", "admin");
    env.put("GPUHUB_SIGNUPS_PER_ADDRESS", "100000");
    env.put("GPUHUB_PLACEMENT_TICK_MILLIS", "200");
    env.put("GPUHUB_JOB_INTERVAL_SECONDS", Integer.toString(intervalSeconds));
    env.put("GPUHUB_JOB_CHECKPOINT_ROOT", dir.resolve("checkpoints").toString());
    env.put("GPUHUB_HOMES", "none"); // the trainers run as local processes here: checkpoints go under the test's root
    env.put("GPUHUB_JOB_REPLICA_MEMORY_GB", "1");
    env.put("GPUHUB_JOB_IMAGES", "trainer:1");
    env.put("GPUHUB_JOB_REFIT_SECONDS", "1"); // jobs live seconds here: refit as often as they report
    env.put("GPUHUB_JOB_RESTART_DELAY_SECONDS", "1"); // jobs live seconds here, not hours
    env.put("GPUHUB_CULL_INTERVAL_SECONDS", "1"); // the notebook reconciler runs often and must leave job containers alone
    env.putAll(extraEnv);
    plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env));
    cluster = SimulatedCluster.start(plane.discoveryUrl(), agentToken, nodes, SimulatedNodeSpec.parse(spec), Duration.ofSeconds(1));
    for (String h : cluster.hostnames()) {
      TrainerProcesses t = new TrainerProcesses(cluster.runtime(h), dir.resolve("trainer-logs"));
      cluster.runtime(h).addListener(t);
      trainers.add(t);
    }
    await("all simulated nodes report", Duration.ofSeconds(30), () -> plane.discovery().liveNodes().size() == nodes);
    tokens.put("admin", adminToken(dir.resolve("data")));
  }

  /**
   * Stops the control plane (the simulated nodes, their containers and the trainers keep running),
   * lets {@code whileDown} change its stores (none when null), as a crash could have left them, and
   * starts it again on the same ports and data; returns once every node reports again.
   */
  void restartControlPlane(java.util.function.Consumer<dev.gpuhub.store.Stores> whileDown) {
    int nodes = cluster.hostnames().size();
    plane.close();
    if (whileDown != null) {
      try (dev.gpuhub.store.Stores stores = dev.gpuhub.store.Stores.open(StoreConfig.fromEnv(env))) {
        whileDown.accept(stores);
      }
    }
    plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env));
    await("all simulated nodes report again", Duration.ofSeconds(30), () -> plane.discovery().liveNodes().size() == nodes);
  }

  /** Whether replica 0 of {@code job} logged a resume from a checkpoint past the start. */
  boolean resumedAbove0(long job) {
    try {
      for (TrainerProcesses t : trainers) {
        for (Path log : t.logsOf("gpuhub-job-" + job + "-0")) {
          String text = java.nio.file.Files.readString(log);
          if (text.contains("resuming at progress") && !text.contains("resuming at progress 0.0 ")) return true;
        }
      }
      return false;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Every GPU is held by at most one reservation and used by at most one running container (fails the test otherwise). */
  void checkNoGpuHeldTwice() {
    java.util.Set<String> held = new java.util.HashSet<>();
    for (dev.gpuhub.core.allocation.Reservation r : plane.discovery().placement().reservations()) {
      for (String g : r.gpuUuids()) {
        if (!held.add(g)) throw new AssertionError("GPU " + g + " held twice");
      }
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    for (String h : cluster.hostnames()) {
      for (dev.gpuhub.runtime.ContainerSpec s : cluster.runningContainers(h)) {
        for (String g : s.gpuDeviceUuids()) {
          if (!used.add(g)) throw new AssertionError("GPU " + g + " used by two containers");
        }
      }
    }
  }

  String hubUrl() {
    return plane.hub().url();
  }

  /** Creates users and an API token for each. */
  void createUsers(String... names) {
    StringBuilder json = new StringBuilder("{\"usernames\":[");
    for (int i = 0; i < names.length; i++) json.append(i == 0 ? "" : ",").append('"').append(names[i]).append('"');
    HttpResponse<String> r = call("admin", "POST", "/hub/api/users", json.append("]}").toString());
    if (r.statusCode() != 201) throw new AssertionError("creating users: " + r.statusCode() + " " + r.body());
    for (String name : names) {
      HttpResponse<String> t = call("admin", "POST", "/hub/api/users/" + name + "/tokens", "{\"note\":\"jobs IT\"}");
      tokens.put(name, json(t, 201).path("token").asText());
    }
  }

  String token(String user) {
    return tokens.get(user);
  }

  /** A hub API call as {@code user} (API token; no XSRF needed). */
  HttpResponse<String> call(String user, String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hubUrl() + path)).header("Content-Type", "application/json");
    if (user != null) b.header("Authorization", "token " + tokens.get(user));
    return send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A report as a replica sends it. */
  HttpResponse<String> report(long job, String reportToken, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hubUrl() + "/hub/api/jobs/" + job + "/report"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (reportToken != null) b.header("Authorization", "Bearer " + reportToken);
    return send(b);
  }

  JsonNode job(long id) {
    return json(call("admin", "GET", "/hub/api/jobs/" + id, null), 200);
  }

  static JsonNode json(HttpResponse<String> r, int expected) {
    if (r.statusCode() != expected) throw new AssertionError("expected " + expected + ", got " + r.statusCode() + ": " + r.body());
    try {
      return WireJson.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  /** Signs "admin" up through the form (session + _xsrf) and creates the admin's API token. */
  private String adminToken(Path dataDir) {
    CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    String pw = "admin-password-" + System.nanoTime();
    try {
      browser.send(HttpRequest.newBuilder(URI.create(hubUrl() + "/hub/signup")).GET().build(), HttpResponse.BodyHandlers.discarding());
      String xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf"))
          .map(HttpCookie::getValue).findFirst().orElseThrow();
      String secret = java.nio.file.Files.readString(dataDir.resolve(dev.gpuhub.server.hub.auth.AdminSetup.FILE)).strip();
      String form = "username=admin&password=" + pw + "&password_confirmation=" + pw + "&_xsrf="
          + URLEncoder.encode(xsrf, StandardCharsets.UTF_8) + "&admin_secret=" + secret;
      HttpResponse<String> signup = browser.send(HttpRequest.newBuilder(URI.create(hubUrl() + "/hub/signup"))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (signup.statusCode() != 302) throw new AssertionError("admin sign-up: " + signup.statusCode() + " " + signup.body());
      // the sign-up started a session, with an _xsrf token of its own
      xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf"))
          .map(HttpCookie::getValue).findFirst().orElseThrow();
      HttpResponse<String> token = browser.send(HttpRequest.newBuilder(URI.create(hubUrl() + "/hub/api/users/admin/tokens"))
          .header("Content-Type", "application/json").header("X-XSRFToken", xsrf)
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      return json(token, 201).path("token").asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void await(String what, Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting until " + what);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    try {
      cluster.close();
      trainers.forEach(TrainerProcesses::close);
    } finally {
      plane.close();
    }
  }
}
