package dev.gpuhub.server.hub.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login sessions, in memory: a hub restart logs everyone out. A session id is
 * {@link #SESSION_ID_BYTES} random bytes (URL-safe base64); a session unused for the idle timeout
 * ends. Each session holds a snapshot of its user, which {@link #updateUser} and
 * {@link #removeUser} keep in step with changes made through {@link UserAccounts}. Thread-safe.
 */
public final class SessionStore {
  /** Random bytes per session id. */
  public static final int SESSION_ID_BYTES = 32;
  /** How often, at most, expired sessions are swept out when a new one is made. */
  static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Duration idleTimeout;
  private final Clock clock;
  private volatile Instant lastPurge;

  public SessionStore(Duration idleTimeout, Clock clock) {
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastPurge = clock.instant();
  }

  /** Starts a session of {@code user}; returns its id, the cookie value. */
  public String create(HubUser user) {
    Objects.requireNonNull(user, "user");
    purgeIfDue();
    byte[] bytes = new byte[SESSION_ID_BYTES];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    sessions.put(id, new Session(user, clock.instant()));
    return id;
  }

  /**
   * The user of session {@code id}, marking the session used now; empty (and the session ended)
   * when it was idle longer than the timeout, and empty for an unknown or null id.
   */
  public Optional<HubUser> lookup(String id) {
    if (id == null) return Optional.empty();
    Session s = sessions.get(id);
    if (s == null) return Optional.empty();
    Instant now = clock.instant();
    if (expired(s, now)) {
      sessions.remove(id, s);
      return Optional.empty();
    }
    s.lastUsed = now;
    return Optional.of(s.user);
  }

  /** Ends session {@code id}; returns its user, empty when there was no such session. */
  public Optional<HubUser> remove(String id) {
    if (id == null) return Optional.empty();
    Session s = sessions.remove(id);
    return s == null ? Optional.empty() : Optional.of(s.user);
  }

  /** Ends every session of the user with this name; returns how many. */
  public int removeUser(String name) {
    int[] removed = {0};
    sessions.entrySet().removeIf(e -> {
      boolean match = e.getValue().user.name().equals(name);
      if (match) removed[0]++;
      return match;
    });
    return removed[0];
  }

  /** Replaces the user snapshot in every session of {@code user.name()} (e.g. a new admin flag). */
  public void updateUser(HubUser user) {
    for (Session s : sessions.values()) {
      if (s.user.name().equals(user.name())) s.user = user;
    }
  }

  /** Sessions held now, expired ones not yet swept included. */
  public int size() {
    return sessions.size();
  }

  private boolean expired(Session s, Instant now) {
    return !now.isBefore(s.lastUsed.plus(idleTimeout));
  }

  private void purgeIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(lastPurge.plus(PURGE_INTERVAL))) return;
    lastPurge = now;
    sessions.values().removeIf(s -> expired(s, now));
  }

  private static final class Session {
    volatile HubUser user;
    volatile Instant lastUsed;

    Session(HubUser user, Instant lastUsed) {
      this.user = user;
      this.lastUsed = lastUsed;
    }
  }
}
