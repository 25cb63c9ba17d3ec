package dev.gpuhub.server.discovery;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.store.NodeLiveState;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads of every live node. With a max age of 0 every read goes to the store. Otherwise reads are
 * served from one snapshot (for Redis: one SMEMBERS + MGET instead of one per request); once the
 * snapshot is older than the max age, the next read starts a single background refresh and is
 * served the current snapshot meanwhile, so no request waits for the store. Reports are up to one
 * heartbeat interval old anyway; this adds at most the max age plus one refresh.
 *
 * <p>A node this process heard from within the live state's TTL is live even when the store does
 * not list it: a Redis that restarted empty (or lost a write) never makes a reporting node
 * unavailable until its next heartbeat lands there.
 */
final class LiveNodesView {
  private static final Logger LOG = LoggerFactory.getLogger(LiveNodesView.class);

  private record Snapshot(List<NodeReport> nodes, long takenAtNanos) {}

  /** A node's last report that reached this process, and when. */
  private record Heard(NodeReport report, long atNanos) {}

  private final NodeLiveState live;
  private final long maxAgeNanos;
  private final Executor refresher;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Snapshot snapshot;
  /** The live store's TTL, on the monotonic clock as the stores' own. */
  private final long ttlNanos;
  private final java.util.Map<String, Heard> heard = new java.util.concurrent.ConcurrentHashMap<>();

  LiveNodesView(NodeLiveState live, long maxAgeMillis) {
    this.live = live;
    this.ttlNanos = live.ttl().toNanos();
    this.maxAgeNanos = maxAgeMillis * 1_000_000L;
    this.refresher = task -> {
      Thread t = new Thread(task, "live-state-refresh");
      t.setDaemon(true);
      t.start();
    };
  }

  List<NodeReport> nodes() {
    if (maxAgeNanos == 0) return take().nodes;
    Snapshot s = snapshot;
    if (s == null) {
      synchronized (this) {
        if (snapshot == null) snapshot = take();
        return snapshot.nodes;
      }
    }
    if (System.nanoTime() - s.takenAtNanos >= maxAgeNanos && refreshing.compareAndSet(false, true)) {
      refresher.execute(() -> {
        try {
          snapshot = take();
        } catch (RuntimeException e) {
          // the previous snapshot, with what this process heard since: fresh reports, as the store would have them
          snapshot = withHeard(s.nodes, System.nanoTime());
          LOG.atWarn().setCause(e).log("refreshing live node state failed; serving the previous snapshot with the"
              + " heartbeats heard since");
        } finally {
          refreshing.set(false);
        }
      });
    }
    return s.nodes;
  }

  /**
   * A heartbeat was just stored: a node the snapshot does not know yet is added to it at once, so a
   * node that joins, or comes back after the live store lost it, is available with its first
   * heartbeat rather than after the next refresh. Known nodes wait for the refresh as before.
   */
  void noted(NodeReport report) {
    if (maxAgeNanos == 0) return;
    synchronized (this) {
      Snapshot s = snapshot;
      if (s == null || s.nodes.stream().anyMatch(n -> n.hostname().equals(report.hostname()))) return;
      List<NodeReport> next = new java.util.ArrayList<>(s.nodes);
      next.add(report);
      snapshot = new Snapshot(List.copyOf(next), s.takenAtNanos);
    }
  }

  /** A heartbeat reached this process (whether or not the live store took it). */
  void heard(NodeReport report) {
    heard.put(report.hostname(), new Heard(report, System.nanoTime()));
  }

  /** The store's live nodes, and those heard from within the TTL that it does not list. */
  private Snapshot take() {
    long at = System.nanoTime();
    List<NodeReport> stored = live.all();
    heard.values().removeIf(h -> at - h.atNanos() >= ttlNanos);
    java.util.Set<String> listed = new java.util.HashSet<>();
    stored.forEach(n -> listed.add(n.hostname()));
    List<NodeReport> all = new java.util.ArrayList<>(stored);
    for (Heard h : heard.values()) if (!listed.contains(h.report().hostname())) all.add(h.report());
    return new Snapshot(List.copyOf(all), at);
  }

  /**
   * {@code nodes} (a snapshot the store could not refresh) with every node heard from within the TTL
   * as last heard: what this process heard replaces or adds, the rest stays as it was.
   */
  private Snapshot withHeard(List<NodeReport> nodes, long at) {
    heard.values().removeIf(h -> at - h.atNanos() >= ttlNanos);
    java.util.Map<String, NodeReport> byName = new java.util.LinkedHashMap<>();
    nodes.forEach(n -> byName.put(n.hostname(), n));
    heard.values().forEach(h -> byName.put(h.report().hostname(), h.report()));
    return new Snapshot(List.copyOf(byName.values()), at);
  }
}
