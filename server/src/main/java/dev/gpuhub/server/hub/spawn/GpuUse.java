package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.activity.GpuActivityTracker;
import java.util.Map;
import java.util.TreeMap;

/**
 * GPU-hours held and held idle by each user's servers (default and named together), from the
 * tracker's totals since the control plane started; training jobs' GPUs are not a person's and are
 * left out.
 */
public final class GpuUse {
  /** @param heldHours GPU-hours held; @param idleHours of those, held while idle */
  public record Hours(double heldHours, double idleHours) {}

  private GpuUse() {}

  public static Map<String, Hours> byUser(Map<String, GpuActivityTracker.Totals> totals) {
    Map<String, Hours> out = new TreeMap<>();
    totals.forEach((owner, t) -> ServerContainers.serverOf(owner).ifPresent(id -> out.merge(id.user(),
        new Hours(t.gpuSeconds() / 3600, t.idleGpuSeconds() / 3600),
        (a, b) -> new Hours(a.heldHours() + b.heldHours(), a.idleHours() + b.idleHours()))));
    return out;
  }
}
