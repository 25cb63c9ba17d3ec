package dev.gpuhub.agent.sim;

import dev.gpuhub.agent.collect.ContainerCounter;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.GpuProcess;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.runtime.fake.SimulatedContainerRuntime;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Synthetic heartbeats of a simulated node: its declared capacity ({@link SimulatedNodeSpec}) and
 * a usage derived from the containers running in its {@link SimulatedContainerRuntime}.
 *
 * <ul>
 *   <li>hostname, ip, cpu_cores, ram_gb, max_containers: as given; is_active true; disk 10 %;
 *       last_updated: the clock's instant.
 *   <li>cpu_usage_percent = min(100, cpu_base + 20 x (sum of the running containers' cpus) / cores);
 *       memory_usage_percent = min(100, mem_base + 20 x (sum of their memory limits in GB) / ram_gb);
 *       rounded to 2 decimals. Containers without a limit add nothing.
 *   <li>gpu_info: {@code gpus} devices "Simulated GPU", index i, uuid {@code GPU-sim-<hostname>-<i>},
 *       16384 MB; a GPU listed in a running container's {@code gpu_device_uuids} runs one process of
 *       that container (pid from the container id, 1024 MB used, memory util 6.25 %) at the container's
 *       utilisation ({@link SimulatedContainerRuntime#gpuUtilisationOf}, 30 % unless a test sets it;
 *       0 % means no process); other GPUs are idle (0 MB, 0 %, 0 %, no process); temperature 35 degrees.
 *   <li>total_containers: running containers; active_jupyterlab / active_ray: those whose name or
 *       image contains "jupyter" / "ray" ignoring case, the real agent's rule ({@link ContainerCounter}).
 * </ul>
 */
public final class SimulatedNodeReports implements Supplier<NodeReport> {
  public static final String GPU_NAME = "Simulated GPU";
  public static final long GPU_MEMORY_TOTAL_MB = 16_384;
  public static final long BUSY_GPU_MEMORY_USED_MB = 1_024;
  public static final double BUSY_GPU_UTILIZATION_PERCENT = SimulatedContainerRuntime.DEFAULT_GPU_UTILISATION;
  public static final double GPU_TEMPERATURE = 35;
  public static final double DISK_USAGE_PERCENT = 10;
  /** Usage percent one fully used node's worth of requested cores (or RAM) adds above the base. */
  public static final double LOAD_PERCENT_PER_CAPACITY = 20;

  private static final double BYTES_PER_GB = 1L << 30;

  private final String hostname;
  private final String ip;
  private final SimulatedNodeSpec spec;
  private final SimulatedContainerRuntime runtime;
  private final Clock clock;

  public SimulatedNodeReports(String hostname, String ip, SimulatedNodeSpec spec, SimulatedContainerRuntime runtime,
      Clock clock) {
    this.hostname = Objects.requireNonNull(hostname, "hostname");
    this.ip = Objects.requireNonNull(ip, "ip");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The uuid of GPU {@code index} of node {@code hostname}. */
  public static String gpuUuid(String hostname, int index) {
    return "GPU-sim-" + hostname + "-" + index;
  }

  public String hostname() {
    return hostname;
  }

  public String ip() {
    return ip;
  }

  public SimulatedNodeSpec spec() {
    return spec;
  }

  /** A report of the node now. */
  @Override
  public NodeReport get() {
    List<ContainerSpec> running = runtime.runningSpecs();
    double cpus = 0;
    double memoryGb = 0;
    int jupyter = 0;
    int ray = 0;
    int managed = 0;
    Map<String, String> gpuUser = new HashMap<>();
    for (ContainerSummary summary : runtime.listRunning()) {
      runtime.specOf(summary.id()).ifPresent(c -> c.gpuDeviceUuids().forEach(u -> gpuUser.put(u, summary.id())));
    }
    for (ContainerSpec c : running) {
      cpus += c.cpus();
      memoryGb += c.memoryBytes() / BYTES_PER_GB;
      ContainerSummary asListed = new ContainerSummary("simulated", List.of(c.name()), c.image(), "running", c.labels());
      if (asListed.nameOrImageContains(ContainerCounter.JUPYTER_MARK)) jupyter++;
      if (asListed.nameOrImageContains(ContainerCounter.RAY_MARK)) ray++;
      if (dev.gpuhub.agent.collect.ContainerCounts.isManaged(c.labels())) managed++;
    }
    List<GpuDevice> gpus = new ArrayList<>(spec.gpus());
    for (int i = 0; i < spec.gpus(); i++) {
      String uuid = gpuUuid(hostname, i);
      String container = gpuUser.get(uuid);
      double utilisation = container == null ? 0 : runtime.gpuUtilisationOf(container);
      boolean busy = utilisation > 0;
      long used = busy ? BUSY_GPU_MEMORY_USED_MB : 0;
      List<GpuProcess> processes = busy ? List.of(new GpuProcess(pidOf(container), used, container)) : List.of();
      gpus.add(new GpuDevice(GPU_NAME, i, uuid, GPU_MEMORY_TOTAL_MB, used, round(100.0 * used / GPU_MEMORY_TOTAL_MB),
          utilisation, GPU_TEMPERATURE, processes));
    }
    return new NodeReport(hostname, ip, spec.cores(), spec.ramGb(),
        usage(spec.cpuBasePercent(), cpus, spec.cores()), usage(spec.memBasePercent(), memoryGb, spec.ramGb()),
        DISK_USAGE_PERCENT, !gpus.isEmpty(), gpus, spec.maxContainers(), true, running.size(), jupyter, ray,
        clock.instant(), null, managed);
  }

  /** A stable pid for the container's process, from its id. */
  private static int pidOf(String containerId) {
    return 1000 + Math.floorMod(containerId.hashCode(), 4_000_000);
  }

  private static double usage(double base, double requested, double capacity) {
    return round(Math.min(100, base + LOAD_PERCENT_PER_CAPACITY * requested / capacity));
  }

  private static double round(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }
}
