package dev.gpuhub.agent.collect;

import dev.gpuhub.core.node.NodeReport;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Assembles one complete heartbeat payload (every SPEC §2 field) from the host, GPU and container
 * collectors. {@link #get()} blocks for the CPU sample plus at most the nvidia-smi and Docker
 * timeouts, and never throws for a missing GPU tool or container daemon.
 */
public final class NodeReportCollector implements Supplier<NodeReport> {
  private final String hostnameOverride;
  private final String ipOverride;
  private final int maxContainers;
  private final HostMetricsCollector host;
  private final NvidiaSmiGpuCollector gpus;
  private final ContainerCounter containers;
  private final Clock clock;

  /**
   * @param hostnameOverride reported host name, or {@code null} for the OS host name
   * @param ipOverride       reported address, or {@code null} for {@link LocalHost#ipv4()}
   * @param maxContainers    containers this node accepts (seed default 10)
   */
  public NodeReportCollector(String hostnameOverride, String ipOverride, int maxContainers, HostMetricsCollector host,
      NvidiaSmiGpuCollector gpus, ContainerCounter containers, Clock clock) {
    this.hostnameOverride = hostnameOverride;
    this.ipOverride = ipOverride;
    this.maxContainers = maxContainers;
    this.host = host;
    this.gpus = gpus;
    this.containers = containers;
    this.clock = clock;
  }

  /** Collects a fresh report; last_updated is the clock's instant when collection ends. */
  @Override
  public NodeReport get() {
    HostMetrics metrics = host.collect();
    GpuSnapshot gpu = gpus.collect();
    ContainerCounts counts = containers.count();
    return new NodeReport(
        hostnameOverride != null ? hostnameOverride : LocalHost.hostname(),
        ipOverride != null ? ipOverride : LocalHost.ipv4(),
        metrics.cpuCores(), metrics.ramGb(),
        metrics.cpuUsagePercent(), metrics.memoryUsagePercent(), metrics.diskUsagePercent(),
        gpu.hasGpu(), gpu.gpus(),
        maxContainers, true,
        counts.total(), counts.jupyterlab(), counts.ray(),
        clock.instant(), null, counts.managed(), containers.images());
  }
}
