package dev.gpuhub.runtime.docker;

import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.gpuhub.runtime.ContainerInfo;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.runtime.WorkloadConfinement;
import dev.gpuhub.runtime.WorkloadNetwork;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure translations between gpuhub's runtime records and docker-java's request and response
 * objects; no I/O, so the exact create request is unit-testable without a daemon.
 */
final class DockerMapping {
  /** Driver of the workload network: a Linux bridge on the node. */
  static final String NETWORK_DRIVER = "bridge";
  /** Bridge option that turns traffic between the network's containers off (enforced by dockerd's iptables rules). */
  static final String ICC_OPTION = "com.docker.network.bridge.enable_icc";
  /** Label marking what gpuhub made on a daemon. */
  static final String MANAGED_LABEL = "gpuhub.managed";
  /** Device driver of NVIDIA GPUs in Docker device requests ({@code docker run --gpus}). */
  static final String GPU_DRIVER = "nvidia";
  /** Capability set of a GPU device request. */
  static final List<List<String>> GPU_CAPABILITIES = List.of(List.of("gpu"));
  /** NVIDIA_VISIBLE_DEVICES value that exposes no GPU, whatever the image's default says. */
  static final String NO_GPUS = "void";
  /** Docker's timestamp for "never". */
  private static final String ZERO_TIME_PREFIX = "0001-01-01";
  private static final long NANOS_PER_CPU = 1_000_000_000L;
  private static final Pattern STATUS_PREFIX = Pattern.compile("^Status \\d{3}: ");
  private static final Pattern DAEMON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private DockerMapping() {}

