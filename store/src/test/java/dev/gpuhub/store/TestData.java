package dev.gpuhub.store;

import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.Heartbeat;
import dev.gpuhub.core.node.NodeReport;
import java.time.Instant;
import java.util.List;

/** Builders of node reports and heartbeats for store tests. */
public final class TestData {
  /** A fixed instant with microsecond precision (what both databases keep). */
  public static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456Z");

  public static final GpuDevice GPU = new GpuDevice("NVIDIA A100-SXM4-40GB", 0,
      "GPU-1b2c3d4e", 40_960L, 1_024L, 2.5, 37.0, 41.0);

  private TestData() {}

  /** A CPU-only node with 30 % CPU and 40 % memory use. */
  public static NodeReport report(String hostname) {
    return report(hostname, "10.0.0.1", 30.0, List.of());
  }

  public static NodeReport report(String hostname, String ip, Double cpuUsage, List<GpuDevice> gpus) {
    return new NodeReport(hostname, ip, 16, 64.0, cpuUsage, 40.0, null, !gpus.isEmpty(), gpus,
        NodeReport.DEFAULT_MAX_CONTAINERS, true, 3, 2, 1, T0);
  }

  public static Heartbeat heartbeat(String hostname, Instant receivedAt) {
    return new Heartbeat(report(hostname), 42.5, receivedAt);
  }

  public static Heartbeat heartbeat(NodeReport report, Instant receivedAt) {
    return new Heartbeat(report, 42.5, receivedAt);
  }
}
