package dev.gpuhub.server.hub.auth;

import java.time.Duration;

/**
 * Too many login or sign-up attempts, or too many at once: HTTP 429 until {@link #retryAfter()}
 * passes. The message says which and when to try again.
 */
public class TooManyAttemptsException extends RuntimeException {
  private final Duration retryAfter;

  public TooManyAttemptsException(Duration retryAfter) {
    this("too many failed logins for this user name from this address, or from this address", retryAfter);
  }

  /** @param what what there were too many of, without the wait (added here) */
  public TooManyAttemptsException(String what, Duration retryAfter) {
    super(what + "; try again in " + seconds(retryAfter) + " s");
    this.retryAfter = retryAfter;
  }

  /** How long until the next attempt is accepted. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Whole seconds to wait, rounded up, at least 1. */
  public long retryAfterSeconds() {
    return seconds(retryAfter);
  }

  private static long seconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }
}
