package dev.gpuhub.agent.collect;

import static dev.gpuhub.agent.collect.FakeRuntime.container;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.gpuhub.agent.LogCapture;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerCounterTest {

  @Test
  void countsJupyterAndRayByNameOrImageIgnoringCase() {
    FakeRuntime runtime = new FakeRuntime(List.of(
        container("jupyter-alice", "quay.io/jupyter/base-notebook:2025-01-01"),
        container("bob-lab", "registry.local/JupyterLab-gpu:4"),
        container("head", "rayproject/ray:2.40.0"),
        container("RAY-worker-1", "python:3.12"),
        container("postgres", "postgres:16")));
    assertThat(new ContainerCounter(runtime).count()).isEqualTo(new ContainerCounts(5, 2, 2, 0));
  }

  @Test
  void containersTheAgentStartedAreCountedAsManaged() {
    FakeRuntime runtime = new FakeRuntime(java.util.List.of(
        new dev.gpuhub.runtime.ContainerSummary("a", java.util.List.of("gpuhub-alice"), "img", "running",
            java.util.Map.of("gpuhub.managed", "true", "gpuhub.user", "alice")),
        new dev.gpuhub.runtime.ContainerSummary("b", java.util.List.of("svc-1"), "img", "running",
            java.util.Map.of("gpuhub.managed", "true")),
        new dev.gpuhub.runtime.ContainerSummary("c", java.util.List.of("mine"), "img", "running",
            java.util.Map.of("gpuhub.user", "forged")),
        container("postgres", "postgres:16")));
    assertThat(new ContainerCounter(runtime).count()).isEqualTo(new ContainerCounts(4, 0, 0, 2));
  }

  @Test
  void noContainersIsZeros() {
    assertThat(new ContainerCounter(new FakeRuntime(List.of())).count()).isEqualTo(ContainerCounts.ZERO);
  }

  @Test
  void unreachableDaemonGivesZerosAndOneWarningUntilItRecovers() {
    FakeRuntime runtime = new FakeRuntime(List.of(container("jupyter-x", "img")));
    ContainerCounter counter = new ContainerCounter(runtime);
    try (LogCapture log = LogCapture.of(ContainerCounter.class)) {
      runtime.goAway();
      assertThat(counter.count()).isEqualTo(ContainerCounts.ZERO);
      assertThat(counter.count()).isEqualTo(ContainerCounts.ZERO);
      assertThat(log.messages(Level.WARN)).singleElement()
          .satisfies(m -> assertThat(m).contains("reporting 0 containers").contains("unix:///fake.sock"));
      runtime.comeBack();
      assertThat(counter.count()).isEqualTo(new ContainerCounts(1, 1, 0, 0));
      runtime.goAway();
      counter.count();
      assertThat(log.messages(Level.WARN)).hasSize(2);
    }
  }
}
