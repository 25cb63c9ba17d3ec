package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.HomeMover;
import dev.gpuhub.server.workload.HomeQuota;
import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.server.workload.LaunchException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a user's home is and how a server gets to it, with volume homes (one copy per node):
 * the home is on the nodes of the user's last server; placement prefers them (a soft preference);
 * when the server must go elsewhere the home is moved there first ({@link HomeMover}); when the
 * node holding it is not reporting the user chooses ({@link HomeChoice}) instead of losing sight
 * of the files. With path homes (shared storage) or none there is nothing to prefer or move.
 */
final class HomePlacement {
  private static final Logger LOG = LoggerFactory.getLogger(HomePlacement.class);
  /** How often a spawn that waits for the home's node looks again. */
  static final Duration WAIT_POLL = Duration.ofSeconds(1);

  /** What a user wants when the node holding their home is not reporting. */
  public enum HomeChoice {
    /** Nothing chosen yet: the spawn stops and says where the home is and what can be done. */
    ASK,
    /** Wait until the node reports again, then start (moving the home when the server goes elsewhere). */
    WAIT,
    /** Start now with an empty home in the container, lost when it stops; the real home stays where it is. */
    SCRATCH;

    /** The choice named {@code name} ({@code wait}, {@code scratch}); ASK for null. */
    static HomeChoice parse(String name) {
      if (name == null || name.isBlank()) return ASK;
      try {
        return valueOf(name.strip().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("home must be \"wait\" or \"scratch\", was '" + name + "'");
      }
    }
  }

  /** The spawn stopped because the node holding the home is not reporting; the user chooses how to go on. */
  static final class HomeUnavailableException extends LaunchException {
    final String node;

    HomeUnavailableException(String node) {
      super("your home is on " + node + ", which is not reporting (down, or its agent is), so your files there cannot "
          + "be moved now. Wait for " + node + " to come back, or start with an empty scratch home (its files are lost "
          + "when the server stops; your home on " + node + " is kept)");
      this.node = node;
    }
  }

  private final Homes homes;
  private final ServerLedger ledger;
  private final ClusterView cluster;
  private final HomeMover mover;
  private final dev.gpuhub.server.workload.AgentClient agents;
  /** Users whose last server ran with a scratch home: where their real home is (in memory only). */
  private final Map<String, List<String>> homeWhileScratch = new ConcurrentHashMap<>();

  HomePlacement(Homes homes, ServerLedger ledger, ClusterView cluster, dev.gpuhub.server.workload.AgentClient agents) {
    this.homes = homes;
    this.ledger = ledger;
    this.cluster = cluster;
    this.agents = agents;
    this.mover = new HomeMover(agents);
  }

