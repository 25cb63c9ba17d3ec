package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.workload.AgentCallException;
import dev.gpuhub.server.workload.AgentClient;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.Labels;
import dev.gpuhub.server.workload.Readiness;
import dev.gpuhub.server.workload.Workload;
import dev.gpuhub.server.workload.WorkloadLauncher;
import dev.gpuhub.wire.node.ContainerView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the hub's view and the nodes agree. After a restart: a server recorded as running whose
 * container still runs is adopted (route restored) as soon as its node reports (a multi-node
 * server's once all its nodes report, or at the deadline, together with the kernel hosts or workers
 * still running there and its kernel gateway); one whose container
 * is gone, or whose node does not report in time, is marked stopped. At any time: a gpuhub server container on a live node that no active server
 * owns is an orphan and is removed (training job containers, label {@code gpuhub.job}, are left to
 * the job scheduler).
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  /** The kinds of container a user's server consists of. */
  private static final java.util.Set<String> SERVER_KINDS =
      java.util.Set.of(Labels.KIND_SERVER, Labels.KIND_KERNEL_HOST, Labels.KIND_WORKER);

  /** What a start-up reconciliation did. */
  public record Result(List<String> adopted, List<String> ended) {}

  private final Spawner spawner;
  private final ServerLedger ledger;
  private final Supplier<List<NodeReport>> liveNodes;
  private final WorkloadLauncher launcher;
  private final AgentClient agents;
  private final PlacementEngine engine;
  private final Clock clock;
  private final Map<dev.gpuhub.core.hub.ServerId, ActiveServer.Snapshot> awaiting = new LinkedHashMap<>();
  private Instant deadline = Instant.MIN;
  private boolean resumed;

  public Reconciler(Spawner spawner, ServerLedger ledger, Supplier<List<NodeReport>> liveNodes, WorkloadLauncher launcher,
                    Clock clock) {
    this.launcher = launcher;
    this.engine = launcher.engine();
    this.clock = clock;
    this.spawner = spawner;
    this.ledger = ledger;
    this.liveNodes = liveNodes;
    this.agents = launcher.agents();
  }

  /**
   * Loads the servers the ledger says were running; they are adopted or ended by
   * {@link #tryAdopt} once their node reports again (or its report is overdue by {@code patience}).
   */
  public synchronized void loadRecorded(Duration patience) {
    deadline = clock.instant().plus(patience);
    for (ActiveServer.Snapshot s : ledger.runningServers()) awaiting.put(s.id(), s);
  }

  /**
   * Starts again, in the order they were asked for, the servers the ledger says were asked for but
   * neither ran nor ended: starts a restart of the hub interrupted (in the queue, or between placement
   * and ready). What the interrupted start left behind goes first (its containers, as orphans, and its
   * reservation). Call once, after the nodes have reported. A start refused now (e.g. the profile is
   * gone) is recorded as failed with the reason.
   *
   * @return the servers started again
   */
  public synchronized List<dev.gpuhub.core.hub.ServerId> resumeInterrupted() {
    List<ActiveServer.Snapshot> pending = ledger.pendingServers();
    if (pending.isEmpty()) return List.of();
    removeOrphans();
    List<dev.gpuhub.core.hub.ServerId> resumed = new ArrayList<>();
    for (ActiveServer.Snapshot s : pending) {
      if (spawner.server(s.id()).map(a -> a.snapshot().state().isActive()).orElse(false)) continue;
      engine.release(Spawner.owner(s.id())); // the interrupted start's reservation, restored from the journal
      try {
        // asked for when it first was: the placement queue orders by that, whichever start's thread is first
        spawner.spawn(s.id(), new SpawnOptions(s.profile(), s.image(), null), s.startedAt());
        resumed.add(s.id());
        LOG.atInfo().addKeyValue("user", s.user()).addKeyValue("server", s.server()).addKeyValue("asked_at", s.startedAt())
            .log("resumed a start a restart of the hub interrupted");
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("user", s.user()).addKeyValue("server", s.server())
            .log("could not resume a start a restart interrupted: {}", e.getMessage());
        ledger.ended(s.id(), ServerState.FAILED, "the hub restarted while it started, and it could not start again: "
            + e.getMessage());
      }
    }
    return resumed;
  }

  /**
   * {@link #resumeInterrupted()}, once in this process, as soon as the recorded servers are adopted
   * or ended and some node reports (or the adoption deadline has passed); nothing before that.
   */
  public synchronized List<dev.gpuhub.core.hub.ServerId> resumeInterruptedOnce() {
    if (resumed || !awaiting.isEmpty() || (liveNodes.get().isEmpty() && !clock.instant().isAfter(deadline))) {
      return List.of();
    }
    resumed = true;
    return resumeInterrupted();
  }

  /** Whether recorded servers still wait for their node's report. */
  public synchronized boolean awaitingAdoption() {
    return !awaiting.isEmpty();
  }

  /**
   * Adopts each awaiting server whose node reports and whose container still runs (route
   * restored); ends those whose container is gone or whose node stayed silent past the deadline.
   */
  public synchronized Result tryAdopt() {
    List<String> adopted = new ArrayList<>();
    List<String> ended = new ArrayList<>();
    Map<String, NodeReport> live = new HashMap<>();
    for (NodeReport n : liveNodes.get()) live.put(n.hostname(), n);
    for (var it = awaiting.values().iterator(); it.hasNext(); ) {
      ActiveServer.Snapshot s = it.next();
      NodeReport node = s.primaryHostname() == null ? null : live.get(s.primaryHostname());
      boolean overdue = clock.instant().isAfter(deadline);
      boolean primaryLive = node != null && node.agentPort() != null;
      boolean someNodeSilent = s.nodes() != null
          && s.nodes().stream().anyMatch(h -> live.get(h) == null || live.get(h).agentPort() == null);
      if (!primaryLive || (someNodeSilent && !overdue)) { // a multi-node server waits for all its nodes, until the deadline
        if (!primaryLive && overdue) {
          end(s, "its node " + s.primaryHostname() + " did not report after the hub restarted");
          ended.add(s.id().compact());
          it.remove();
        }
        continue;
      }
      ActiveServer.Snapshot located = new ActiveServer.Snapshot(s.user(), s.server(), s.profile(), s.image(), s.nodes(),
          s.primaryHostname(), node.ip(), node.agentPort(), s.containerId(), s.port(), s.token(), ServerState.RUNNING,
          s.startedAt(), null);
      Workload.Unit primary = new Workload.Unit(Spawner.owner(s.id()), located.agent(), null, Readiness.none(),
          "the container of " + s.id().describe());
      Optional<Workload.Started> kept;
      try {
        kept = located.containerId() == null ? Optional.empty()
            : launcher.adopt(primary, located.containerId(), Duration.ZERO);
      } catch (AgentCallException e) {
        continue; // try again on the next pass, until the deadline
      }
      if (kept.isPresent()) {
        Optional<Parts> parts = parts(located, live, overdue);
        if (parts.isEmpty()) continue; // a node could not be asked: try again on the next pass, until the deadline
        spawner.adopt(located, parts.get().kernelHosts(), parts.get().workers(), parts.get().workerPort());
        adopted.add(s.id().compact());
      } else {
        end(s, "its container no longer runs");
        ended.add(s.id().compact());
      }
      it.remove();
    }
    if (!adopted.isEmpty() || !ended.isEmpty()) {
      LOG.atInfo().addKeyValue("adopted", adopted).addKeyValue("ended", ended).log("reconciled servers after start");
    }
    return new Result(adopted, ended);
  }

  /** What still runs of a multi-node server's kernel hosts or workers, found on its nodes on adoption. */
  private record Parts(List<KernelHost> kernelHosts, List<ActiveServer.Worker> workers, Integer workerPort) {}

  /**
   * Finds the running kernel hosts and workers of {@code s} on its nodes through their agents (by
   * label: kind, user, node, port), their tokens derived from the server's as at the spawn. Empty
   * when a node's agent cannot be asked before the deadline; after it, such a node is left out.
   */
  private Optional<Parts> parts(ActiveServer.Snapshot s, Map<String, NodeReport> live, boolean overdue) {
    List<KernelHost> hosts = new ArrayList<>();
    List<ActiveServer.Worker> workers = new ArrayList<>();
    Integer workerPort = null;
    if (s.nodes() == null || s.nodes().size() < 2) return Optional.of(new Parts(hosts, workers, null));
    for (String hostname : s.nodes()) {
      NodeReport node = live.get(hostname);
      if (node == null || node.agentPort() == null) continue; // overdue: its kernel host or worker is lost
      AgentEndpoint agent = AgentEndpoint.require(node);
      List<ContainerView> containers;
      try {
        containers = agents.list(agent, Labels.KIND);
      } catch (AgentCallException e) {
        if (!overdue) return Optional.empty();
        continue;
      }
      for (ContainerView c : containers) {
        Map<String, String> labels = c.labels();
        if (!c.running() || !ServerContainers.serverOf(labels).map(s.id()::equals).orElse(false) || labels.containsKey(Labels.JOB)
            || !hostname.equals(labels.get(Labels.NODE))) continue;
        Integer port = port(labels.get(Labels.PORT));
        if (port == null) continue; // started before ports were labelled: cannot be reached, removed as an orphan
        if (Labels.KIND_KERNEL_HOST.equals(labels.get(Labels.KIND))) {
          hosts.add(new KernelHost(hostname, node.ip(), node.agentPort(), c.id(), port,
              ServerContainers.kernelHostToken(s.token(), hostname), KernelHost.basePathOf(s.id(), hostname)));
        } else if (Labels.KIND_WORKER.equals(labels.get(Labels.KIND))) {
          workers.add(new ActiveServer.Worker(hostname, node.ip(), node.agentPort(), c.id()));
          workerPort = port;
        }
      }
    }
    return Optional.of(new Parts(hosts, workers, workerPort));
  }

  private static Integer port(String label) {
    try {
      return label == null ? null : Integer.valueOf(label);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void end(ActiveServer.Snapshot s, String why) {
    engine.release(Spawner.owner(s.id()));
    ledger.ended(s.id(), ServerState.STOPPED, "not running after a hub restart: " + why);
  }

  /**
   * Releases reservations of user servers that are neither active nor waiting to be adopted (e.g.
   * held by a spawn that was in flight when the hub stopped); returns the owners released.
   */
  public synchronized List<String> releaseLeakedReservations() {
    Map<dev.gpuhub.core.hub.ServerId, ActiveServer> servers = spawner.servers();
    List<String> released = new ArrayList<>();
    java.util.Set<String> owners = new java.util.TreeSet<>();
    for (var r : engine.reservations()) owners.add(r.owner());
    for (String owner : owners) {
      if (!owner.startsWith(Labels.SERVER_OWNER)) continue;
      var id = ServerContainers.serverOf(owner);
      ActiveServer server = id.map(servers::get).orElse(null);
      if (id.isPresent() && awaiting.containsKey(id.get())) continue;
      if (server != null && server.snapshot().state().isActive()) continue;
      if (!engine.release(owner).isEmpty()) released.add(owner);
    }
    if (!released.isEmpty()) LOG.atInfo().addKeyValue("owners", released).log("released reservations no server holds");
    return released;
  }

  /**
   * Makes servers and nodes agree, node by node (nodes whose agent cannot be asked are skipped):
   * removes server containers no active server owns, and ends RUNNING servers whose container no
   * longer runs on their node (their reservation is released). Returns the orphan container names.
   */
  public synchronized List<String> removeOrphans() {
    List<String> removed = new ArrayList<>();
    for (NodeReport node : liveNodes.get()) {
      if (node.agentPort() == null) continue;
      AgentEndpoint agent = AgentEndpoint.require(node);
      // Servers known before the listing: one RUNNING then whose container the listing lacks is gone.
      List<ActiveServer.Snapshot> before = spawner.servers().values().stream().map(ActiveServer::snapshot).toList();
      List<ContainerView> containers;
      try {
        containers = agents.list(agent, Labels.KIND).stream() // servers only: jobs and services reconcile theirs
            .filter(c -> SERVER_KINDS.contains(c.label(Labels.KIND))).toList();
      } catch (AgentCallException e) {
        LOG.debug("cannot list containers on {}: {}", node.hostname(), e.getMessage());
        continue;
      }
      // Servers known after the listing: every container in it was started by a spawn registered by then,
      // so one that no server owns now is an orphan (an earlier read would miss a spawn in progress).
      Map<dev.gpuhub.core.hub.ServerId, ActiveServer> servers = spawner.servers();
      java.util.Set<String> runningIds = new java.util.HashSet<>();
      for (ContainerView c : containers) {
        if (c.labels().containsKey(Labels.JOB)) continue; // a training job's replica: the job scheduler's to manage
        if (c.running()) runningIds.add(c.id());
        var owner = ServerContainers.serverOf(c.labels());
        if (owner.isPresent() && awaiting.containsKey(owner.get())) continue; // adopted once its node reports
        ActiveServer server = owner.map(servers::get).orElse(null);
        boolean owned;
        if (Labels.KIND_KERNEL_HOST.equals(c.label(Labels.KIND))) { // a multi-node server's kernel host
          owned = server != null && (server.snapshot().state() == ServerState.PENDING
              || (server.snapshot().state().isActive()
                  && server.kernelHosts().stream().anyMatch(h -> c.id().equals(h.containerId()))));
        } else if (Labels.KIND_WORKER.equals(c.label(Labels.KIND))) { // a worker-mode server's worker
          owned = server != null && (server.snapshot().state() == ServerState.PENDING
              || (server.snapshot().state().isActive()
                  && server.workers().stream().anyMatch(w -> c.id().equals(w.containerId()))));
        } else {
          owned = server != null && server.snapshot().state().isActive()
              && (c.id().equals(server.snapshot().containerId()) || server.snapshot().containerId() == null);
        }
        if (!owned) {
          agents.remove(agent, c.id());
          removed.add(c.name());
        }
      }
      for (ActiveServer.Snapshot s : before) {
        ActiveServer now = servers.get(s.id());
        if (s.state() == ServerState.RUNNING && node.hostname().equals(s.primaryHostname())
            && s.containerId() != null && !runningIds.contains(s.containerId())
            && now != null && s.containerId().equals(now.snapshot().containerId())) {
          spawner.containerGone(s.id(), "its container on " + node.hostname() + " is no longer running");
        }
      }
    }
    if (!removed.isEmpty()) LOG.atInfo().addKeyValue("containers", removed).log("removed orphan server containers");
    return removed;
  }
}
