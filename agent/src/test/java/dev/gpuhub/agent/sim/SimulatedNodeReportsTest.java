package dev.gpuhub.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.fake.SimulatedContainerRuntime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedNodeReportsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final long GIB = 1L << 30;

  private final SimulatedContainerRuntime runtime = new SimulatedContainerRuntime("127.0.0.1");
  private final SimulatedNodeReports reports = new SimulatedNodeReports("sim-1", "127.0.0.1",
      SimulatedNodeSpec.parse("cores=24,ram=64G,gpus=2,max_containers=60"), runtime, Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void anIdleNodeReportsItsDeclaredCapacityAndTheBaseUsage() {
    NodeReport r = reports.get();
    assertThat(r.hostname()).isEqualTo("sim-1");
    assertThat(r.ip()).isEqualTo("127.0.0.1");
    assertThat(r.cpuCores()).isEqualTo(24);
    assertThat(r.ramGb()).isEqualTo(64.0);
    assertThat(r.maxContainers()).isEqualTo(60);
    assertThat(r.cpuUsagePercent()).isEqualTo(5.0);
    assertThat(r.memoryUsagePercent()).isEqualTo(5.0);
    assertThat(r.diskUsagePercent()).isEqualTo(10.0);
    assertThat(r.isActive()).isTrue();
    assertThat(r.totalContainers()).isZero();
    assertThat(r.activeJupyterlab()).isZero();
    assertThat(r.activeRay()).isZero();
    assertThat(r.lastUpdated()).isEqualTo(NOW);
    assertThat(r.agentPort()).isNull();
    assertThat(r.hasGpu()).isTrue();
    assertThat(r.gpuInfo()).containsExactly(
        new GpuDevice("Simulated GPU", 0, "GPU-sim-sim-1-0", 16384L, 0L, 0.0, 0.0, 35.0, List.of()),
        new GpuDevice("Simulated GPU", 1, "GPU-sim-sim-1-1", 16384L, 0L, 0.0, 0.0, 35.0, List.of()));
  }

  @Test
  void runningContainersRaiseUsageAndHoldTheirGpus() {
    String alice = runtime.start(ContainerSpec.of("jupyter-alice", "gpuhub-notebook:latest", List.of()).withLimits(2, 8 * GIB)
        .withGpuDeviceUuids(List.of(SimulatedNodeReports.gpuUuid("sim-1", 1))));
    runtime.start(ContainerSpec.of("worker-1", "ray-project/ray:2", List.of()).withLimits(4, 4 * GIB));
    String stopped = runtime.start(ContainerSpec.of("jupyter-bob", "gpuhub-notebook:latest", List.of()).withLimits(12, 32 * GIB)
        .withGpuDeviceUuids(List.of(SimulatedNodeReports.gpuUuid("sim-1", 0))));
    runtime.start(ContainerSpec.of("unlimited", "busybox", List.of()));
    runtime.stop(stopped, java.time.Duration.ZERO);

    NodeReport r = reports.get();
    assertThat(r.totalContainers()).isEqualTo(3);
    assertThat(r.activeJupyterlab()).isEqualTo(1);
    assertThat(r.activeRay()).isEqualTo(1);
    // 5 + 20 * (2 + 4) / 24 and 5 + 20 * (8 + 4) / 64
    assertThat(r.cpuUsagePercent()).isEqualTo(10.0);
    assertThat(r.memoryUsagePercent()).isEqualTo(8.75);
    assertThat(r.gpuInfo().get(0)).isEqualTo(new GpuDevice("Simulated GPU", 0, "GPU-sim-sim-1-0", 16384L, 0L, 0.0, 0.0, 35.0,
        List.of()));
    assertThat(r.gpuInfo().get(1)).usingRecursiveComparison().ignoringFields("processes")
        .isEqualTo(new GpuDevice("Simulated GPU", 1, "GPU-sim-sim-1-1", 16384L, 1024L, 6.25, 30.0, 35.0));
    assertThat(r.gpuInfo().get(1).processes()).singleElement().satisfies(p -> {
      assertThat(p.container()).isEqualTo(alice);
      assertThat(p.usedMemoryMb()).isEqualTo(1024L);
    });
  }

  @Test
  void aTestDrivesHowBusyAContainersGpuIsAndZeroMeansNoProcess() {
    String alice = runtime.start(ContainerSpec.of("jupyter-alice", "gpuhub-notebook:latest", List.of())
        .withGpuDeviceUuids(List.of(SimulatedNodeReports.gpuUuid("sim-1", 1))));
    runtime.setGpuUtilisation(alice, 85);
    assertThat(reports.get().gpuInfo().get(1).utilizationGpuPercent()).isEqualTo(85.0);
    runtime.setGpuUtilisation("jupyter-alice", 0);
    GpuDevice idle = reports.get().gpuInfo().get(1);
    assertThat(idle.utilizationGpuPercent()).isZero();
    assertThat(idle.processes()).isEmpty();
    assertThatThrownBy(() -> runtime.setGpuUtilisation(alice, 101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runtime.setGpuUtilisation("nobody", 1)).hasMessageContaining("no container nobody");
  }

  @Test
  void usageIsCappedAt100AndRounded() {
    SimulatedNodeReports small = new SimulatedNodeReports("sim-2", "127.0.0.1",
        SimulatedNodeSpec.parse("cores=3,ram=7G,cpu_base=1,mem_base=90"), runtime, Clock.systemUTC());
    runtime.start(ContainerSpec.of("ct-a", "img", List.of()).withLimits(1, 1 * GIB));
    NodeReport r = small.get();
    assertThat(r.cpuUsagePercent()).isEqualTo(7.67); // 1 + 20/3
    assertThat(r.memoryUsagePercent()).isEqualTo(92.86); // 90 + 20/7
    assertThat(r.hasGpu()).isFalse();
    assertThat(r.gpuInfo()).isEmpty();
    runtime.start(ContainerSpec.of("ct-b", "img", List.of()).withLimits(100, 100 * GIB));
    assertThat(small.get().cpuUsagePercent()).isEqualTo(100.0);
    assertThat(small.get().memoryUsagePercent()).isEqualTo(100.0);
  }
}