  /**
   * The size of the user's home on the node holding it, when it is known (a volume home, a live
   * node that answers); empty otherwise.
   */
  Optional<Long> usedBytes(String user) {
    List<String> home = nodes(user);
    if (home.isEmpty()) return Optional.empty();
    Optional<AgentEndpoint> node = cluster.liveNodes().get().stream().filter(n -> n.hostname().equals(home.get(0)))
        .findFirst().flatMap(AgentEndpoint::of);
    if (node.isEmpty()) return Optional.empty();
    try {
      return agents.volume(node.get(), Homes.volumeOf(user)).map(v -> v.sizeBytes()).filter(b -> b >= 0);
    } catch (dev.gpuhub.server.workload.AgentCallException e) {
      LOG.warn("could not measure {}'s home on {}: {}", user, home.get(0), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Holds the home to its quota before a server starts: warns at {@value HomeQuota#WARN_PERCENT} %
   * and over the limit, refuses past the grace.
   *
   * @throws LaunchException saying how much the home holds when it is past the quota and its grace
   */
  void checkQuota(ActiveServer server) {
    HomeQuota quota = homes.quota();
    if (!quota.limited() || homes.backend() != Homes.Backend.VOLUME) return;
    Optional<Long> used = usedBytes(server.snapshot().user());
    if (used.isEmpty()) return;
    String message = quota.message(used.get());
    if (quota.state(used.get()) == HomeQuota.State.REFUSED) throw new LaunchException(message);
    if (message != null) server.progress().append(ProgressEvent.step(7, message));
  }

  /** The nodes holding the user's home, primary first; empty when unknown or not per node. */
  List<String> nodes(String user) {
    if (homes.backend() != Homes.Backend.VOLUME) return List.of();
    List<String> kept = homeWhileScratch.get(user);
    if (kept != null) return kept;
    try {
      return ledger.lastNodes(user);
    } catch (RuntimeException e) {
      LOG.warn("could not read where {}'s home is", user, e);
      return List.of();
    }
  }

  /** The nodes a server of {@code count} nodes should go back to (a soft preference); empty when none. */
  List<String> preference(String user, int count) {
    List<String> nodes = nodes(user);
    return nodes.size() == count ? nodes : List.of();
  }

  private Set<String> live() {
    return cluster.liveNodes().get().stream().map(NodeReport::hostname).collect(Collectors.toSet());
  }

  /** Why preferred nodes were not taken: some are not reporting, or they are full. */
  String whyNot(List<String> preferred) {
    Set<String> live = live();
    List<String> down = preferred.stream().filter(h -> !live.contains(h)).toList();
    return down.isEmpty() ? "had no room" : "cannot be reached now (" + String.join(", ", down)
        + " is not reporting: down, or its agent is)";
  }

  /**
   * Before placement: when the node holding the home is not reporting, acts on {@code choice}: ASK
   * throws {@link HomeUnavailableException}; WAIT waits while the server is pending; SCRATCH marks
   * the server for a scratch home. Returns true when the server runs with a scratch home.
   */
  boolean beforePlacement(ActiveServer server, HomeChoice choice) throws InterruptedException {
    String user = server.snapshot().user();
    List<String> home = nodes(user);
    if (home.isEmpty() || live().contains(home.get(0))) return false;
    String node = home.get(0);
    switch (choice) {
      case ASK -> throw new HomeUnavailableException(node);
      case SCRATCH -> {
        homeWhileScratch.put(user, home);
        server.progress().append(ProgressEvent.step(6, "Starting with an empty scratch home: files written there are "
            + "lost when the server stops. Your home stays on " + node + " and is used again once it reports"));
        return true;
      }
      case WAIT -> {
        server.progress().append(ProgressEvent.step(6, "Waiting for " + node + ", which holds your home, to report "
            + "again (Cancel stops waiting)"));
        while (!live().contains(node)) {
          if (server.snapshot().state() != ServerState.PENDING) throw new LaunchException("the server was stopped while waiting for " + node);
          Thread.sleep(WAIT_POLL.toMillis());
        }
        server.progress().append(ProgressEvent.step(8, node + " reports again"));
        return false;
      }
      default -> throw new IllegalStateException(choice.name());
    }
  }

  /**
   * After placement on {@code primary} (a live node): moves the home there from the node holding it
   * when that is another, live node. Progress goes to the server's log.
   *
   * @throws HomeMover.HomeMoveException when the move fails; the original is intact
   */
  void follow(ActiveServer server, AgentEndpoint primary, java.util.function.Function<String, AgentEndpoint> endpoint) {
    String user = server.snapshot().user();
    List<String> home = nodes(user);
    if (!home.isEmpty() && !home.get(0).equals(primary.hostname())) {
      AgentEndpoint from = endpoint.apply(home.get(0));
      Optional<HomeMover.Moved> moved = mover.move(Homes.volumeOf(user), from, primary,
          line -> server.progress().append(ProgressEvent.step(17, line)));
      if (moved.isEmpty()) {
        server.progress().append(ProgressEvent.step(17, home.get(0) + " holds no home of yours to move; starting with "
            + primary.hostname() + "'s copy"));
      }
    }
    homeWhileScratch.remove(user); // the home is where this server runs from now on
  }
}
