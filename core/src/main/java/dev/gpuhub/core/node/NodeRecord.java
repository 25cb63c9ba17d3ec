package dev.gpuhub.core.node;

import java.time.Instant;
import java.util.List;

/**
 * A node as the durable store remembers it (table {@code nodes}): every node ever registered,
 * active or not. {@code isActive} turns false when the inactive sweep finds its live state expired.
 */
public record NodeRecord(
    long id,
    String hostname,
    String ip,
    int cpuCores,
    double ramGb,
    boolean hasGpu,
    List<GpuDevice> gpuInfo,
    boolean isActive,
    int maxContainers,
    Instant lastHeartbeat,
    Instant createdAt,
    Instant updatedAt) {

  public NodeRecord {
    gpuInfo = gpuInfo == null ? List.of() : List.copyOf(gpuInfo);
  }
}
