package dev.gpuhub.core.allocation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The recent pace at which a queue class frees room, for wait estimates: the mean gap between its
 * last {@value #WINDOW} releases. Not thread-safe: the engine's lock guards it.
 */
final class ReleasePace {
  static final int WINDOW = 20;
  private final Deque<Instant> releases = new ArrayDeque<>();

  void released(Instant at) {
    releases.addLast(at);
    while (releases.size() > WINDOW) releases.removeFirst();
  }

  /** Seconds until the request at {@code position} is likely served, or null with fewer than 2 releases seen. */
  Long estimateSeconds(int position) {
    if (releases.size() < 2) return null;
    double gap = Duration.between(releases.getFirst(), releases.getLast()).toMillis() / 1000.0 / (releases.size() - 1);
    return Math.round(gap * position);
  }
}
