package dev.gpuhub.agent.collect;

import dev.gpuhub.core.node.GpuDevice;
import java.util.List;

/** The GPUs of this node at one moment; {@code hasGpu} is true exactly when {@code gpus} is not empty. */
public record GpuSnapshot(boolean hasGpu, List<GpuDevice> gpus) {
  /** What a node without (working) GPUs reports: has_gpu=false, gpu_info=[]. */
  public static final GpuSnapshot NONE = new GpuSnapshot(false, List.of());

  public GpuSnapshot {
    gpus = List.copyOf(gpus);
    if (hasGpu == gpus.isEmpty()) throw new IllegalArgumentException("hasGpu must equal !gpus.isEmpty()");
  }

  public static GpuSnapshot of(List<GpuDevice> gpus) {
    return gpus.isEmpty() ? NONE : new GpuSnapshot(true, gpus);
  }
}