  /**
   * Container logs: Docker's json-file driver, rotated at 10 MB and kept in 3 files, so a workload
   * that prints without end fills at most 30 MB of the node's disk.
   */
  static final LogConfig LOGS = new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "3"));

  /** No-new-privileges: a setuid binary in the image gains nothing. */
  static final String NO_NEW_PRIVILEGES = "no-new-privileges";

  /**
   * Sets everything from {@code spec} on a create command for {@code spec.image()}, confined by
   * {@code confinement}; returns it.
   */
  static CreateContainerCmd applySpec(ContainerSpec spec, WorkloadConfinement confinement, WorkloadNetwork network,
                                      CreateContainerCmd cmd) {
    cmd.withName(spec.name())
        .withEnv(env(spec))
        .withLabels(spec.labels())
        .withUser(confinement.user())
        .withExposedPorts(spec.ports().stream().map(ExposedPort::tcp).toList())
        .withHostConfig(hostConfig(spec, confinement, network));
    if (!spec.command().isEmpty()) cmd.withCmd(spec.command());
    return cmd;
  }

  /** The spec's environment as {@code NAME=value} plus {@code NVIDIA_VISIBLE_DEVICES}. */
  static List<String> env(ContainerSpec spec) {
    List<String> env = new ArrayList<>();
    spec.env().forEach((k, v) -> env.add(k + "=" + v));
    env.add(ContainerSpec.NVIDIA_VISIBLE_DEVICES + "=" + (spec.usesGpus() ? String.join(",", spec.gpuDeviceUuids()) : NO_GPUS));
    return env;
  }

  /** Options of the workload network gpuhub creates: no traffic between its containers. */
  static Map<String, String> networkOptions() {
    return Map.of(ICC_OPTION, "false");
  }

  /** Labels of what gpuhub creates on a daemon (the workload network, users' volumes). */
  static Map<String, String> managedLabels() {
    return Map.of(MANAGED_LABEL, "true");
  }

  /**
   * The workload network (each port of the spec published on the network's address under the
   * same number), init process, the confinement (every capability dropped, no-new-privileges,
   * pids limit; Docker's default seccomp profile stays on), CPU and memory limits (swap = memory, so
   * no extra swap) and guarantees (CPU shares, memory reservation), the spec's named volumes and home directories (the runtime checked the latter
   * against its home root), GPU device request for exactly the spec's GPUs and no other device,
   * rotated logs ({@link #LOGS}).
   */
  /** Docker CPU shares for a guarantee of {@code cores}: 1,024 per core (Kubernetes' mapping), at least 2 (Docker's minimum). */
  static int cpuShares(double cores) {
    return (int) Math.max(2, Math.round(cores * 1024));
  }

  static HostConfig hostConfig(ContainerSpec spec, WorkloadConfinement confinement, WorkloadNetwork network) {
    Ports published = new Ports();
    for (int port : spec.ports()) {
      published.add(new PortBinding(Ports.Binding.bindIpAndPort(network.publishAddress(), port), ExposedPort.tcp(port)));
    }
    HostConfig host = HostConfig.newHostConfig().withNetworkMode(network.name()).withPortBindings(published).withInit(true)
        .withCapDrop(Capability.ALL)
        .withSecurityOpts(List.of(NO_NEW_PRIVILEGES))
        .withPidsLimit(confinement.pidsLimit())
        .withLogConfig(LOGS)
        .withPrivileged(false);
    if (spec.cpus() > 0) host.withNanoCPUs(Math.round(spec.cpus() * NANOS_PER_CPU));
    if (spec.memoryBytes() > 0) host.withMemory(spec.memoryBytes()).withMemorySwap(spec.memoryBytes());
    if (spec.cpuGuarantee() > 0) host.withCpuShares(cpuShares(spec.cpuGuarantee()));
    if (spec.memoryReservationBytes() > 0) host.withMemoryReservation(spec.memoryReservationBytes());
    if (!spec.volumes().isEmpty()) {
      host.withMounts(spec.volumes().stream().map(v -> new Mount().withType(v.hostPath() ? MountType.BIND : MountType.VOLUME)
          .withSource(v.volume()).withTarget(v.target()).withReadOnly(v.readOnly())).toList());
    }
    if (spec.usesGpus()) {
      host.withDeviceRequests(List.of(new DeviceRequest()
          .withDriver(GPU_DRIVER)
          .withDeviceIds(spec.gpuDeviceUuids())
          .withCapabilities(GPU_CAPABILITIES)));
    }
    return host;
  }

  static ContainerInfo toInfo(InspectContainerResponse r) {
    var state = r.getState();
    String status = state == null ? "" : state.getStatus();
    Integer exitCode = null;
    if (state != null && state.getExitCodeLong() != null
        && (ContainerInfo.STATE_EXITED.equals(status) || ContainerInfo.STATE_DEAD.equals(status))) {
      exitCode = state.getExitCodeLong().intValue();
    }
    return new ContainerInfo(r.getId(), stripSlash(r.getName()),
        r.getConfig() == null ? "" : r.getConfig().getImage(), status, exitCode,
        state == null ? null : parseTime(state.getStartedAt()),
        r.getConfig() == null ? null : r.getConfig().getLabels());
  }

  static ContainerSummary toSummary(Container c) {
    List<String> names = c.getNames() == null ? List.of()
        : Arrays.stream(c.getNames()).map(DockerMapping::stripSlash).toList();
    return new ContainerSummary(c.getId(), names, c.getImage(), c.getState(), c.getLabels());
  }

  /** Docker's RFC 3339 time, or {@code null} for missing, unparsable or "0001-01-01..." (never). */
  static Instant parseTime(String value) {
    if (value == null || value.isBlank() || value.startsWith(ZERO_TIME_PREFIX)) return null;
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The daemon's own message ("No such image: x") from an error answer, else the exception's message. */
  static String daemonMessage(DockerException e) {
    String raw = e.getMessage() == null ? "" : e.getMessage();
    Matcher m = DAEMON_MESSAGE.matcher(raw);
    String message = m.find() ? m.group(1).replace("\\\"", "\"").replace("\\n", " ") : raw;
    return STATUS_PREFIX.matcher(message.strip()).replaceFirst("");
  }

  private static String stripSlash(String name) {
    if (name == null) return "";
    return name.startsWith("/") ? name.substring(1) : name;
  }
}
