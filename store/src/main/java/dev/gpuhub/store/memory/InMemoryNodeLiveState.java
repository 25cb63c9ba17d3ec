package dev.gpuhub.store.memory;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.store.NodeLiveState;
import dev.gpuhub.store.StoreHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link NodeLiveState} in this process's memory, the embedded default. Each entry expires
 * {@link #ttl()} after its put, measured on a monotonic nanosecond source ({@link System#nanoTime}
 * unless a test injects a fake). Expired entries are skipped on read and purged lazily: by
 * {@link #get} for its key and by {@link #all} for every key.
 */
public final class InMemoryNodeLiveState implements NodeLiveState {
  private record Entry(NodeReport report, long expiresAtNanos) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final long ttlNanos;
  private final LongSupplier nanoTime;

  /** Live state with this TTL on the system's monotonic clock. */
  public InMemoryNodeLiveState(Duration ttl) {
    this(ttl, System::nanoTime);
  }

  /** Live state with this TTL on {@code nanoTime}, a monotonic nanosecond source (tests fake it). */
  public InMemoryNodeLiveState(Duration ttl, LongSupplier nanoTime) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    this.ttl = ttl;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  @Override
  public void put(NodeReport report) {
    entries.put(report.hostname(), new Entry(report, nanoTime.getAsLong() + ttlNanos));
  }

  @Override
  public Optional<NodeReport> get(String hostname) {
    Entry entry = entries.get(hostname);
    if (entry == null) return Optional.empty();
    if (expired(entry, nanoTime.getAsLong())) {
      entries.remove(hostname, entry); // only this entry: a newer put may have replaced it
      return Optional.empty();
    }
    return Optional.of(entry.report());
  }

  @Override
  public List<NodeReport> all() {
    long now = nanoTime.getAsLong();
    entries.values().removeIf(entry -> expired(entry, now));
    List<NodeReport> reports = new ArrayList<>(entries.size());
    for (Entry entry : entries.values()) {
      if (!expired(entry, now)) reports.add(entry.report());
    }
    return reports;
  }

  @Override
  public Duration ttl() {
    return ttl;
  }

  @Override
  public StoreHealth health() {
    return new StoreHealth("memory", true, entries.size() + " entries in this process");
  }

  /** Nothing to release. */
  @Override
  public void close() {}

  /** Number of entries held, expired ones not yet purged included (for tests and metrics). */
  public int size() {
    return entries.size();
  }

  private static boolean expired(Entry entry, long now) {
    return now - entry.expiresAtNanos() >= 0; // overflow-safe comparison of nanoTime values
  }
}
