package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.HubServerRecord;
import dev.gpuhub.store.HubServerState;
import dev.gpuhub.store.HubUserRecord;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** {@link ServerLedger} over the durable {@code hub_servers} table (one default server per user). */
public final class HubServerLedger implements ServerLedger {
  private final HubRepository repository;
  private final Clock clock;

  public HubServerLedger(HubRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  @Override
  public void running(ActiveServer.Snapshot s) {
    HubUserRecord user = repository.findUser(s.user())
        .orElseThrow(() -> new IllegalStateException("user " + s.user() + " does not exist"));
    Optional<HubServerRecord> existing = repository.findServer(user.id(), "");
    HubServerRecord base = existing.orElseGet(() -> repository.createServer(HubServerRecord.pending(user.id(), "",
        s.profile(), s.image(), s.nodes(), s.url(), s.token(), s.startedAt())));
    HubServerRecord record = new HubServerRecord(base.id(), user.id(), user.name(), "", s.profile(), s.image(), s.nodes(),
        s.primaryHostname(), s.containerId(), Spawner.containerName(s.user()), s.url(), s.port(), s.token(),
        HubServerState.RUNNING, s.startedAt(), clock.instant(), null, null);
    repository.updateServer(record);
  }

  @Override
  public void ended(String user, ServerState state, String reason) {
    repository.findUser(user).flatMap(u -> repository.findServer(u.id(), "")).ifPresent(rec ->
        repository.updateServerState(rec.id(), state == ServerState.FAILED ? HubServerState.FAILED : HubServerState.STOPPED,
            state == ServerState.FAILED ? reason : null, clock.instant()));
  }

  @Override
  public List<String> lastNodes(String user) {
    return repository.findUser(user).flatMap(u -> repository.findServer(u.id(), "")).map(r -> {
      java.util.LinkedHashSet<String> nodes = new java.util.LinkedHashSet<>();
      if (r.primaryHostname() != null) nodes.add(r.primaryHostname());
      if (r.nodeHostnames() != null) nodes.addAll(r.nodeHostnames());
      return List.copyOf(nodes);
    }).orElse(List.of());
  }

  @Override
  public List<ActiveServer.Snapshot> runningServers() {
    return repository.runningServers().stream()
        .filter(r -> r.port() != null && r.serverToken() != null)
        .map(r -> new ActiveServer.Snapshot(r.userName(), r.profileName(), r.image(), r.nodeHostnames(),
            r.primaryHostname(), null, null, r.containerId(), r.port(), r.serverToken(), ServerState.RUNNING,
            r.startedAt(), null))
        .toList();
  }
}
