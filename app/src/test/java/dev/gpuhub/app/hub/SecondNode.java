package dev.gpuhub.app.hub;

import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import java.time.Duration;

/**
 * A second node for a {@link HubFixture}: its own dockerd (so each agent lists only its own
 * containers) with the notebook image, and an agent named {@code hostname} reporting to the hub's
 * control plane. {@link #start} returns once both nodes report with their node API.
 */
final class SecondNode implements AutoCloseable {
  final LocalDockerd dockerd;
  private final AgentConfig config;
  AgentDaemon agent;

  private SecondNode(LocalDockerd dockerd, AgentConfig config, AgentDaemon agent) {
    this.dockerd = dockerd;
    this.config = config;
    this.agent = agent;
  }

  /** Stops the node's agent: the node stops reporting (down, as far as the hub can tell); its dockerd runs on. */
  void stopAgent() {
    agent.close();
  }

  /** Starts the node's agent again (same name and identity); returns once the hub sees it with its node API. */
  void startAgent(HubFixture hub) {
    agent = AgentDaemon.create(config).start();
    awaitReporting(hub, config.hostname());
  }

  private static void awaitReporting(HubFixture hub, String hostname) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (hub.plane.discovery().liveNodes().stream().noneMatch(n -> n.hostname().equals(hostname) && n.agentPort() != null)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("node " + hostname + " did not report within 30 s");
      HubFixture.sleep(100);
    }
  }

  static SecondNode start(HubFixture hub, String hostname) {
    LocalDockerd dockerd = LocalDockerd.start();
    TestImages.notebook(dockerd);
    AgentConfig config = AgentConfig.of(hub.plane.discoveryUrl(), hub.token).withHostname(hostname)
        .withIp(HubFixture.workloadGateway(dockerd)).withCaFingerprint(hub.plane.authority().fingerprint())
        .withDockerHost(dockerd.dockerHost()).withApiPort(0).withInterval(Duration.ofSeconds(2))
        .withCpuSample(Duration.ofMillis(200)).withMaxContainers(40);
    AgentDaemon agent = AgentDaemon.create(config).start();
    awaitReporting(hub, hostname);
    return new SecondNode(dockerd, config, agent);
  }

  @Override
  public void close() {
    agent.close();
    dockerd.close();
  }
}
