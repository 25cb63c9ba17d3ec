package dev.gpuhub.server.hub.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the database last said of a key (an account, a token), standing in for it while the
 * database cannot be asked (a PostgreSQL restart), for at most {@link #GRACE} after it said so.
 * Nothing can be changed in the database while it is down; a change made through the hub forgets
 * the key at once. Bounded: cleared when it holds more than 10,000 keys. Thread-safe.
 */
final class OutageMemory<V> {
  /** How long an answer of the database may stand in for it. */
  static final Duration GRACE = Duration.ofMinutes(10);
  private static final int MAX_KEYS = 10_000;

  private record Seen<V>(V value, Instant at) {}

  private final Map<String, Seen<V>> seen = new ConcurrentHashMap<>();

  /** The database answered {@code value} for {@code key} at {@code at}. */
  void remember(String key, V value, Instant at) {
    if (seen.size() > MAX_KEYS) seen.clear();
    seen.put(key, new Seen<>(value, at));
  }

  /** What the database said of {@code key} within the grace before {@code now}, if it did. */
  Optional<V> standIn(String key, Instant now) {
    Seen<V> s = seen.get(key);
    return s == null || !now.isBefore(s.at().plus(GRACE)) ? Optional.empty() : Optional.of(s.value());
  }

  void forget(String key) {
    seen.remove(key);
  }

  void forgetAll() {
    seen.clear();
  }
}
