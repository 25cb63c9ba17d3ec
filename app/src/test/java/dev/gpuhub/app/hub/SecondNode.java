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
  final AgentDaemon agent;

  private SecondNode(LocalDockerd dockerd, AgentDaemon agent) {
    this.dockerd = dockerd;
    this.agent = agent;
  }

  static SecondNode start(HubFixture hub, String hostname) {
    LocalDockerd dockerd = LocalDockerd.start();
    TestImages.notebook(dockerd);
    AgentDaemon agent = AgentDaemon.create(AgentConfig.of(hub.plane.discoveryUrl(), hub.token).withHostname(hostname)
        .withIp(HubFixture.workloadGateway(dockerd)).withCaFingerprint(hub.plane.authority().fingerprint()).withDockerHost(dockerd.dockerHost()).withApiPort(0).withInterval(Duration.ofSeconds(2))
        .withCpuSample(Duration.ofMillis(200)).withMaxContainers(40)).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (hub.plane.discovery().liveNodes().stream().filter(n -> n.agentPort() != null).count() < 2) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("node " + hostname + " did not report within 30 s");
      HubFixture.sleep(100);
    }
    return new SecondNode(dockerd, agent);
  }

  @Override
  public void close() {
    agent.close();
    dockerd.close();
  }
}
