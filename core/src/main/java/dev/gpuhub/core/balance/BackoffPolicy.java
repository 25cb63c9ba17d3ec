package dev.gpuhub.core.balance;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a backend that failed stays out of rotation: {@code initial} after the first failure,
 * doubled after each further consecutive failure, never more than {@code max}. A success resets it.
 */
public record BackoffPolicy(Duration initial, Duration max) {

  /** 1 s, doubling up to 30 s. */
  public static final BackoffPolicy DEFAULT = new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30));

  public BackoffPolicy {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative()) throw new IllegalArgumentException("initial back-off must not be negative, was " + initial);
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max back-off (" + max + ") must be at least the initial one (" + initial + ")");
    }
  }

  /** The delay after {@code consecutiveFailures} (at least 1) failures in a row, in nanoseconds. */
  public long delayNanos(int consecutiveFailures) {
    long initialNanos = initial.toNanos();
    long maxNanos = max.toNanos();
    int doublings = Math.max(0, consecutiveFailures - 1);
    long delay = initialNanos;
    for (int i = 0; i < doublings && delay < maxNanos; i++) {
      delay = delay > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : delay * 2;
    }
    return Math.min(delay, maxNanos);
  }
}
