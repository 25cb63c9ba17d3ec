package dev.gpuhub.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.WorkloadConfinement;
import dev.gpuhub.runtime.WorkloadNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact create request sent to Docker, checked on docker-java's own command object. */
class DockerMappingTest {
  private static final String GPU_A = "GPU-5f3e8a4b-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
  private static final String GPU_B = "GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
  private static final WorkloadNetwork NETWORK = new WorkloadNetwork("gpuhub-workloads", "10.1.2.3");

  private static CreateContainerCmdImpl build(ContainerSpec spec) {
    CreateContainerCmdImpl cmd = new CreateContainerCmdImpl(
        c -> { throw new AssertionError("unit tests never send the command"); }, null, spec.image());
    DockerMapping.applySpec(spec, WorkloadConfinement.DEFAULT, NETWORK, cmd);
    return cmd;
  }

  @Test
  void gpuSpecGetsAnNvidiaDeviceRequestForExactlyItsUuidsAndTheVisibleDevicesVariable() {
    CreateContainerCmdImpl cmd = build(ContainerSpec.of("jupyter-alice", "gpu-env:1", List.of("python3"))
        .withGpuDeviceUuids(List.of(GPU_A, GPU_B)).withEnv(Map.of("JUPYTERHUB_USER", "alice")));
    List<DeviceRequest> requests = cmd.getHostConfig().getDeviceRequests();
    assertThat(requests).singleElement().satisfies(r -> {
      assertThat(r.getDriver()).isEqualTo("nvidia");
      assertThat(r.getDeviceIds()).containsExactly(GPU_A, GPU_B);
      assertThat(r.getCapabilities()).containsExactly(List.of("gpu"));
      assertThat(r.getCount()).isNull();
    });
    assertThat(cmd.getEnv()).containsExactly("JUPYTERHUB_USER=alice", "NVIDIA_VISIBLE_DEVICES=" + GPU_A + "," + GPU_B);
  }

  @Test
  void specWithoutGpusRequestsNoDeviceAndHidesImageDefaultGpus() {
    CreateContainerCmdImpl cmd = build(ContainerSpec.of("jupyter-bob", "cpu-env:1", List.of()));
    assertThat(cmd.getHostConfig().getDeviceRequests()).isNullOrEmpty();
    assertThat(cmd.getEnv()).containsExactly("NVIDIA_VISIBLE_DEVICES=void");
    assertThat(cmd.getCmd()).as("empty command = the image's default").isNull();
  }

  @Test
  void homesAreNamedVolumesNeverBindMountsAndBadOnesAreRefusedNamingTheField() {
    CreateContainerCmdImpl cmd = build(ContainerSpec.of("jupyter-gwen", "cpu-env:1", List.of())
        .withVolumes(List.of(new dev.gpuhub.runtime.VolumeMount("gpuhub-home-gwen", "/home/jovyan", false),
            new dev.gpuhub.runtime.VolumeMount("gpuhub-data-mnist", "/data/mnist", true))));
    HostConfig host = cmd.getHostConfig();
    assertThat(host.getMounts()).extracting(m -> m.getType() + " " + m.getSource() + " " + m.getTarget() + " " + m.getReadOnly())
        .containsExactly("VOLUME gpuhub-home-gwen /home/jovyan false", "VOLUME gpuhub-data-mnist /data/mnist true");
    assertThat(host.getBinds()).isNullOrEmpty();
    for (String[] bad : new String[][] {{"docker-secrets", "/home/jovyan"}, {"gpuhub-home-x", "home"}, {"gpuhub-home-x", "/"},
        {"gpuhub-home-x", "/home/../etc"}, {"gpuhub-home-x", "/proc/self"}, {"gpuhub-home-x", "/gpuhub/secrets"},
        {"/var/lib", "/mnt"}, {"gpuhub-../x", "/mnt"}}) {
      assertThatThrownBy(() -> new dev.gpuhub.runtime.VolumeMount(bad[0], bad[1], false)).as(String.join(" ", bad))
          .isInstanceOfSatisfying(dev.gpuhub.runtime.InvalidContainerSpecException.class,
              e -> assertThat(e.field()).isEqualTo("volumes"));
    }
    assertThatThrownBy(() -> ContainerSpec.of("x1", "img", List.of()).withVolumes(List.of(
        new dev.gpuhub.runtime.VolumeMount("gpuhub-a", "/mnt", false), new dev.gpuhub.runtime.VolumeMount("gpuhub-b", "/mnt", true))))
        .hasMessageContaining("same target");
  }

