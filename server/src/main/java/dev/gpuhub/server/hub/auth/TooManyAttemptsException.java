package dev.gpuhub.server.hub.auth;

import java.time.Duration;

/** Too many failed logins for this user name or address: HTTP 429 until {@link #retryAfter()} passes. */
public class TooManyAttemptsException extends RuntimeException {
  private final Duration retryAfter;

  public TooManyAttemptsException(Duration retryAfter) {
    super("too many failed logins for this user name or from this address; try again in "
        + seconds(retryAfter) + " s");
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
