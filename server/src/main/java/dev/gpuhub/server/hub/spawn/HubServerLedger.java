package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.HubServerRecord;
import dev.gpuhub.store.HubServerState;
import dev.gpuhub.store.HubUserRecord;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@link ServerLedger} over the durable {@code hub_servers} table (one row per user and server name), and
 * the usage records ({@code hub_usage}): a server's GPUs and guaranteed cores from running until it ends.
 */
public final class HubServerLedger implements ServerLedger {
  private final HubRepository repository;
  private final Clock clock;
  private final java.util.function.Function<String, Optional<dev.gpuhub.core.profile.Profile>> profiles;

  /** A ledger that records usage with what each server's profile guarantees ({@code profiles}: a profile by name). */
  public HubServerLedger(HubRepository repository, Clock clock,
                         java.util.function.Function<String, Optional<dev.gpuhub.core.profile.Profile>> profiles) {
    this.repository = repository;
    this.clock = clock;
    this.profiles = profiles;
  }

  @Override
  public void running(ActiveServer.Snapshot s) {
    HubUserRecord user = repository.findUser(s.user())
        .orElseThrow(() -> new IllegalStateException("user " + s.user() + " does not exist"));
    Optional<HubServerRecord> existing = repository.findServer(user.id(), s.server());
    HubServerRecord base = existing.orElseGet(() -> repository.createServer(HubServerRecord.pending(user.id(), s.server(),
        s.profile(), s.image(), s.nodes(), s.url(), s.token(), s.startedAt())));
    HubServerRecord record = new HubServerRecord(base.id(), user.id(), user.name(), s.server(), s.profile(), s.image(),
        s.nodes(), s.primaryHostname(), s.containerId(), Spawner.containerName(s.id()), s.url(), s.port(), s.token(),
        HubServerState.RUNNING, s.startedAt(), clock.instant(), null, null);
    repository.updateServer(record);
    int nodes = Math.max(1, s.nodes().size());
    var profile = profiles.apply(s.profile());
    repository.usageStarted(new dev.gpuhub.core.quota.Usage(s.user(), s.server(), s.profile(),
        profile.map(p -> p.gpuCount() * nodes).orElse(0), profile.map(p -> p.cpuGuarantee() * nodes).orElse(0.0),
        clock.instant(), null));
  }

  @Override
  public void requested(ActiveServer.Snapshot s) {
    HubUserRecord user = repository.findUser(s.user())
        .orElseThrow(() -> new IllegalStateException("user " + s.user() + " does not exist"));
    HubServerRecord pending = HubServerRecord.pending(user.id(), s.server(), s.profile(), s.image(), List.of(), s.url(),
        s.token(), s.startedAt());
    Optional<HubServerRecord> existing = repository.findServer(user.id(), s.server());
    if (existing.isEmpty()) {
      repository.createServer(pending);
      return;
    }
    HubServerRecord e = existing.get();
    // the nodes it last ran on stay: they hold the user's home (lastNodes) until it runs somewhere again
    repository.updateServer(new HubServerRecord(e.id(), user.id(), user.name(), s.server(), s.profile(), s.image(),
        e.nodeHostnames(), e.primaryHostname(), null, null, s.url(), null, s.token(), HubServerState.PENDING, s.startedAt(),
        null, null, null));
  }

  @Override
  public List<ActiveServer.Snapshot> pendingServers() {
    return repository.serversIn(java.util.EnumSet.of(HubServerState.PENDING)).stream()
        .filter(r -> r.startedAt() != null)
        .sorted(java.util.Comparator.comparing(HubServerRecord::startedAt))
        .map(r -> new ActiveServer.Snapshot(r.userName(), r.name(), r.profileName(), r.image(), List.of(), null, null, null,
            null, 0, r.serverToken(), ServerState.PENDING, r.startedAt(), null))
        .toList();
  }

  @Override
  public void ended(dev.gpuhub.core.hub.ServerId server, ServerState state, String reason) {
    repository.usageEnded(server.user(), server.name(), clock.instant());
    repository.findUser(server.user()).flatMap(u -> repository.findServer(u.id(), server.name())).ifPresent(rec ->
        repository.updateServerState(rec.id(), state == ServerState.FAILED ? HubServerState.FAILED : HubServerState.STOPPED,
            state == ServerState.FAILED ? reason : null, clock.instant()));
  }

  @Override
  public List<String> lastNodes(String user) {
    return repository.findUser(user).flatMap(u -> repository.serversOf(u.id()).stream()
        .filter(r -> r.startedAt() != null
            && (r.primaryHostname() != null || (r.nodeHostnames() != null && !r.nodeHostnames().isEmpty())))
        .max(java.util.Comparator.comparing(HubServerRecord::startedAt))).map(r -> {
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
        .map(r -> new ActiveServer.Snapshot(r.userName(), r.name(), r.profileName(), r.image(), r.nodeHostnames(),
            r.primaryHostname(), null, null, r.containerId(), r.port(), r.serverToken(), ServerState.RUNNING,
            r.startedAt(), null))
        .toList();
  }
}
