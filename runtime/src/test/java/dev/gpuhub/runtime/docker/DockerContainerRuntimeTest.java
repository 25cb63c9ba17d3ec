package dev.gpuhub.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.runtime.RuntimeUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerContainerRuntimeTest {

  @Test
  void explicitHostWinsOverEnvironmentAndDefault() {
    assertThat(DockerContainerRuntime.resolveDockerHost("unix:///a.sock", Map.of("DOCKER_HOST", "unix:///b.sock")))
        .isEqualTo("unix:///a.sock");
    assertThat(DockerContainerRuntime.resolveDockerHost(" ", Map.of("DOCKER_HOST", "tcp://10.0.0.2:2376")))
        .isEqualTo("tcp://10.0.0.2:2376");
    assertThat(DockerContainerRuntime.resolveDockerHost(null, Map.of()))
        .isEqualTo(DockerContainerRuntime.DEFAULT_DOCKER_HOST);
  }

  @Test
  void rejectsAddressesThatAreNotDockerAddresses() {
    for (String bad : new String[] {"/var/run/docker.sock", "http://host:2375", "tcp://host", "unix://relative"}) {
      assertThatThrownBy(() -> DockerContainerRuntime.resolveDockerHost(bad, Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad)
          .hasMessageContaining("unix:///path/to/docker.sock");
    }
  }

  @Test
  void absentDaemonIsReportedQuicklyAndByName(@TempDir Path dir) {
    String host = "unix://" + dir.resolve("missing.sock");
    try (DockerContainerRuntime runtime = DockerContainerRuntime.connect(host)) {
      long start = System.nanoTime();
      assertThat(runtime.ping()).isFalse();
      assertThatThrownBy(runtime::listRunning)
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessageContaining(host)
          .hasMessageContaining("--docker-host");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(runtime.describe()).isEqualTo("docker at " + host);
    }
  }
}
