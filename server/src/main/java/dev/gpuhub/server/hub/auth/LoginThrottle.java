package dev.gpuhub.server.hub.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing, in memory, without letting anyone lock an account out from
 * elsewhere. An attempt is counted when it {@linkplain #begin begins}, before the password is
 * checked, so that attempts running at the same time count too; a successful one is
 * {@linkplain #succeeded taken back}. Two keys are counted:
 * <ul>
 *   <li>user name and client address: {@link #FREE_PER_NAME_AND_ADDRESS} attempts, then waits;</li>
 *   <li>client address alone: {@link #FREE_PER_ADDRESS} attempts, then waits.</li>
 * </ul>
 * A user name alone is never locked (that would let anyone lock anyone out); its failures from all
 * addresses are counted only to log an alert every {@link #ALERT_EVERY} of them. After a key's free
 * attempts, each further attempt must wait {@link #FIRST_LOCKOUT} after the latest counted one,
 * doubling with every further one up to {@link #MAX_LOCKOUT}. A refused attempt is not counted
 * (nothing was checked). A key's count is forgotten when {@link #WINDOW} passes without a new
 * attempt. Thread-safe: the check and the count of a key are one atomic step.
 */
public final class LoginThrottle {
  /** Attempts of one user name from one address allowed before further ones wait. */
  public static final int FREE_PER_NAME_AND_ADDRESS = 5;
  /** Attempts from one address, for any names, allowed before further ones wait. */
  public static final int FREE_PER_ADDRESS = 20;
  /** A user name's failures from all addresses that make an alert in the log (at each multiple). */
  public static final int ALERT_EVERY = 20;
  /** A key's count is forgotten when this long passes without a new attempt. */
  public static final Duration WINDOW = Duration.ofMinutes(10);
  /** Wait after the attempt that uses up a key's free ones. */
  public static final Duration FIRST_LOCKOUT = Duration.ofSeconds(10);
  /** Longest wait. */
  public static final Duration MAX_LOCKOUT = Duration.ofMinutes(10);
  /** Longest user name kept as a key (longer ones are cut), to bound memory. */
  static final int MAX_KEY_CHARS = 64;
  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);

  private final Map<String, Count> counts = new ConcurrentHashMap<>();
  private final Clock clock;
  private volatile Instant lastPurge;

  public LoginThrottle(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastPurge = clock.instant();
  }

  /**
   * Admits an attempt for this user name from this address and counts it, or refuses it while
   * the name from this address, or the address, has used its free attempts and must still wait.
   *
   * @throws TooManyAttemptsException with the wait; nothing was counted
   */
  public void begin(String username, String ip) {
    Instant now = clock.instant();
    purgeIfDue(now);
    String address = addressKey(ip);
    String pair = pairKey(username, ip);
    Duration addressWait = wait(address, FREE_PER_ADDRESS, now);
    if (!addressWait.isZero()) throw new TooManyAttemptsException(addressWait);
    countUnlessLocked(pair, FREE_PER_NAME_AND_ADDRESS, now);
    count(address, now);
    Count byName = count(nameKey(username), now);
    if (byName.n % ALERT_EVERY == 0) {
      LOG.atWarn().addKeyValue("user", name(username)).addKeyValue("attempts", byName.n)
          .addKeyValue("latest_address", ip)
          .log("many failed logins for one user name: someone may be guessing its password");
    }
  }

  /** Takes back the attempt {@link #begin} counted: the login succeeded. Clears the name's count from this address. */
  public void succeeded(String username, String ip) {
    counts.remove(pairKey(username, ip));
    uncount(addressKey(ip));
    uncount(nameKey(username));
  }

  /** Wait after {@code n} counted attempts of a key with {@code free} free ones: zero below, then doubling. */
  static Duration lockout(int n, int free) {
    if (n < free) return Duration.ZERO;
    int doublings = Math.min(n - free, 30);
    Duration d = FIRST_LOCKOUT.multipliedBy(1L << doublings);
    return d.compareTo(MAX_LOCKOUT) > 0 ? MAX_LOCKOUT : d;
  }

  private Duration wait(String key, int free, Instant now) {
    Count c = counts.get(key);
    return c == null ? Duration.ZERO : c.wait(free, now);
  }

  private void countUnlessLocked(String key, int free, Instant now) {
    counts.compute(key, (k, c) -> {
      if (c == null || c.forgotten(now)) return new Count(1, now);
      Duration wait = c.wait(free, now);
      if (!wait.isZero()) throw new TooManyAttemptsException(wait);
      return new Count(c.n + 1, now);
    });
  }

  private Count count(String key, Instant now) {
    return counts.compute(key, (k, c) -> c == null || c.forgotten(now) ? new Count(1, now) : new Count(c.n + 1, now));
  }

  private void uncount(String key) {
    counts.computeIfPresent(key, (k, c) -> c.n <= 1 ? null : new Count(c.n - 1, c.last));
  }

  private void purgeIfDue(Instant now) {
    if (now.isBefore(lastPurge.plus(WINDOW))) return;
    lastPurge = now;
    counts.values().removeIf(c -> c.forgotten(now));
  }

  private static String name(String username) {
    String name = Credentials.normalize(username);
    return name.length() > MAX_KEY_CHARS ? name.substring(0, MAX_KEY_CHARS) : name;
  }

  private static String pairKey(String username, String ip) {
    return "pair:" + name(username) + "@" + (ip == null ? "" : ip);
  }

  private static String nameKey(String username) {
    return "name:" + name(username);
  }

  private static String addressKey(String ip) {
    return "ip:" + (ip == null ? "" : ip);
  }

  /** {@code n} attempts counted against one key, the latest at {@code last}. */
  private record Count(int n, Instant last) {
    boolean forgotten(Instant now) {
      // a lockout always ends within the window, so forgetting never shortens one
      return !now.isBefore(last.plus(WINDOW));
    }

    Duration wait(int free, Instant now) {
      if (forgotten(now)) return Duration.ZERO;
      Instant until = last.plus(lockout(n, free));
      return now.isBefore(until) ? Duration.between(now, until) : Duration.ZERO;
    }
  }
}
