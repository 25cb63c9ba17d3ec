package dev.gpuhub.server.hub.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most so many sign-up attempts per client address per {@link #WINDOW} (GPUHUB_SIGNUPS_PER_ADDRESS),
 * counted when they begin, before the password is hashed: a burst of sign-ups costs the hub at
 * most that many hashes per address. In memory; thread-safe.
 */
public final class SignUpLimit {
  /** The window the limit counts in, from an address's first counted attempt. */
  public static final Duration WINDOW = Duration.ofHours(1);

  private final int perAddress;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private volatile Instant lastPurge;

  public SignUpLimit(int perAddress, Clock clock) {
    if (perAddress < 1) throw new IllegalArgumentException("sign-ups per address must be at least 1, was " + perAddress);
    this.perAddress = perAddress;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastPurge = clock.instant();
  }

  /**
   * Counts a sign-up attempt from {@code ip}.
   *
   * @throws TooManyAttemptsException when the address has used its attempts in this window; nothing counted
   */
  public void begin(String ip) {
    Instant now = clock.instant();
    if (!now.isBefore(lastPurge.plus(WINDOW))) {
      lastPurge = now;
      windows.values().removeIf(w -> w.over(now));
    }
    windows.compute(ip == null ? "" : ip, (k, w) -> {
      if (w == null || w.over(now)) return new Window(now, 1);
      if (w.count >= perAddress) {
        throw new TooManyAttemptsException("too many sign-ups from this address (at most " + perAddress
            + " an hour)", Duration.between(now, w.start.plus(WINDOW)));
      }
      return new Window(w.start, w.count + 1);
    });
  }

  private record Window(Instant start, int count) {
    boolean over(Instant now) {
      return !now.isBefore(start.plus(WINDOW));
    }
  }
}
