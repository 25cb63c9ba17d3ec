package dev.gpuhub.server.hub.proxy;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's routes, one per user with a running server, and the last time traffic went through
 * each (the idle culler reads it). Thread-safe.
 */
public final class RouteTable {
  private final Map<String, ProxyRoute> routes = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastActivity = new ConcurrentHashMap<>();
  private final Clock clock;

  public RouteTable(Clock clock) {
    this.clock = clock;
  }

  /** Routes {@code /user/<route.user>/} to the route's server (replacing an older route). */
  public void add(ProxyRoute route) {
    routes.put(route.user(), route);
    lastActivity.put(route.user(), clock.instant());
  }

  /** Removes the user's route; later requests get no server. */
  public void remove(String user) {
    routes.remove(user);
    lastActivity.remove(user);
  }

  public Optional<ProxyRoute> get(String user) {
    return Optional.ofNullable(routes.get(user));
  }

  /** Records traffic for the user's server now. */
  public void touch(String user) {
    if (routes.containsKey(user)) lastActivity.put(user, clock.instant());
  }

  /** When traffic last went to the user's server (or when the route was added). */
  /**
   * Activity the user's server itself reported (JupyterHub's activity API: kernels busy, terminals
   * used, with no request through the proxy): moves the last activity forward to {@code at}, never
   * back, never past now.
   */
  public void reportActivity(String user, Instant at) {
    if (!routes.containsKey(user)) return;
    Instant now = clock.instant();
    Instant when = at.isAfter(now) ? now : at;
    lastActivity.merge(user, when, (old, reported) -> reported.isAfter(old) ? reported : old);
  }

  public Optional<Instant> lastActivity(String user) {
    return Optional.ofNullable(lastActivity.get(user));
  }

  /** A copy of every route by user. */
  public Map<String, ProxyRoute> all() {
    return Map.copyOf(routes);
  }
}
