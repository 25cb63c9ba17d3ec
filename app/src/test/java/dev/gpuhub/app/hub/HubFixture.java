package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real installation on this machine: control plane + hub (embedded store) and one agent with its
 * node API, on a private dockerd that has the real notebook image. Profiles' usage limits are
 * lifted to 100 % because the test machine itself is busy, and (unless {@link #withShippedProfiles})
 * their guarantees shrunk to 0.05 core and 0.25 GB, limits to 1 core and 1 GB, so that 20 servers
 * fit on its 2 cores.
 *
 * <p>The node's address is the host's address on the test dockerd's workload network, as a lab
 * node's would be its LAN address: published ports listen there, and the control plane listens
 * there too, so workloads reach the hub (as they reach a lab's hub) and nothing on 127.0.0.1.
 */
final class HubFixture implements AutoCloseable {
  static final String NODE = "hub-e2e-node";
  final LocalDockerd dockerd;
  final String image;
  final String token = AgentAuth.generateToken();
  /** The node's (and the control plane's) address. */
  final String nodeIp;
  private final Map<String, String> env = new HashMap<>();
  ControlPlane plane;
  AgentDaemon agent;
  String hubUrl;
  /**
   * The agent's node API port: any free one at the first start (a port picked in advance may be
   * taken meanwhile), then the same across {@link #restartAgent()}, as a real agent's 15003.
   */
  private int agentApiPort;
  private final Path nvidiaSmi;

  /** Whether the profiles keep their shipped guarantees and limits (only usage limits lifted). */
  private final boolean shippedProfiles;

  HubFixture(Path dataDir, Map<String, String> extraEnv) {
    this(dataDir, extraEnv, LocalDockerd.shared(), null);
  }

  /** An installation whose profiles keep their shipped guarantees and limits (usage limits still lifted). */
  static HubFixture withShippedProfiles(Path dataDir, Map<String, String> extraEnv) {
    return new HubFixture(dataDir, extraEnv, LocalDockerd.shared(), null, true);
  }

  /**
   * An installation whose node runs its containers on {@code dockerd} (the caller stops it after
   * {@link #close()}) and has the GPUs {@code nvidiaSmi} lists (null: the machine's nvidia-smi).
   */
  HubFixture(Path dataDir, Map<String, String> extraEnv, LocalDockerd dockerd, Path nvidiaSmi) {
    this(dataDir, extraEnv, dockerd, nvidiaSmi, false);
  }

  private HubFixture(Path dataDir, Map<String, String> extraEnv, LocalDockerd dockerd, Path nvidiaSmi,
                     boolean shippedProfiles) {
    this.shippedProfiles = shippedProfiles;
    this.dockerd = dockerd;
    this.nvidiaSmi = nvidiaSmi;
    this.image = TestImages.notebook(dockerd);
    this.nodeIp = workloadGateway(dockerd);
    env.put("GPUHUB_AGENT_TOKEN", token);
    env.put("API_PORT", Integer.toString(dev.gpuhub.testkit.FreePorts.pick()));
    env.put("HUB_PORT", Integer.toString(dev.gpuhub.testkit.FreePorts.pick()));
    env.put("GPUHUB_CLUSTER_PORT", Integer.toString(dev.gpuhub.testkit.FreePorts.pick()));
    env.put("GPUHUB_BIND", nodeIp);
    env.put("GPUHUB_DATA_DIR", dataDir.toString());
    env.put("GPUHUB_ADMIN_USERS", "admin");
    // the tests sign many users up from this one address
    env.put("GPUHUB_SIGNUPS_PER_ADDRESS", "100000");
    env.put("GPUHUB_CPU_IMAGE", image);
    env.put("GPUHUB_GPU_IMAGE", image);
    env.put("GPUHUB_START_TIMEOUT_SECONDS", "120");
    // a command template, the proxy adding each server's token: the mode of images without JupyterHub.
    // SingleUserServerIT and HubBrowserIT run the default (jupyterhub-singleuser, OAuth) instead.
    env.put("GPUHUB_NOTEBOOK_COMMAND", dev.gpuhub.server.hub.spawn.SpawnerConfig.NOTEBOOK_COMMAND);
    env.putAll(extraEnv);
    startControlPlane();
    for (Profile p : plane.stores().repository().profiles()) {
      // 20 notebooks share this 2-core machine in the load test: each is guaranteed 0.05 core and 0.25 GB
      Profile lifted = new Profile(p.id(), p.name(), p.displayName(), p.description(), p.cpuGuarantee(), p.memGuarantee(),
          p.gpuCount(), p.minNodes(), p.maxNodes(), 100, 100, p.placementPolicy(), p.cpuLimit(), p.memLimit(), p.gpuModel(),
          p.gpuMinMemoryGb(), p.groups(), p.retired());
      plane.stores().repository().updateProfile(shippedProfiles ? lifted : new Profile(p.id(), p.name(), p.displayName(),
          p.description(), 0.05, 0.25, p.gpuCount(), p.minNodes(), p.maxNodes(), 100, 100, p.placementPolicy(), 1, 1,
          p.gpuModel(), p.gpuMinMemoryGb(), p.groups(), p.retired()));
    }
    startAgent();
    awaitNode();
  }

  /** The one-time secret that lets "admin" sign up as an administrator (until someone has). */
  String adminSecret() {
    try {
      return java.nio.file.Files.readString(Path.of(env.get("GPUHUB_DATA_DIR"))
          .resolve(dev.gpuhub.server.hub.auth.AdminSetup.FILE)).strip();
    } catch (IOException e) {
      throw new IllegalStateException("no admin setup secret (has admin signed up already?)", e);
    }
  }

  private void startAgent() {
    agent = AgentDaemon.create(AgentConfig.of(plane.discoveryUrl(), token).withHostname(NODE).withIp(nodeIp).withCaFingerprint(plane.authority().fingerprint())
        .withDockerHost(dockerd.dockerHost()).withApiPort(agentApiPort).withInterval(Duration.ofSeconds(2))
        .withCpuSample(Duration.ofMillis(200)).withMaxContainers(40)
        .withNvidiaSmiPath(nvidiaSmi == null ? null : nvidiaSmi.toString()), null,
        dev.gpuhub.runtime.HostRoots.fromEnv(env)).start();
    agentApiPort = agent.apiPort().orElseThrow();
  }

  /** Stops the node's agent and starts it again (users' containers keep running), as a node's operator would. */
  void restartAgent() {
    agent.close();
    startAgent();
    awaitNode();
  }

  /**
   * Asserts what {@code docker inspect} shows of a workload container: its own network namespace on
   * the workload network (never the host's), the unprivileged user, every capability dropped,
   * no-new-privileges, the pids limit, not privileged, no device.
   */
  static void assertConfined(LocalDockerd dockerd, String container) {
    String shown = dockerd.docker("inspect", "-f", "{{.HostConfig.NetworkMode}} {{.Config.User}} {{json .HostConfig.CapDrop}}"
        + " {{json .HostConfig.SecurityOpt}} {{.HostConfig.PidsLimit}} {{.HostConfig.Privileged}} {{len .HostConfig.Devices}}",
        container);
    assertThat(shown).as("docker inspect " + container)
        .isEqualTo("gpuhub-workloads 1000:1000 [\"ALL\"] [\"no-new-privileges\"] 4096 false 0");
  }

  /**
   * Asserts which GPUs {@code docker inspect} shows a workload container asking for: none (no device
   * request, NVIDIA_VISIBLE_DEVICES=void), or one NVIDIA request for exactly {@code uuids}.
   */
  static void assertGpus(LocalDockerd dockerd, String container, List<String> uuids) {
    String requests = dockerd.docker("inspect", "-f", "{{json .HostConfig.DeviceRequests}}", container);
    String env = dockerd.docker("inspect", "-f", "{{json .Config.Env}}", container);
    if (uuids.isEmpty()) {
      assertThat(requests).as("device requests of " + container).isIn("null", "[]");
      assertThat(env).contains("\"NVIDIA_VISIBLE_DEVICES=void\"");
      return;
    }
    JsonNode shown;
    try {
      shown = WireJson.mapper().readTree(requests);
    } catch (IOException e) {
      throw new AssertionError("device requests of " + container + ": " + requests, e);
    }
    assertThat(shown.size()).as("device requests of " + container + ": " + requests).isEqualTo(1);
    assertThat(shown.get(0).path("Driver").asText()).isEqualTo("nvidia");
    assertThat(shown.get(0).path("Count").asInt()).isZero();
    assertThat(shown.get(0).path("DeviceIDs").toString())
        .isEqualTo(WireJson.mapper().valueToTree(uuids).toString());
    assertThat(env).contains("\"NVIDIA_VISIBLE_DEVICES=" + String.join(",", uuids) + "\"");
  }

  /** The host's address on {@code dockerd}'s workload network (made now if missing). */
  static String workloadGateway(LocalDockerd dockerd) {
    try (DockerContainerRuntime runtime = DockerContainerRuntime.connect(dockerd.dockerHost())) {
      return runtime.workloadGateway();
    }
  }

  private void startControlPlane() {
    plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env));
    hubUrl = plane.hub().url();
  }

  /**
   * Stops the control plane (hub included; the agent and users' containers keep running) and starts
   * it again on the same ports and data, as an operator restarting `gpuhub server` would.
   */
  void restartControlPlane() {
    plane.close();
    startControlPlane();
    awaitNode();
  }

  private void awaitNode() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (plane.discovery().liveNodes().stream().noneMatch(n -> n.hostname().equals(NODE) && n.agentPort() != null)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the agent did not report within 30 s");
      sleep(100);
    }
  }

  /** A client of a new user {@code user} who signed up, logged in and whose server (single-cpu) is ready. */
  HubClient userWithServer(String user) throws Exception {
    HubClient c = new HubClient(hubUrl);
    assertThat(c.signUpAndLogIn(user, user + "-password-1").statusCode()).isEqualTo(302);
    assertThat(c.form("/hub/spawn", Map.of("profile", "single-cpu", "image", image)).statusCode())
        .isEqualTo(302);
    assertThat(HubEndToEndIT.followProgress(c, user).path("ready").asBoolean())
        .as(user + "'s server").isTrue();
    return c;
  }

  /** Names of running server containers on the test dockerd. */
  List<String> serverContainers() {
    String out = dockerd.docker("ps", "--filter", "label=gpuhub.user", "--format", "{{.Names}}");
    return out.isBlank() ? List.of() : List.of(out.strip().split("\\s+"));
  }

  /** The node API of a reporting node. */
  dev.gpuhub.server.workload.AgentEndpoint agent(String hostname) {
    var node = plane.discovery().liveNodes().stream().filter(n -> n.hostname().equals(hostname)).findFirst().orElseThrow();
    return dev.gpuhub.server.workload.AgentEndpoint.require(node);
  }

  /** A client of the agents' node API with the cluster token. */
  dev.gpuhub.server.workload.AgentClient agents() {
    return dev.gpuhub.server.workload.HttpAgentClient.overTls(plane.authority().controlPlane());
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    agent.close();
    plane.close();
    // A failed test may have left servers: the dockerd is shared with the next test class.
    String left = dockerd.docker("ps", "-aq", "--filter", "label=gpuhub.managed");
    if (!left.isBlank()) {
      java.util.List<String> rm = new java.util.ArrayList<>(java.util.List.of("rm", "-f"));
      rm.addAll(java.util.List.of(left.split("\\s+")));
      dockerd.docker(rm.toArray(String[]::new));
    }
    // Test users' homes too: the next test class's users may have the same names.
    String homes = dockerd.docker("volume", "ls", "-q", "--filter", "label=gpuhub.managed", "--filter", "name=gpuhub-home-");
    if (!homes.isBlank()) {
      java.util.List<String> rm = new java.util.ArrayList<>(java.util.List.of("volume", "rm", "-f"));
      rm.addAll(java.util.List.of(homes.split("\\s+")));
      dockerd.docker(rm.toArray(String[]::new));
    }
  }
}
