package dev.gpuhub.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.agent.StubDiscoveryServer;
import dev.gpuhub.agent.StubDiscoveryServer.Answer;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.NodeReportParser;
import dev.gpuhub.wire.WireJson;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real, private dockerd (testkit LocalDockerd) and a stub discovery service. */
class ContainerCounterIT {
  private static final String TOKEN = AgentAuth.generateToken();
  private final LocalDockerd dockerd = LocalDockerd.shared();

  @AfterEach
  void removeContainers() {
    dockerd.docker("rm", "-f", "test-jupyter-1", "plain-1");
  }

  private void runSleeper(String name) {
    dockerd.docker("run", "-d", "--network", "host", "--name", name, TestImages.busybox(dockerd), "sleep", "300");
  }

  @Test
  void countsRunningContainersOfARealDaemon() {
    runSleeper("test-jupyter-1");
    runSleeper("plain-1");
    try (DockerContainerRuntime runtime = DockerContainerRuntime.connect(dockerd.dockerHost())) {
      assertThat(new ContainerCounter(runtime).count()).isEqualTo(new ContainerCounts(2, 1, 0, 0));
    }
    NodeReport report = sendOneHeartbeat(dockerd.dockerHost());
    assertThat(report.totalContainers()).isEqualTo(2);
    assertThat(report.activeJupyterlab()).isEqualTo(1);
    assertThat(report.activeRay()).isZero();
  }

  @Test
  void anAgentWithoutADockerDaemonReportsZeroContainers(@TempDir Path dir) {
    runSleeper("test-jupyter-1");
    NodeReport report = sendOneHeartbeat("unix://" + dir.resolve("no-docker.sock"));
    assertThat(report.totalContainers()).isZero();
    assertThat(report.activeJupyterlab()).isZero();
    assertThat(report.activeRay()).isZero();
  }

  /** Runs the real agent once against a stub server and returns the report the server received. */
  private static NodeReport sendOneHeartbeat(String dockerHost) {
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.OK);
        AgentDaemon agent = AgentDaemon.create(AgentConfig.of(server.url().toString(), TOKEN)
            .withDockerHost(dockerHost).withCpuSample(Duration.ofMillis(100)).withHostname("it-node"))) {
      assertThat(agent.beatOnce().isOk()).isTrue();
      assertThat(server.requests()).hasSize(1);
      NodeReport report = NodeReportParser.parse(WireJson.mapper().readTree(server.requests().get(0).body()));
      assertThat(report.hostname()).isEqualTo("it-node");
      return report;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
