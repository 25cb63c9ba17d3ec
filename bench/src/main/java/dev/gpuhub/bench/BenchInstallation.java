package dev.gpuhub.bench;

import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.ServerState;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.AgentAuth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole installation on this machine for the benchmarks that need real Jupyter servers: a
 * private dockerd with the product's notebook image, control plane and hub on 127.0.0.1 (embedded
 * store, free ports), the profiles' usage limits lifted (the benchmark machine itself is busy), and
 * one agent, node {@value #NODE}, reporting. Closing stops all of it.
 */
final class BenchInstallation implements AutoCloseable {
  static final String NODE = "bench-node";

  final LocalDockerd dockerd;
  final String image;
  final ControlPlane plane;
  final AgentDaemon agent;

  /** With servers started by {@code command} ({@code GPUHUB_NOTEBOOK_COMMAND}), data under {@code dir}. */
  BenchInstallation(Path dir, String command) throws InterruptedException {
    dockerd = LocalDockerd.start();
    try {
      image = TestImages.notebook(dockerd);
      String agentToken = AgentAuth.generateToken();
      Map<String, String> env = new HashMap<>();
      env.put("GPUHUB_AGENT_TOKEN", agentToken);
      env.put("API_PORT", "0");
      env.put("HUB_PORT", "0");
      env.put("GPUHUB_BIND", "127.0.0.1");
      env.put("GPUHUB_DATA_DIR", dir.resolve("data").toString());
      env.put("GPUHUB_CPU_IMAGE", image);
      env.put("GPUHUB_GPU_IMAGE", image);
      env.put("GPUHUB_START_TIMEOUT_SECONDS", "120");
      env.put("GPUHUB_NOTEBOOK_COMMAND", command);
      plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env));
      for (Profile p : plane.stores().repository().profiles()) {
        plane.stores().repository().updateProfile(new Profile(p.id(), p.name(), p.displayName(), p.description(),
            Math.min(p.cpuGuarantee(), 1), Math.min(p.memGuarantee(), 1), p.gpuCount(), p.minNodes(), p.maxNodes(), 100,
            100, p.placementPolicy(), Math.min(p.cpuLimit(), 1), Math.min(p.memLimit(), 1), p.gpuModel(), p.gpuMinMemoryGb(),
            p.groups(), false));
      }
      agent = AgentDaemon.create(AgentConfig.of(plane.discoveryUrl(), agentToken)
          .withHostname(NODE).withIp("127.0.0.1").withDockerHost(dockerd.dockerHost()).withApiPort(0)
          .withInterval(Duration.ofSeconds(2)).withCpuSample(Duration.ofMillis(200))).start();
      awaitAgent();
    } catch (RuntimeException | InterruptedException e) {
      dockerd.close();
      throw e;
    }
  }

  /** Waits until {@code user}'s server is RUNNING; fails when its start failed or {@code timeout} passed. */
  static ActiveServer.Snapshot awaitRunning(Spawner spawner, String user, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ActiveServer.Snapshot s = spawner.server(user).orElseThrow(() -> new IllegalStateException("no server for " + user))
          .snapshot();
      if (s.state() == ServerState.RUNNING) return s;
      if (!s.state().isActive()) {
        throw new IllegalStateException("the server did not start: " + s.state() + " " + s.failureReason());
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("the server was not RUNNING after " + timeout);
      Thread.sleep(100);
    }
  }

  private void awaitAgent() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (plane.discovery().liveNodes().stream().noneMatch(n -> n.hostname().equals(NODE) && n.agentPort() != null)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the agent did not report within 30 s");
      Thread.sleep(100);
    }
  }

  @Override
  public void close() {
    try {
      agent.close();
    } finally {
      try {
        plane.close();
      } finally {
        dockerd.close();
      }
    }
  }
}
