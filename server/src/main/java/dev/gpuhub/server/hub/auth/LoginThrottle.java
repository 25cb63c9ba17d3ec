package dev.gpuhub.server.hub.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing, per user name and per client address, in memory. Failures of a key
 * count until {@link #WINDOW} passes without one. After {@link #FREE_FAILURES} counted failures,
 * each further attempt must wait {@link #FIRST_LOCKOUT} after the latest failure, doubling with
 * every further failure up to {@link #MAX_LOCKOUT}. A refused attempt is not a failure (nothing
 * was checked). A successful login clears its user name's count, not its address's. Thread-safe.
 */
public final class LoginThrottle {
  /** Failures of a key allowed before attempts are refused. */
  public static final int FREE_FAILURES = 5;
  /** A key's failures are forgotten when this long passes without a new one. */
  public static final Duration WINDOW = Duration.ofMinutes(10);
  /** Wait after the failure that reaches {@link #FREE_FAILURES}. */
  public static final Duration FIRST_LOCKOUT = Duration.ofSeconds(10);
  /** Longest wait. */
  public static final Duration MAX_LOCKOUT = Duration.ofMinutes(10);
  /** Longest user name kept as a key (longer ones are cut), to bound memory. */
  static final int MAX_KEY_CHARS = 64;

  private final Map<String, Failures> failures = new ConcurrentHashMap<>();
  private final Clock clock;
  private volatile Instant lastPurge;

  public LoginThrottle(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastPurge = clock.instant();
  }

  /**
   * Refuses an attempt for this user name from this address while either is locked out.
   *
   * @throws TooManyAttemptsException with the longer of the two waits
   */
  public void check(String username, String ip) {
    Instant now = clock.instant();
    Duration wait = max(wait(userKey(username), now), wait(ipKey(ip), now));
    if (!wait.isZero()) throw new TooManyAttemptsException(wait);
  }

  /** Counts a failed attempt against the user name and the address. */
  public void recordFailure(String username, String ip) {
    Instant now = clock.instant();
    purgeIfDue(now);
    count(userKey(username), now);
    count(ipKey(ip), now);
  }

  /** Forgets the user name's failures after a successful login. */
  public void recordSuccess(String username) {
    failures.remove(userKey(username));
  }

  /** Wait after {@code n} counted failures: zero up to {@link #FREE_FAILURES}, then doubling. */
  static Duration lockout(int n) {
    if (n < FREE_FAILURES) return Duration.ZERO;
    int doublings = Math.min(n - FREE_FAILURES, 30);
    Duration d = FIRST_LOCKOUT.multipliedBy(1L << doublings);
    return d.compareTo(MAX_LOCKOUT) > 0 ? MAX_LOCKOUT : d;
  }

  private Duration wait(String key, Instant now) {
    Failures f = failures.get(key);
    if (f == null || f.forgotten(now)) return Duration.ZERO;
    Instant until = f.last.plus(lockout(f.count));
    return now.isBefore(until) ? Duration.between(now, until) : Duration.ZERO;
  }

  private void count(String key, Instant now) {
    failures.compute(key, (k, f) -> f == null || f.forgotten(now) ? new Failures(1, now)
        : new Failures(f.count + 1, now));
  }

  private void purgeIfDue(Instant now) {
    if (now.isBefore(lastPurge.plus(WINDOW))) return;
    lastPurge = now;
    failures.values().removeIf(f -> f.forgotten(now));
  }

  private static String userKey(String username) {
    String name = Credentials.normalize(username);
    return "user:" + (name.length() > MAX_KEY_CHARS ? name.substring(0, MAX_KEY_CHARS) : name);
  }

  private static String ipKey(String ip) {
    return "ip:" + (ip == null ? "" : ip);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** {@code count} failures of one key, the latest at {@code last}. */
  private record Failures(int count, Instant last) {
    boolean forgotten(Instant now) {
      // a lockout always ends within the window, so forgetting never shortens one
      return !now.isBefore(last.plus(WINDOW));
    }
  }
}
