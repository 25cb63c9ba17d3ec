package dev.gpuhub.core.node;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A node's state as its agent reported it in one heartbeat (SPEC §2, seed field names in JSON).
 * This is the live state the discovery service keeps with a TTL. Usage percentages are in [0, 100]
 * or {@code null} when the agent could not measure them (scoring then counts them as 100).
 * {@code agentPort} is the port of the agent's authenticated node API on {@code ip}, or
 * {@code null} for an agent without one (such a node can be scored but not spawned on).
 * {@code managedContainers} is how many of the running containers gpuhub started (label
 * {@code gpuhub.user}), or {@code null} from an agent that does not say; placement uses it to count
 * the node's other containers exactly. {@code images} are the image references the node has
 * ({@code repository:tag}), or {@code null} from an agent that does not say; placement prefers
 * nodes that have the image a server starts.
 */
public record NodeReport(
    String hostname,
    String ip,
    int cpuCores,
    double ramGb,
    Double cpuUsagePercent,
    Double memoryUsagePercent,
    Double diskUsagePercent,
    boolean hasGpu,
    List<GpuDevice> gpuInfo,
    int maxContainers,
    boolean isActive,
    int totalContainers,
    int activeJupyterlab,
    int activeRay,
    Instant lastUpdated,
    Integer agentPort,
    Integer managedContainers,
    List<String> images) {

  /** Default {@code max_containers} of a node (SPEC §8). */
  public static final int DEFAULT_MAX_CONTAINERS = 10;

  /** A report from an agent without a node API. */
  public NodeReport(String hostname, String ip, int cpuCores, double ramGb, Double cpuUsagePercent,
                    Double memoryUsagePercent, Double diskUsagePercent, boolean hasGpu, List<GpuDevice> gpuInfo,
                    int maxContainers, boolean isActive, int totalContainers, int activeJupyterlab, int activeRay,
                    Instant lastUpdated) {
    this(hostname, ip, cpuCores, ramGb, cpuUsagePercent, memoryUsagePercent, diskUsagePercent, hasGpu, gpuInfo,
        maxContainers, isActive, totalContainers, activeJupyterlab, activeRay, lastUpdated, null);
  }

  /** A report that does not say how many containers are gpuhub's. */
  public NodeReport(String hostname, String ip, int cpuCores, double ramGb, Double cpuUsagePercent,
                    Double memoryUsagePercent, Double diskUsagePercent, boolean hasGpu, List<GpuDevice> gpuInfo,
                    int maxContainers, boolean isActive, int totalContainers, int activeJupyterlab, int activeRay,
                    Instant lastUpdated, Integer agentPort) {
    this(hostname, ip, cpuCores, ramGb, cpuUsagePercent, memoryUsagePercent, diskUsagePercent, hasGpu, gpuInfo,
        maxContainers, isActive, totalContainers, activeJupyterlab, activeRay, lastUpdated, agentPort, null);
  }

  /** A report that does not say which images the node has. */
  public NodeReport(String hostname, String ip, int cpuCores, double ramGb, Double cpuUsagePercent,
                    Double memoryUsagePercent, Double diskUsagePercent, boolean hasGpu, List<GpuDevice> gpuInfo,
                    int maxContainers, boolean isActive, int totalContainers, int activeJupyterlab, int activeRay,
                    Instant lastUpdated, Integer agentPort, Integer managedContainers) {
    this(hostname, ip, cpuCores, ramGb, cpuUsagePercent, memoryUsagePercent, diskUsagePercent, hasGpu, gpuInfo,
        maxContainers, isActive, totalContainers, activeJupyterlab, activeRay, lastUpdated, agentPort, managedContainers,
        null);
  }

  public NodeReport {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(ip, "ip");
    gpuInfo = gpuInfo == null ? List.of() : List.copyOf(gpuInfo);
    Objects.requireNonNull(lastUpdated, "lastUpdated");
    images = images == null ? null : List.copyOf(images);
    if (managedContainers != null && (managedContainers < 0 || managedContainers > totalContainers)) {
      throw new IllegalArgumentException("managed_containers must be between 0 and total_containers ("
          + totalContainers + "), was " + managedContainers);
    }
    if (agentPort != null && (agentPort < 1 || agentPort > 65535)) {
      throw new IllegalArgumentException("agent_port must be a TCP port, was " + agentPort);
    }
  }

  /** This report with the agent's node API port set. */
  public NodeReport withAgentPort(Integer port) {
    return new NodeReport(hostname, ip, cpuCores, ramGb, cpuUsagePercent, memoryUsagePercent, diskUsagePercent,
        hasGpu, gpuInfo, maxContainers, isActive, totalContainers, activeJupyterlab, activeRay, lastUpdated, port,
        managedContainers, images);
  }

  /** This report with another container count (e.g. plus containers not yet reported). */
  public NodeReport withTotalContainers(int containers) {
    return new NodeReport(hostname, ip, cpuCores, ramGb, cpuUsagePercent, memoryUsagePercent, diskUsagePercent,
        hasGpu, gpuInfo, maxContainers, isActive, containers, activeJupyterlab, activeRay, lastUpdated, agentPort,
        null, images);
  }

  /** Whether the node reported that it has {@code image}; false when it reported no images. */
  public boolean hasImage(String image) {
    return images != null && images.contains(image);
  }

  /** Number of GPUs this node reports. */
  public int gpuCount() {
    return gpuInfo.size();
  }
}
