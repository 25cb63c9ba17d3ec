package dev.gpuhub.agent.heartbeat;

import java.time.Duration;

/**
 * Exponential retry delays: {@code initial}, then doubling, never above {@code cap};
 * {@link #reset()} starts over. Not thread-safe; the heartbeat loop owns it.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration cap;
  private Duration next;

  public Backoff(Duration initial, Duration cap) {
    if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial backoff must be positive");
    if (cap.compareTo(initial) < 0) initial = cap;
    this.initial = initial;
    this.cap = cap;
    this.next = initial;
  }

  /** The delay before the next retry; each call doubles the following one up to the cap. */
  public Duration next() {
    Duration current = next;
    Duration doubled = current.multipliedBy(2);
    next = doubled.compareTo(cap) > 0 ? cap : doubled;
    return current;
  }

  /** After a success: the next failure waits {@code initial} again. */
  public void reset() {
    next = initial;
  }
}
