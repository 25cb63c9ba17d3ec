package dev.gpuhub.core.node;

import java.util.Objects;

/**
 * One GPU as an agent reports it (seed field names in JSON: name, index, uuid, memory_total_mb,
 * memory_used_mb, memory_util_percent, utilization_gpu_percent, temperature_gpu).
 * Numbers the driver could not report are {@code null}.
 */
public record GpuDevice(
    String name,
    int index,
    String uuid,
    Long memoryTotalMb,
    Long memoryUsedMb,
    Double memoryUtilPercent,
    Double utilizationGpuPercent,
    Double temperatureGpu) {

  public GpuDevice {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uuid, "uuid");
    if (index < 0) throw new IllegalArgumentException("gpu index must be >= 0, was " + index);
  }
}
