package dev.gpuhub.server.discovery;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.store.NodeLiveState;
import java.util.List;

/**
 * Reads of every live node, reusing one snapshot for up to {@code maxAgeMillis} so that a burst of
 * selections costs one store round trip (Redis) instead of one each. With 0 every read goes to the
 * store. Reports are up to one heartbeat interval old anyway; the cache adds at most its max age.
 */
final class LiveNodesView {
  private record Snapshot(List<NodeReport> nodes, long takenAtNanos) {}

  private final NodeLiveState live;
  private final long maxAgeNanos;
  private volatile Snapshot snapshot;

  LiveNodesView(NodeLiveState live, long maxAgeMillis) {
    this.live = live;
    this.maxAgeNanos = maxAgeMillis * 1_000_000L;
  }

  List<NodeReport> nodes() {
    if (maxAgeNanos == 0) return live.all();
    Snapshot s = snapshot;
    long now = System.nanoTime();
    if (s != null && now - s.takenAtNanos < maxAgeNanos) return s.nodes;
    synchronized (this) {
      s = snapshot;
      if (s != null && System.nanoTime() - s.takenAtNanos < maxAgeNanos) return s.nodes;
      Snapshot fresh = new Snapshot(List.copyOf(live.all()), System.nanoTime());
      snapshot = fresh;
      return fresh.nodes;
    }
  }
}
