package dev.gpuhub.core.node;

import java.util.List;
import java.util.Objects;

/**
 * One GPU as an agent reports it (seed field names in JSON: name, index, uuid, memory_total_mb,
 * memory_used_mb, memory_util_percent, utilization_gpu_percent, temperature_gpu).
 * Numbers the driver could not report are {@code null}. {@code processes} are the processes using
 * the GPU (JSON {@code processes}), or {@code null} when the agent does not say (an older agent, or
 * a driver that cannot list them): then only the utilisation tells whether the GPU is in use.
 */
public record GpuDevice(
    String name,
    int index,
    String uuid,
    Long memoryTotalMb,
    Long memoryUsedMb,
    Double memoryUtilPercent,
    Double utilizationGpuPercent,
    Double temperatureGpu,
    List<GpuProcess> processes) {

  /** A GPU whose processes are not known. */
  public GpuDevice(String name, int index, String uuid, Long memoryTotalMb, Long memoryUsedMb, Double memoryUtilPercent,
                   Double utilizationGpuPercent, Double temperatureGpu) {
    this(name, index, uuid, memoryTotalMb, memoryUsedMb, memoryUtilPercent, utilizationGpuPercent, temperatureGpu, null);
  }

  public GpuDevice {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uuid, "uuid");
    if (index < 0) throw new IllegalArgumentException("gpu index must be >= 0, was " + index);
    processes = processes == null ? null : List.copyOf(processes);
  }

  /** The same GPU with its processes known. */
  public GpuDevice withProcesses(List<GpuProcess> value) {
    return new GpuDevice(name, index, uuid, memoryTotalMb, memoryUsedMb, memoryUtilPercent, utilizationGpuPercent,
        temperatureGpu, value);
  }
}
