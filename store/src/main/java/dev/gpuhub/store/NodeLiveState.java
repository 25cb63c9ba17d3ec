package dev.gpuhub.store;

import dev.gpuhub.core.node.NodeReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Live node state with a time-to-live (SPEC §3): the latest report of each node, forgotten
 * {@link #ttl()} after it was put unless a newer one replaces it. A node without live state is not
 * available. Implementations are thread-safe; {@link #put} is on the heartbeat hot path.
 */
public interface NodeLiveState extends AutoCloseable {

  /** Stores {@code report} as its node's live state for {@link #ttl()}, replacing any earlier one. */
  void put(NodeReport report);

  /** The node's unexpired report, or empty when it never reported or its state expired. */
  Optional<NodeReport> get(String hostname);

  /** Every unexpired report, in no particular order. */
  List<NodeReport> all();

  /** How long a report stays live. */
  Duration ttl();

  /** Whether the store answers now; never throws. */
  StoreHealth health();

  /** Releases connections and threads; idempotent. */
  @Override
  void close();
}
