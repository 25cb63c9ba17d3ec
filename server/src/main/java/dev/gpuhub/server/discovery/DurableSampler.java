package dev.gpuhub.server.discovery;

import dev.gpuhub.core.node.NodeReport;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Decides which heartbeats go to the durable store. A node whose description changed (ip, cores,
 * memory, GPUs, max_containers, is_active) is written at once; otherwise at most one heartbeat per
 * node per {@code resolution} is written, which is the resolution of the metric history. With the
 * seed's 15 s heartbeats and the default 1 s resolution every heartbeat is written; the limit only
 * bites when an agent reports faster than the resolution. Thread-safe; a resolution of 0 writes all.
 */
final class DurableSampler {
  private record Written(long atNanos, Object description) {}

  private final long resolutionNanos;
  private final ConcurrentMap<String, Written> lastWritten = new ConcurrentHashMap<>();

  DurableSampler(long resolutionMillis) {
    this.resolutionNanos = resolutionMillis * 1_000_000L;
  }

  /** True when this heartbeat should be written; records it as written when so. */
  boolean shouldWrite(NodeReport report, long nowNanos) {
    if (resolutionNanos == 0) return true;
    Object description = description(report);
    boolean[] write = {false};
    lastWritten.compute(report.hostname(), (host, last) -> {
      if (last == null || nowNanos - last.atNanos >= resolutionNanos || !Objects.equals(last.description, description)) {
        write[0] = true;
        return new Written(nowNanos, description);
      }
      return last;
    });
    return write[0];
  }

  /** Forgets a node so that its next heartbeat is written (e.g. after it was marked inactive). */
  void forget(String hostname) {
    lastWritten.remove(hostname);
  }

  private static Object description(NodeReport r) {
    return List.of(r.ip(), r.cpuCores(), r.ramGb(), r.hasGpu(), r.gpuInfo().stream().map(g -> g.uuid()).toList(),
        r.maxContainers(), r.isActive());
  }
}
