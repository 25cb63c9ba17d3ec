package dev.gpuhub.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a real, private dockerd (testkit LocalDockerd). */
class DockerContainerRuntimeIT {
  private final LocalDockerd dockerd = LocalDockerd.shared();

  @AfterEach
  void removeContainers() {
    dockerd.docker("rm", "-f", "rt-it-running", "rt-it-exited");
  }

  @Test
  void listsRunningContainersWithNamesImageAndLabels() {
    String image = TestImages.busybox(dockerd);
    String id = dockerd.docker("run", "-d", "--network", "host", "--name", "rt-it-running",
        "--label", "gpuhub.user=alice", image, "sleep", "300");
    dockerd.docker("run", "--network", "host", "--name", "rt-it-exited", image, "true");

    try (DockerContainerRuntime runtime = DockerContainerRuntime.connect(dockerd.dockerHost())) {
      assertThat(runtime.ping()).isTrue();
      List<ContainerSummary> running = runtime.listRunning();
      assertThat(running).singleElement().satisfies(c -> {
        assertThat(c.id()).isEqualTo(id);
        assertThat(c.names()).containsExactly("rt-it-running");
        assertThat(c.image()).isEqualTo(image);
        assertThat(c.state()).isEqualTo("running");
        assertThat(c.labels()).containsEntry("gpuhub.user", "alice");
      });
    }
  }
}
