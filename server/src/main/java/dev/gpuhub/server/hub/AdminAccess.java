package dev.gpuhub.server.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin's use of another user's server is an explicit step, logged, and lasts {@link #LASTS}:
 * a user's server shares the hub's origin and runs whatever the user put there, so an admin who
 * merely follows a link must not end up running it with their admin session. In memory (a restart
 * asks again); thread-safe.
 */
public final class AdminAccess {
  /** How long one confirmed opening lasts. */
  public static final Duration LASTS = Duration.ofHours(1);
  private static final Logger LOG = LoggerFactory.getLogger(AdminAccess.class);

  private final Clock clock;
  private final Map<String, Instant> until = new ConcurrentHashMap<>();

  public AdminAccess(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records that {@code admin} opens {@code owner}'s server now; logged with both names. */
  public Instant open(String admin, String owner) {
    Instant end = clock.instant().plus(LASTS);
    until.put(key(admin, owner), end);
    LOG.atWarn().addKeyValue("admin", admin).addKeyValue("user", owner).addKeyValue("until", end)
        .log("an admin opened a user's server");
    return end;
  }

  /** Whether {@code admin} opened {@code owner}'s server within the last {@link #LASTS}. */
  public boolean isOpen(String admin, String owner) {
    Instant end = until.get(key(admin, owner));
    if (end == null) return false;
    if (clock.instant().isBefore(end)) return true;
    until.remove(key(admin, owner), end);
    return false;
  }

  private static String key(String admin, String owner) {
    return admin + "\n" + owner;
  }
}
