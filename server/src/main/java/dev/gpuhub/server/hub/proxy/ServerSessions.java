package dev.gpuhub.server.hub.proxy;

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
 * Sessions on users' subdomains ({@link Subdomains}): the hub's session cookie never reaches a
 * subdomain, so the hub hands a logged-in caller a one-time code ({@link #CODE_LIFETIME}) that the
 * subdomain exchanges for a cookie of its own ({@value #COOKIE}, host-only, HttpOnly), good for
 * that one user's server only. In memory; thread-safe.
 */
public final class ServerSessions {
  /** The subdomain's session cookie. */
  public static final String COOKIE = "gpuhub-server-session";
  /** A code must be exchanged this soon after it is issued. */
  public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);

  /** Who holds a code or session: the caller, for the server of {@code owner}. */
  public record Grant(String caller, String owner) {}

  private record Held(Grant grant, Instant until) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Held> codes = new ConcurrentHashMap<>();
  private final Map<String, Held> sessions = new ConcurrentHashMap<>();
  private final Duration idle;
  private final Clock clock;

  /** @param idle a session unused this long ends (the hub's session idle time) */
  public ServerSessions(Duration idle, Clock clock) {
    this.idle = Objects.requireNonNull(idle, "idle");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A new one-time code for {@code caller} to open {@code owner}'s server. */
  public String issueCode(String caller, String owner) {
    Instant now = clock.instant();
    codes.values().removeIf(h -> !now.isBefore(h.until()));
    String code = token();
    codes.put(code, new Held(new Grant(caller, owner), now.plus(CODE_LIFETIME)));
    return code;
  }

  /** Exchanges a live code of {@code owner}'s server for a session id; empty when unknown, used, expired or another's. */
  public Optional<String> exchange(String code, String owner) {
    if (code == null) return Optional.empty();
    Held held = codes.remove(code);
    Instant now = clock.instant();
    if (held == null || !now.isBefore(held.until()) || !held.grant().owner().equals(owner)) return Optional.empty();
    String id = token();
    sessions.put(id, new Held(held.grant(), now.plus(idle)));
    return Optional.of(id);
  }

  /** The grant of a live session, renewed by the use. */
  public Optional<Grant> lookup(String id) {
    if (id == null) return Optional.empty();
    Instant now = clock.instant();
    Held held = sessions.get(id);
    if (held == null) return Optional.empty();
    if (!now.isBefore(held.until())) {
      sessions.remove(id, held);
      return Optional.empty();
    }
    sessions.replace(id, held, new Held(held.grant(), now.plus(idle)));
    return Optional.of(held.grant());
  }

  /** Ends every session and code of {@code caller} (they logged out, or were deleted). */
  public void endAllOf(String caller) {
    sessions.values().removeIf(h -> h.grant().caller().equals(caller));
    codes.values().removeIf(h -> h.grant().caller().equals(caller));
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
