package dev.gpuhub.app.placement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.agent.sim.SimulatedCluster;
import dev.gpuhub.agent.sim.SimulatedNodeSpec;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.ServerState;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.testkit.FreePorts;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A real control plane and hub (embedded store) over simulated agents in this JVM: the hub's
 * HTTP API, spawner, placement engine and the agents' node APIs are the production code; only the
 * containers are stand-ins that answer the readiness probe.
 */
final class SimulatedHub implements AutoCloseable {
  final String token = AgentAuth.generateToken();
  private final Map<String, String> env = new HashMap<>();
  private final String adminPassword = "admin-password-" + System.nanoTime();
  ControlPlane plane;
  final SimulatedCluster cluster;
  HubApi admin;
  private final HttpClient http = HttpClient.newHttpClient();

  SimulatedHub(Path dataDir, int nodes, String spec) {
    this(dataDir, nodes, spec, Map.of());
  }

  SimulatedHub(Path dataDir, int nodes, String spec, Map<String, String> extraEnv) {
    env.put("GPUHUB_AGENT_TOKEN", token);
    env.put("GPUHUB_CLUSTER_PORT", Integer.toString(FreePorts.pick())); // the same after a restart: agents keep it
    env.put("API_PORT", Integer.toString(FreePorts.pick()));
    env.put("HUB_PORT", Integer.toString(FreePorts.pick()));
    env.put("GPUHUB_BIND", "127.0.0.1");
    env.put("GPUHUB_DATA_DIR", dataDir.toString());
    env.put("GPUHUB_ADMIN_USERS", "admin");
    env.put("GPUHUB_SIGNUPS_PER_ADDRESS", "100000");
    env.put("GPUHUB_CPU_IMAGE", "sim-notebook:latest");
    env.put("GPUHUB_GPU_IMAGE", "sim-notebook:latest");
    env.put("GPUHUB_START_TIMEOUT_SECONDS", "60");
    env.put("GPUHUB_PLACEMENT_TICK_MILLIS", "200");
    env.putAll(extraEnv);
    plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env));
    cluster = SimulatedCluster.start(plane.discoveryUrl(), token, nodes, SimulatedNodeSpec.parse(spec), Duration.ofSeconds(1));
    await("all simulated nodes report", Duration.ofSeconds(30), () -> plane.discovery().liveNodes().size() == nodes);
    admin = HubApi.signUpAdmin(plane.hub().url(), dataDir, adminPassword);
  }

  /**
   * Stops the control plane (the simulated agents and their containers keep running) and starts
   * it again on the same ports and data, as an operator restarting `gpuhub server` would; logs the
   * admin in again (sessions live in memory). {@code whileDown} runs between stop and start.
   */
  void restartControlPlane(Runnable whileDown) {
    restartControlPlaneWith(stores -> whileDown.run());
  }

  /** As {@link #restartControlPlane(Runnable)}, {@code whileDown} given the stopped control plane's stores. */
  void restartControlPlaneWith(java.util.function.Consumer<dev.gpuhub.store.Stores> whileDown) {
    plane.close();
    try (dev.gpuhub.store.Stores stores = dev.gpuhub.store.Stores.open(StoreConfig.fromEnv(env))) {
      whileDown.accept(stores);
    }
    plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env));
    int nodes = cluster.hostnames().size();
    await("all simulated nodes report again", Duration.ofSeconds(30), () -> plane.discovery().liveNodes().size() == nodes);
    admin = HubApi.logIn(plane.hub().url(), adminPassword);
  }

  /** Creates users through the admin API. */
  void createUsers(List<String> names) {
    StringBuilder json = new StringBuilder("{\"usernames\":[");
    for (int i = 0; i < names.size(); i++) json.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append('"');
    HttpResponse<String> r = admin.call("POST", "/hub/api/users", json.append("]}").toString());
    if (r.statusCode() != 201) throw new AssertionError("creating users: " + r.statusCode() + " " + r.body());
  }

  Optional<ActiveServer.Snapshot> server(String user) {
    return plane.hub().spawner().server(user).map(ActiveServer::snapshot);
  }

  long count(List<String> users, ServerState state) {
    return users.stream().filter(u -> server(u).map(s -> s.state() == state).orElse(false)).count();
  }

  /** GET on the discovery API. */
  JsonNode discovery(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(plane.discoveryUrl() + path))
              .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      return WireJson.mapper().readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Server containers per node as the agents report them (asked through each agent's runtime). */
  Map<String, List<ContainerSpec>> containersByNode() {
    Map<String, List<ContainerSpec>> out = new HashMap<>();
    for (String h : cluster.hostnames()) out.put(h, new ArrayList<>(cluster.runningContainers(h)));
    return out;
  }

  static void await(String what, Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting until " + what);
      try {
        Thread.sleep(50);
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
    } finally {
      plane.close();
    }
  }
}
