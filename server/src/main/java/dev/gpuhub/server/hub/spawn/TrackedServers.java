package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.hub.ServerId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The servers the spawner tracks, by {@link ServerId} (stopped and failed ones until replaced),
 * and what is asked of a user's servers together: the other active ones, the named-server limit.
 * Thread-safe.
 */
final class TrackedServers {
  private final Map<ServerId, ActiveServer> servers = new ConcurrentHashMap<>();

  Optional<ActiveServer> get(ServerId id) {
    return Optional.ofNullable(servers.get(id));
  }

  /** Tracks {@code server} under {@code id} unless an active one is there; returns the one tracked now. */
  ActiveServer claim(ServerId id, ActiveServer server) {
    return servers.compute(id, (k, old) -> old != null && old.snapshot().state().isActive() ? old : server);
  }

  void put(ServerId id, ActiveServer server) {
    servers.put(id, server);
  }

  Map<ServerId, ActiveServer> all() {
    return Map.copyOf(servers);
  }

  /** The user's tracked servers, the default one first, then by name. */
  List<ActiveServer> of(String user) {
    return servers.entrySet().stream().filter(e -> e.getKey().user().equals(user))
        .sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
  }

  /** The user's other active servers (not {@code id}). */
  List<ActiveServer.Snapshot> otherActive(ServerId id) {
    return of(id.user()).stream().map(ActiveServer::snapshot)
        .filter(s -> !s.id().equals(id) && s.state().isActive()).toList();
  }

  /** @throws IllegalArgumentException when named servers are off ({@code limit} 0) or the user has {@code limit} active ones */
  void checkNamedServerLimit(ServerId id, int limit) {
    if (limit == 0) throw new IllegalArgumentException("named servers are off on this hub (GPUHUB_NAMED_SERVER_LIMIT=0)");
    long named = otherActive(id).stream().filter(s -> !s.server().isEmpty()).count();
    if (named >= limit) {
      throw new IllegalArgumentException(id.user() + " already has " + named + " named server(s), the most this hub allows"
          + " (GPUHUB_NAMED_SERVER_LIMIT=" + limit + "); stop one first");
    }
  }
}