  @Test
  void guaranteesBecomeCpuSharesAndAMemoryReservationUnderTheLimits() {
    HostConfig host = build(ContainerSpec.of("jupyter-dan", "cpu-env:1", List.of())
        .withLimits(2, 2L << 30).withGuarantees(0.5, 1L << 30)).getHostConfig();
    assertThat(host.getNanoCPUs()).as("limited to 2 cores").isEqualTo(2_000_000_000L);
    assertThat(host.getCpuShares()).as("0.5 core guaranteed, 1,024 shares per core").isEqualTo(512);
    assertThat(host.getMemory()).isEqualTo(2L << 30);
    assertThat(host.getMemoryReservation()).isEqualTo(1L << 30);
    HostConfig none = build(ContainerSpec.of("jupyter-eve", "cpu-env:1", List.of()).withLimits(1, 1L << 30)).getHostConfig();
    assertThat(none.getCpuShares()).as("no guarantee: Docker's default weight").isNull();
    assertThat(none.getMemoryReservation()).isNull();
    for (var bad : List.<Runnable>of(
        () -> ContainerSpec.of("x1", "img", List.of()).withLimits(1, 1L << 30).withGuarantees(1.5, 0),
        () -> ContainerSpec.of("x1", "img", List.of()).withLimits(1, 1L << 30).withGuarantees(0, 2L << 30),
        () -> ContainerSpec.of("x1", "img", List.of()).withGuarantees(-1, 0),
        () -> ContainerSpec.of("x1", "img", List.of()).withGuarantees(0, 1024))) {
      assertThatThrownBy(bad::run).isInstanceOf(dev.gpuhub.runtime.InvalidContainerSpecException.class)
          .hasMessageMatching("(cpu_guarantee|memory_reservation_bytes) .* is out of range.*");
    }
  }

  @Test
  void limitsNameLabelsAndCommand() {
    CreateContainerCmdImpl cmd = build(ContainerSpec.of("jupyter-carol", "cpu-env:1", List.of("sleep", "300"))
        .withLimits(1.5, 2L * 1024 * 1024 * 1024).withLabels(Map.of("gpuhub.user", "carol")));
    HostConfig host = cmd.getHostConfig();
    assertThat(host.getNanoCPUs()).isEqualTo(1_500_000_000L);
    assertThat(host.getMemory()).isEqualTo(2147483648L);
    assertThat(host.getMemorySwap()).as("no swap beyond the limit").isEqualTo(2147483648L);
    assertThat(host.getInit()).isTrue();
    assertThat(cmd.getName()).isEqualTo("jupyter-carol");
    assertThat(cmd.getImage()).isEqualTo("cpu-env:1");
    assertThat(cmd.getLabels()).containsExactlyEntriesOf(Map.of("gpuhub.user", "carol"));
    assertThat(cmd.getCmd()).containsExactly("sleep", "300");
  }

  @Test
  void everyContainerJoinsTheWorkloadNetworkNeverTheHostsAndPublishesItsPortsOnTheNodeAddressOnly() {
    CreateContainerCmdImpl cmd = build(ContainerSpec.of("jupyter-erin", "cpu-env:1", List.of()).withPorts(List.of(9001, 9002)));
    HostConfig host = cmd.getHostConfig();
    assertThat(host.getNetworkMode()).isEqualTo("gpuhub-workloads");
    assertThat(cmd.getExposedPorts()).containsExactly(ExposedPort.tcp(9001), ExposedPort.tcp(9002));
    Map<ExposedPort, Ports.Binding[]> bindings = host.getPortBindings().getBindings();
    assertThat(bindings).hasSize(2);
    assertThat(bindings.get(ExposedPort.tcp(9001))).containsExactly(Ports.Binding.bindIpAndPort("10.1.2.3", 9001));
    assertThat(bindings.get(ExposedPort.tcp(9002))).containsExactly(Ports.Binding.bindIpAndPort("10.1.2.3", 9002));
    HostConfig none = build(ContainerSpec.of("quiet", "img", List.of())).getHostConfig();
    assertThat(none.getNetworkMode()).isEqualTo("gpuhub-workloads");
    assertThat(none.getPortBindings().getBindings()).as("no port: nothing published").isEmpty();
    assertThat(DockerMapping.networkOptions()).containsEntry("com.docker.network.bridge.enable_icc", "false");
  }

  @Test
  void theWorkloadNetworkIsNeverTheHostsAndIsNamedOnTheNode() {
    assertThat(WorkloadNetwork.fromEnv(Map.of(), "127.0.0.1")).isEqualTo(new WorkloadNetwork("gpuhub-workloads", "127.0.0.1"));
    assertThat(WorkloadNetwork.fromEnv(Map.of("GPUHUB_WORKLOAD_NETWORK", "lab-net"), "10.0.0.5").name()).isEqualTo("lab-net");
    for (String bad : new String[] {"host", "none", "bridge", "default", "a b", "-x"}) {
      assertThatThrownBy(() -> WorkloadNetwork.fromEnv(Map.of("GPUHUB_WORKLOAD_NETWORK", bad), "127.0.0.1"))
          .as(bad).hasMessageContaining("GPUHUB_WORKLOAD_NETWORK");
    }
  }

