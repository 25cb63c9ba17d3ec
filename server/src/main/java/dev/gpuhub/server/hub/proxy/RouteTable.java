package dev.gpuhub.server.hub.proxy;

import dev.gpuhub.core.hub.ServerId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's routes, one per running server (a user's default one and their named ones), and the
 * last time traffic went through each (the idle culler reads it). Thread-safe.
 */
public final class RouteTable {
  private final Map<ServerId, ProxyRoute> routes = new ConcurrentHashMap<>();
  private final Map<ServerId, Instant> lastActivity = new ConcurrentHashMap<>();
  private final Clock clock;

  public RouteTable(Clock clock) {
    this.clock = clock;
  }

  /** Routes the server's prefix to it (replacing an older route). */
  public void add(ProxyRoute route) {
    routes.put(route.server(), route);
    lastActivity.put(route.server(), clock.instant());
  }

  /** Removes the server's route; later requests get no server. */
  public void remove(ServerId server) {
    routes.remove(server);
    lastActivity.remove(server);
  }

  /** The route of the user's default server. */
  public Optional<ProxyRoute> get(String user) {
    return get(ServerId.defaultOf(user));
  }

  public Optional<ProxyRoute> get(ServerId server) {
    return Optional.ofNullable(routes.get(server));
  }

  /**
   * The server a path under {@code /user/<user>/} goes to: the named server whose name is the
   * path's next segment when that server has a route, else the default server.
   */
  public ServerId serverFor(String user, String rest) {
    int slash = rest.indexOf('/');
    String segment = slash < 0 ? rest : rest.substring(0, slash);
    if (!segment.isEmpty() && ServerId.NAME.matcher(segment).matches() && !ServerId.RESERVED_NAMES.contains(segment)) {
      ServerId named = new ServerId(user, segment);
      if (routes.containsKey(named)) return named;
    }
    return ServerId.defaultOf(user);
  }

  /** Records traffic for the server now. */
  public void touch(ServerId server) {
    if (routes.containsKey(server)) lastActivity.put(server, clock.instant());
  }

  /**
   * Activity the server itself reported (JupyterHub's activity API: kernels busy, terminals used,
   * with no request through the proxy): moves the last activity forward to {@code at}, never back,
   * never past now.
   */
  public void reportActivity(ServerId server, Instant at) {
    if (!routes.containsKey(server)) return;
    Instant now = clock.instant();
    Instant when = at.isAfter(now) ? now : at;
    lastActivity.merge(server, when, (old, reported) -> reported.isAfter(old) ? reported : old);
  }

  /** When traffic last went to the server (or when its route was added). */
  public Optional<Instant> lastActivity(ServerId server) {
    return Optional.ofNullable(lastActivity.get(server));
  }

  /** A copy of every route by server. */
  public Map<ServerId, ProxyRoute> all() {
    return Map.copyOf(routes);
  }
}