  @Test
  void everyContainerIsConfined_unprivilegedUserNoCapabilitiesNoNewPrivilegesPidsLimit() {
    CreateContainerCmdImpl cmd = build(ContainerSpec.of("jupyter-dave", "cpu-env:1", List.of()));
    HostConfig host = cmd.getHostConfig();
    assertThat(cmd.getUser()).isEqualTo("1000:1000");
    assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
    assertThat(host.getCapAdd()).isNullOrEmpty();
    assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
    assertThat(host.getPidsLimit()).isEqualTo(4096L);
    assertThat(host.getPrivileged()).isFalse();
    assertThat(host.getDevices()).isNullOrEmpty();
    assertThat(host.getBinds()).isNullOrEmpty();
    CreateContainerCmdImpl other = new CreateContainerCmdImpl(c -> null, null, "img");
    DockerMapping.applySpec(ContainerSpec.of("x1", "img", List.of()), new WorkloadConfinement(2000, 3000, 64), NETWORK, other);
    assertThat(other.getUser()).isEqualTo("2000:3000");
    assertThat(other.getHostConfig().getPidsLimit()).isEqualTo(64L);
  }

  @Test
  void containerLogsRotateSoAChattyWorkloadCannotFillTheNodesDisk() {
    HostConfig host = build(ContainerSpec.of("jupyter-dave", "cpu-env:1", List.of())).getHostConfig();
    assertThat(host.getLogConfig().getType()).isEqualTo(com.github.dockerjava.api.model.LogConfig.LoggingType.JSON_FILE);
    assertThat(host.getLogConfig().getConfig()).containsEntry("max-size", "10m").containsEntry("max-file", "3");
  }

  @Test
  void theWorkloadUserIsConfiguredOnTheNodeAndNeverRoot() {
    assertThat(WorkloadConfinement.fromEnv(Map.of())).isEqualTo(WorkloadConfinement.DEFAULT);
    assertThat(WorkloadConfinement.fromEnv(Map.of("GPUHUB_WORKLOAD_USER", "1500:100", "GPUHUB_WORKLOAD_PIDS_LIMIT", "512")))
        .isEqualTo(new WorkloadConfinement(1500, 100, 512));
    assertThatThrownBy(() -> WorkloadConfinement.fromEnv(Map.of("GPUHUB_WORKLOAD_USER", "0:0")))
        .hasMessageContaining("GPUHUB_WORKLOAD_USER").hasMessageContaining("root");
    assertThatThrownBy(() -> WorkloadConfinement.fromEnv(Map.of("GPUHUB_WORKLOAD_USER", "alice")))
        .hasMessageContaining("UID:GID");
    assertThatThrownBy(() -> WorkloadConfinement.fromEnv(Map.of("GPUHUB_WORKLOAD_PIDS_LIMIT", "1")))
        .hasMessageContaining("GPUHUB_WORKLOAD_PIDS_LIMIT");
  }

  @Test
  void zeroLimitsMeanNoLimit() {
    HostConfig host = DockerMapping.hostConfig(ContainerSpec.of("nolimit", "img", List.of()), WorkloadConfinement.DEFAULT, NETWORK);
    assertThat(host.getNanoCPUs()).isNull();
    assertThat(host.getMemory()).isNull();
    assertThat(DockerMapping.hostConfig(ContainerSpec.of("tiny", "img", List.of()).withLimits(0.01, 0),
        WorkloadConfinement.DEFAULT, NETWORK).getNanoCPUs())
        .isEqualTo(10_000_000L);
  }

  @Test
  void daemonMessagesAreExtractedFromErrorBodies() {
    assertThat(DockerMapping.daemonMessage(new NotFoundException("Status 404: {\"message\":\"No such image: x:latest\"}\n")))
        .isEqualTo("No such image: x:latest");
    assertThat(DockerMapping.daemonMessage(new ConflictException(
        "Status 409: {\"message\":\"Conflict. The container name \\\"/a\\\" is already in use\"}")))
        .isEqualTo("Conflict. The container name \"/a\" is already in use");
    assertThat(DockerMapping.daemonMessage(new NotFoundException("plain text"))).isEqualTo("plain text");
  }

  @Test
  void dockerTimesParseAndZeroMeansNever() {
    assertThat(DockerMapping.parseTime("2026-03-01T12:00:00.123456789Z")).isEqualTo(Instant.parse("2026-03-01T12:00:00.123456789Z"));
    assertThat(DockerMapping.parseTime("0001-01-01T00:00:00Z")).isNull();
    assertThat(DockerMapping.parseTime("")).isNull();
    assertThat(DockerMapping.parseTime("garbage")).isNull();
  }
}
